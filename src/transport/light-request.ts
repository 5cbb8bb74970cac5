/**
 * A stand-in for `Request` that openapi-fetch builds instead of an undici `Request`
 * (its `createClient({ Request })` / per-call `Request` option). An undici `Request`
 * costs tens of µs to build (a signal, a header copy, body extraction), and undici
 * builds another one inside `fetch` anyway. This one only records the URL and the
 * init; the transport then calls `fetch(url, init)` once per attempt.
 *
 * Only {@link tagCalls} hands it to openapi-fetch, and only when no middleware and no
 * per-call `fetch`/`Request` could see it; everyone else still gets a real `Request`.
 */

const kInit = Symbol('heroLightRequestInit');

// `request.signal` of a call made without one, for code that expects a signal to exist.
let neverAborted: AbortSignal | undefined;

/** The fields openapi-fetch and the transport read; not a full `Request`. */
export class LightRequest {
  /** Absolute URL, normalized as `Request#url` would be. */
  readonly url: string;
  /** HTTP method, upper case for the standard ones (as `Request` normalizes them). */
  readonly method: string;
  /** The headers openapi-fetch merged for this call (a fresh `Headers` per call). */
  readonly headers: Headers;
  /** The init as openapi-fetch passed it: body, signal, redirect, the caller's extra keys. */
  readonly [kInit]: RequestInit;

  /** Same arguments as `new Request(url, init)`; throws the same `TypeError` on a bad URL. */
  constructor(input: string | URL, init: RequestInit = {}) {
    // Parse here, as `new Request` does: a bad URL must fail before the transport,
    // whose network-error check would otherwise mistake `ERR_INVALID_URL` for a socket error.
    this.url = new URL(input).href;
    const method = init.method ?? 'GET';
    this.method = NORMALIZED_METHODS.has(method.toUpperCase()) ? method.toUpperCase() : method;
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this[kInit] = init;
  }

  /** The caller's signal, or one that never aborts. */
  get signal(): AbortSignal {
    return this[kInit].signal ?? (neverAborted ??= new AbortController().signal);
  }
}

// The methods the Fetch standard upper-cases; others (PATCH included) keep their case.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** True for a {@link LightRequest}. */
export function isLightRequest(value: unknown): value is LightRequest {
  return value instanceof LightRequest;
}

/** The init a {@link LightRequest} was built with. */
export function lightRequestInit(request: LightRequest): RequestInit {
  return request[kInit];
}
