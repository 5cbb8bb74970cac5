/**
 * Puts {@link checkPatientIdentifiers} in front of every call of the typed client, so
 * `hero.raw` and every resource method (built on it) check NHS numbers, dates of birth
 * and postcodes the same way, before anything is sent.
 */
import type { HeroRawClient } from '../raw-client-types.js';
import { rejectedHeroPromise } from '../observability/hero-promise.js';
import { operationIdsFor } from '../operation-index.js';
import { carriesPatientIdentifiers, checkPatientIdentifiers, type CheckedRequest } from './patient-identifiers.js';

const methods = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

type AnyCall = (path: string, init?: Record<string, unknown>) => Promise<unknown>;

/**
 * Wraps a client: same API and types. Calls of operations that carry no patient identifier
 * pass straight through (one map look-up); the others have their body and query checked and
 * normalised, or fail with `HeroInputError` (a rejected promise, never a synchronous throw).
 */
export function guardPatientIdentifiers(client: HeroRawClient): HeroRawClient {
  const guarded: Record<string, unknown> = { ...client };
  for (const method of methods) {
    const call = client[method] as unknown as AnyCall;
    const guardedPaths = new Set<string>();
    for (const [path, operationId] of operationIdsFor(method)) if (carriesPatientIdentifiers(operationId)) guardedPaths.add(path);
    if (guardedPaths.size === 0) continue;
    const operationIdByPath = operationIdsFor(method);
    // Not async: a pass-through call must not pay for an extra promise (this runs on every call).
    guarded[method] = (path: string, init?: Record<string, unknown>) => {
      // Anything but an options object goes through, for hero.raw to refuse.
      if (!guardedPaths.has(path) || typeof init !== 'object' || init === null) return call(path, init);
      const params = init.params as Record<string, unknown> | undefined;
      let checked: CheckedRequest;
      try {
        checked = checkPatientIdentifiers(operationIdByPath.get(path)!, init.body, params?.query);
      } catch (error) {
        // A HeroPromise like every other call's, so `.withResponse()` exists on the refusal too.
        return rejectedHeroPromise(error);
      }
      if (checked.body === init.body && checked.query === params?.query) return call(path, init);
      return call(path, {
        ...init,
        ...(checked.body !== init.body && { body: checked.body }),
        ...(checked.query !== params?.query && { params: { ...params, query: checked.query } }),
      });
    };
  }
  // `request(method, path, init)` is the same call with the method as an argument.
  const request = client.request as unknown as (method: string, path: string, init?: Record<string, unknown>) => Promise<unknown>;
  guarded.request = (method: string, path: string, init?: Record<string, unknown>) => {
    const own = typeof method === 'string' ? guarded[method.toUpperCase()] : undefined;
    return typeof own === 'function' ? (own as AnyCall)(path, init) : request(method, path, init);
  };
  return guarded as unknown as HeroRawClient;
}
