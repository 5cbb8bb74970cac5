/**
 * The metadata `.withResponse()` gives for a response: status, headers redacted as everywhere
 * else (transport/redaction.ts), the request id, and what the transport recorded (attempts).
 */
import { callRecordOf } from '../transport/call-record.js';
import { redactResponseHeaders, secretsOf } from '../transport/redaction.js';
import { requestIdOf } from '../transport/request-id.js';
import type { HeroResponseMeta } from './hero-promise.js';

/**
 * Builds the metadata of `response`, `elapsedMs` after its call started. `secrets` are scrubbed
 * from header values when the transport kept no record of the call (a middleware replaced the
 * response); otherwise the request's own secret headers are.
 */
export function responseMeta(response: Response, elapsedMs: number, secrets: readonly string[]): HeroResponseMeta {
  const record = callRecordOf(response);
  const headers = Object.freeze(redactResponseHeaders(response.headers, record === undefined ? secrets : secretsOf(record.requestHeaders), record?.url ?? response.url));
  return Object.freeze({
    status: response.status,
    headers,
    requestId: requestIdOf((name) => headers[name]),
    attempts: record?.attempts ?? 1,
    elapsedMs,
  });
}
