/**
 * What the transport knows about a call that ended in a 2xx, kept beside its Response for
 * `.withResponse()` (observability/response-meta.ts): openapi-fetch hands the caller the same
 * Response the transport returned, so a WeakMap keyed by it carries the rest, and dies with it.
 */

/** One successful call, as the transport saw it. */
export interface CallRecord {
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** The request's headers, to scrub an echoed key from the response's. */
  readonly requestHeaders: Headers;
  /** The request URL, to resolve a relative `Location`. */
  readonly url: string;
}

const records = new WeakMap<Response, CallRecord>();

/** Remembers `record` for `response` (the transport, once per successful call). */
export function recordCall(response: Response, record: CallRecord): void {
  records.set(response, record);
}

/** What the transport recorded for `response`, or `undefined` (a response middleware replaced, or no transport). */
export function callRecordOf(response: Response): CallRecord | undefined {
  return records.get(response);
}
