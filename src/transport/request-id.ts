/**
 * The request id of a response, for errors, log lines, `.withResponse()` and spans.
 * Hero documents no request-id header (reference guides §3 found none), so this is a short
 * list of common ones: a generic proxy id, AWS API Gateway's, and a correlation id. Kept in
 * one place so adding Hero's real header is a one-line change.
 */

/** Response headers that may carry a request id, checked in this order. */
export const REQUEST_ID_HEADERS: readonly string[] = ['x-request-id', 'x-amzn-requestid', 'x-correlation-id'];

// The id is shown as it is (messages, log lines, attributes): only a short run of visible ASCII is taken.
const SAFE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The first request-id header `get` finds, when it is a short run of visible ASCII; else `undefined`. */
export function requestIdOf(get: (name: string) => string | null | undefined): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = get(name);
    if (value !== null && value !== undefined) return SAFE_REQUEST_ID.test(value) ? value : undefined;
  }
  return undefined;
}
