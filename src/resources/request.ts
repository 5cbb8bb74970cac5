/**
 * What every resource method shares: per-call options and turning openapi-fetch's
 * `{ data, response }` into the data or a typed error.
 */
import { HeroResponseParseError } from '../errors.js';
import { describeOperation } from '../operation-index.js';
import { kFacadeCall } from '../raw-client.js';
import type { OperationName } from './types.js';

/** Options every facade call accepts. */
export interface CallOptions {
  /** Cancels the call at once, including while waiting to retry. */
  signal?: AbortSignal;
}

/** Options of calls that change something on Hero's side (POST, PATCH). */
export interface MutationOptions extends CallOptions {
  /**
   * Allow retries after a timeout, a dropped connection or a 5xx. Leave it off unless a
   * repeat is harmless: a retried send can text a patient twice, a retried booking can
   * double-book. 429 and 503 are retried either way (Hero did not process the request).
   * @default false
   */
  idempotent?: boolean;
}

/**
 * The openapi-fetch init fields for a call. `heroIdempotent` is not a fetch option:
 * openapi-fetch copies unknown init keys onto the Request, where the transport reads it.
 */
const noInit = Object.freeze({ [kFacadeCall]: true as const }) as { signal?: AbortSignal };

/**
 * Every facade init carries `kFacadeCall`, so `hero.raw` (which the facade calls through)
 * refuses query keys the operation does not declare. `hero.raw` itself sends any key.
 */
export function callInit(options: MutationOptions | undefined): { signal?: AbortSignal } {
  // No allocation when there are no options: this runs on every call.
  if (!options) return noInit;
  const init: { signal?: AbortSignal; heroIdempotent?: boolean; [kFacadeCall]: true } = { [kFacadeCall]: true };
  if (options.signal) init.signal = options.signal;
  if (options.idempotent) init.heroIdempotent = true;
  return init;
}

/**
 * Awaits an openapi-fetch call and returns its parsed body. Non-2xx answers were already
 * thrown as typed errors by the transport, and non-JSON 2xx bodies by `hero.raw`; what is
 * left is a 2xx with no body where the spec promises JSON, reported with the operation's name.
 */
export async function expectData<T>(
  operationId: OperationName,
  pending: Promise<{ data?: T; response: Response }>,
): Promise<T> {
  const result = await pending;
  if (result.data === undefined) {
    const op = describeOperation(operationId);
    throw new HeroResponseParseError({
      ...op,
      status: result.response.status,
      message: `${op.method} ${op.path} (${operationId}) answered ${result.response.status} with an empty body; the API describes a JSON body`,
    });
  }
  return result.data;
}
