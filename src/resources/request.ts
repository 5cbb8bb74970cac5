/**
 * What every resource method shares: per-call options and turning openapi-fetch's
 * `{ data, response }` into the data or a typed error.
 */
import { HeroInputError, HeroResponseParseError } from '../errors.js';
import { isOptionsObject, typeName } from '../validation/type-name.js';
import { unknownKeyProblems } from '../validation/unknown-keys.js';
import { describeOperation } from '../operation-index.js';
import { mapHeroPromise, type HeroPromise } from '../observability/hero-promise.js';
import { kFacadeCall } from '../raw-client.js';
import { CALL_OPTION_KEYS, type HeroCallOptions, type HeroMutationCallOptions } from '../transport/call-options.js';
import type { OperationName } from './types.js';

/** Options every facade call accepts (see {@link HeroCallOptions}). */
export interface CallOptions extends HeroCallOptions {}

/** Options of calls that change something on Hero's side (POST, PATCH): adds `idempotent`. */
export interface MutationOptions extends HeroMutationCallOptions {}

// The per-call option keys hero.raw understands; a method's own options (e.g. `today`) stay behind.
const CALL_KEYS = ['signal', 'headers', ...CALL_OPTION_KEYS] as const;
const noInit: Record<string | symbol, unknown> = Object.freeze({ [kFacadeCall]: true as const });

/**
 * The per-call options to put in a `hero.raw` init. `hero.raw` checks them (HeroInputError
 * naming the option) and hands the transport its share; see call-options.ts. Every facade
 * init also carries `kFacadeCall`, so `hero.raw` (which the facade calls through) refuses
 * query keys the operation does not declare; `hero.raw` itself sends any key.
 */
export function callInit(options: MutationOptions | undefined, ownKeys: readonly string[] = []): Record<string | symbol, unknown> {
  // No allocation when there are no options: this runs on every call.
  if (options === undefined) return noInit;
  checkOptionsObject(options, 'call options');
  checkKnownKeys(options, ownKeys);
  const init: Record<string | symbol, unknown> = { [kFacadeCall]: true };
  for (const key of CALL_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) init[key] = value;
  }
  return init;
}

/**
 * Refuses a per-call option the call does not know (`timeout` for `timeoutMs`), naming the
 * nearest valid one: otherwise a misspelt option would be dropped in silence.
 */
function checkKnownKeys(options: object, ownKeys: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if ((CALL_KEYS as readonly string[]).includes(key) || ownKeys.includes(key)) continue;
    const problems = unknownKeyProblems(options, [...CALL_KEYS, ...ownKeys]);
    throw new HeroInputError(problems.map((message) => ({ field: '(options)', message })), 'call options');
  }
}

/**
 * Throws {@link HeroInputError} unless `options` is an options object (not `null`, an array,
 * a function or a primitive). `undefined` is checked by the caller (it means "none").
 */
export function checkOptionsObject(options: unknown, subject: string): void {
  if (isOptionsObject(options)) return;
  throw new HeroInputError([{ field: '(options)', message: `must be an object (received ${typeName(options)})` }], subject);
}

/** `options` checked by {@link checkOptionsObject}, or `{}` for none: for options spread into another call's. */
export function optionsObject<T extends object>(options: T | undefined, subject: string): T | Record<string, never> {
  if (options === undefined) return {};
  checkOptionsObject(options, subject);
  return options;
}

/**
 * A query or filters object for the wire: `undefined` is none (`{}`) unless `required`;
 * anything but an object is refused with {@link HeroInputError}. Its values are checked when
 * the query is built (url/query-builder.ts). The return type is the generated one, which Hero
 * types as strings for some lists, so numbers would not meet it at compile time.
 */
export function wireQuery(query: unknown, required = false): never {
  if (query === undefined && !required) return {} as never;
  if (isOptionsObject(query)) return query as never;
  throw new HeroInputError([{ field: '(query)', message: `must be an object of query parameters (received ${typeName(query)})` }], 'query parameters');
}

/**
 * Runs a `hero.raw` call and resolves to its parsed body, as a {@link HeroPromise} (so the
 * facade method has `.withResponse()` too). Non-2xx answers were already thrown as typed errors
 * by the transport, and non-JSON 2xx bodies by `hero.raw`; what is left is a 2xx with no body
 * where the spec promises JSON, reported with the operation's name. `send` may throw (argument
 * checks): the promise rejects.
 */
export function expectData<T>(operationId: OperationName, send: () => HeroPromise<{ data?: T; response: Response }, unknown>): HeroPromise<T> {
  return mapHeroPromise(send, (settled) => {
    const { data, response } = settled.value;
    if (data === undefined) {
      const op = describeOperation(operationId);
      throw new HeroResponseParseError({
        ...op,
        status: response.status,
        message: `${op.method} ${op.path} (${operationId}) answered ${response.status} with an empty body; the API describes a JSON body`,
      });
    }
    return { value: data, data, meta: settled.meta };
  });
}
