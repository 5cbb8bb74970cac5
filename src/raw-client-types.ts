/**
 * The type of `hero.raw`: openapi-fetch's `Client<paths>`, with this package's per-call
 * options typed in every call's init, so `{ idempotent: 'yes' }` or `{ timeoutMs: '5s' }`
 * fails to compile instead of being silently ignored. Helpers openapi-fetch does not
 * export are restated from openapi-typescript-helpers (same definitions), so consumers
 * need no extra package for the declarations to resolve.
 */
import type { FetchResponse, MaybeOptionalInit, Middleware } from 'openapi-fetch';
import type { paths } from '../generated/hero-api.js';
import type { HeroPromise } from './observability/hero-promise.js';
import type { HeroMutationCallOptions } from './transport/call-options.js';

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type MediaType = `${string}/${string}`;

/** Paths of `paths` that have `Method` (openapi-typescript-helpers' `PathsWithMethod`). */
export type PathsWithMethod<Paths, Method extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends { [K in Method]: unknown } ? P : never;
}[keyof Paths];

type RequiredKeysOfHelper<T> = { [K in keyof T]: {} extends Pick<T, K> ? never : K }[keyof T];
type RequiredKeysOf<T> = RequiredKeysOfHelper<T> extends undefined ? never : RequiredKeysOfHelper<T>;

/**
 * Per-call options of a `hero.raw` call, next to openapi-fetch's own keys. `signal` and
 * `headers` are openapi-fetch's (same meaning; headers are checked the same way).
 */
export type HeroRawCallOptions = Omit<HeroMutationCallOptions, 'signal' | 'headers'>;

// openapi-fetch's InitParam, with our options typed (its `[key: string]: unknown` stays for extension keys).
type HeroInitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & HeroRawCallOptions & { [key: string]: unknown })?]
    : [Init & HeroRawCallOptions & { [key: string]: unknown }];

// FetchResponse wants an object; `paths[Path][Method]` is one for every Path that has Method.
type Operation<T> = T extends Record<string | number, any> ? T : never;

// What a call resolves to: openapi-fetch's FetchResponse; `.withResponse()` gives its `data` with the metadata.
type RawResult<Path extends keyof paths, Method extends HttpMethod, Init> = FetchResponse<Operation<paths[Path][Method]>, Init, MediaType>;
type RawPromise<Path extends keyof paths, Method extends HttpMethod, Init> = HeroPromise<RawResult<Path, Method, Init>, RawResult<Path, Method, Init>['data']>;

// openapi-fetch's ClientMethod, with HeroInitParam and a HeroPromise.
type RawMethod<Method extends HttpMethod> = <Path extends PathsWithMethod<paths, Method>, Init extends MaybeOptionalInit<paths[Path], Method>>(
  url: Path,
  ...init: HeroInitParam<Init>
) => RawPromise<Path, Method, Init>;

type RawRequestMethod = <
  Method extends HttpMethod,
  Path extends PathsWithMethod<paths, Method>,
  Init extends MaybeOptionalInit<paths[Path], Method>,
>(
  method: Method,
  url: Path,
  ...init: HeroInitParam<Init>
) => RawPromise<Path, Method, Init>;

/** One method of `hero.raw` (`GET`, `POST`…). */
export type HeroRawMethod<Method extends HttpMethod> = RawMethod<Method>;

/**
 * `hero.raw`: every operation of the spec, typed, with per-call options. Each call resolves to
 * openapi-fetch's `{ data, error, response }` (non-2xx answers throw, so `error` is never set);
 * `.withResponse()` resolves to `{ data, response }`, `response` being the redacted metadata
 * (status, headers, request id, attempts, elapsed time) rather than the `Response`.
 */
export interface HeroRawClient {
  /** Any method: `hero.raw.request('get', '/v1/me')`. */
  request: RawRequestMethod;
  GET: HeroRawMethod<'get'>;
  PUT: HeroRawMethod<'put'>;
  POST: HeroRawMethod<'post'>;
  DELETE: HeroRawMethod<'delete'>;
  OPTIONS: HeroRawMethod<'options'>;
  HEAD: HeroRawMethod<'head'>;
  PATCH: HeroRawMethod<'patch'>;
  TRACE: HeroRawMethod<'trace'>;
  /** Registers openapi-fetch middleware (requests become real `Request`s from then on). */
  use(...middleware: Middleware[]): void;
  /** Unregisters middleware. */
  eject(...middleware: Middleware[]): void;
}
