/**
 * What a shared rate-limit store does, so any backend (the Redis one shipped here,
 * or your own) can give a fleet of processes one schedule.
 */

/** A limit given by the partner agreement. */
export interface KnownLimit {
  /** Sustained requests per second. */
  readonly requestsPerSecond: number;
  /** Requests that may go back to back. */
  readonly burst: number;
}

/** What {@link RateLimitStore.take} is asked. */
export interface TakeRequest {
  /** The known limit, or `undefined` to use the rate learned from 429s. */
  readonly limit: KnownLimit | undefined;
  /**
   * How long this process's oldest waiting call has waited, ms. A store may use it to
   * serve the fleet's oldest call first (the Redis store does): without it the process
   * that happens to ask first after each refusal wins every slot, and the others'
   * calls wait far longer than their share.
   */
  readonly waitedMs?: number;
  /** How long Hero takes to answer this process, ms: the learned rate grows no faster than doubling every two of them. */
  readonly roundTripMs?: number;
}

/**
 * A schedule shared by every process that uses the same store and key. Methods
 * reject (or time out quickly) when the backend cannot be reached; the client then
 * falls back to pacing on its own and warns once, never failing a call for it.
 */
export interface RateLimitStore {
  /**
   * Takes one send from the shared schedule. Resolves `0` when taken, or the number
   * of milliseconds to wait before asking again. `limit` is the known limit, or
   * `undefined` to use the rate learned from 429s.
   */
  take(request: TakeRequest): Promise<number>;
  /**
   * Reports a 429 of a request sent `sentAgoMs` ago. The store judges it with the
   * fleet's other sends (evidence.ts): a stray one changes nothing; an episode the
   * fleet's rate caused lowers the shared learned rate once (or, at a known limit,
   * moves the fleet a little under it).
   */
  throttled(report: { readonly sentAgoMs: number; readonly limit: KnownLimit | undefined }): Promise<void>;
  /** Releases the connection. */
  close(): Promise<void>;
}
