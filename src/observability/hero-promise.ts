/**
 * The promise every resource method and `hero.raw` call returns: awaited, it gives what it always
 * gave (the data; openapi-fetch's `{ data, error, response }` on `hero.raw`); `.withResponse()`
 * gives `{ data, response }` with the response's status, redacted headers, request id, attempts
 * and elapsed time. Modelled on openai-node's `APIPromise`: a Promise subclass whose `then`,
 * `catch` and `finally` read from the underlying call, so a promise that is only asked
 * `.withResponse()` never leaves a second, unobserved rejection behind.
 */

/** A response's metadata, as `.withResponse()` gives it. */
export interface HeroResponseMeta {
  /** HTTP status of the final attempt. */
  readonly status: number;
  /**
   * Response headers (lower-case names), redacted as everywhere else: secret and cookie headers
   * read `[REDACTED]`, an echoed key is scrubbed, `location` keeps only its origin.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Request id from `x-request-id`, `x-amzn-requestid` or `x-correlation-id`; Hero documents none. */
  readonly requestId: string | undefined;
  /** Attempts the call took, the successful one included (429s held by the rate controller count). */
  readonly attempts: number;
  /** Time from the call to its parsed body, waits and retries included, in milliseconds. */
  readonly elapsedMs: number;
}

/** What `.withResponse()` resolves to. */
export interface HeroWithResponse<D> {
  /** The parsed body: what the call resolves to (on `hero.raw`, its `data` field). */
  readonly data: D;
  /** Status, redacted headers, request id, attempts and elapsed time. */
  readonly response: HeroResponseMeta;
}

/** A finished call, before anyone asked how it is to be shown. */
export interface SettledCall<T, D> {
  /** What awaiting the promise gives. */
  readonly value: T;
  /** What `.withResponse()` gives as `data`. */
  readonly data: D;
  /** The response metadata, built on demand (headers are only redacted when asked for). */
  readonly meta: () => HeroResponseMeta;
}

const kSettled = Symbol('heroSettled');

/**
 * A `Promise<T>` (await it as usual) with {@link HeroPromise.withResponse}. `D` is the data
 * `.withResponse()` returns: `T` on the resources, the parsed body on `hero.raw`.
 */
export class HeroPromise<T, D = T> extends Promise<T> {
  readonly #settled: Promise<SettledCall<T, D>>;
  #value: Promise<T> | undefined;

  /** @internal Built by the client; not for callers. */
  constructor(settled: Promise<SettledCall<T, D>>) {
    // The base promise is a placeholder: then/catch/finally below read from `settled`.
    super((resolve) => resolve(undefined as never));
    this.#settled = settled;
  }

  // `then` on a subclass must build plain Promises, not call this constructor.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** `{ data, response }`: the data, and the response's status, redacted headers, request id, attempts and elapsed time. */
  withResponse(): Promise<HeroWithResponse<D>> {
    return this.#settled.then((settled) => ({ data: settled.data, response: settled.meta() }));
  }

  /** @internal The settled call, for a facade method built on a `hero.raw` call. */
  [kSettled](): Promise<SettledCall<T, D>> {
    return this.#settled;
  }

  #valuePromise(): Promise<T> {
    return (this.#value ??= this.#settled.then((settled) => settled.value));
  }

  override then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.#valuePromise().then(onFulfilled, onRejected);
  }

  override catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#valuePromise().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.#valuePromise().finally(onFinally);
  }
}

/** The settled call behind a {@link HeroPromise}. */
export function settledCall<T, D>(promise: HeroPromise<T, D>): Promise<SettledCall<T, D>> {
  return promise[kSettled]();
}

/** A HeroPromise that rejects with `error` (a check that failed before anything was sent). */
export function rejectedHeroPromise<T, D = T>(error: unknown): HeroPromise<T, D> {
  return new HeroPromise<T, D>(Promise.reject(error));
}

/**
 * Runs `start` (which may throw synchronously: argument checks) and maps its settled call with
 * `map` (which may throw: a body that is not what the spec says) and its failure with
 * `mapError` (which returns the error to reject with). Every failure rejects.
 */
export function mapHeroPromise<T, D, U, E = U>(
  start: () => HeroPromise<T, D>,
  map: (settled: SettledCall<T, D>) => SettledCall<U, E>,
  mapError?: (error: unknown) => unknown,
): HeroPromise<U, E> {
  let started: HeroPromise<T, D>;
  try {
    started = start();
  } catch (error) {
    return rejectedHeroPromise(mapError === undefined ? error : mapError(error));
  }
  const settled = settledCall(started);
  return new HeroPromise(mapError === undefined ? settled.then(map) : settled.then(map, (error: unknown) => Promise.reject(mapError(error))));
}
