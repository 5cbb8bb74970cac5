import { redactResponseHeaders, secretsOf } from './redaction.js';
import type { RedactedResponse } from './types.js';

/**
 * The view of a response given to `onResponse` hooks: status and headers, with secret
 * and cookie headers masked, echoed keys scrubbed and `location` cut to its origin
 * ({@link redactResponseHeaders}). No body: the client still has to read it.
 */
export function redactedResponse(response: Response, requestHeaders: Headers, url: string): RedactedResponse {
  return Object.freeze({
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: Object.freeze(redactResponseHeaders(response.headers, secretsOf(requestHeaders), url)),
  });
}
