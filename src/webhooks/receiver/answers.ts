/**
 * Every answer a webhook handler gives, in one table. Bodies are fixed JSON: a status word,
 * or an error and (for refused deliveries) the verification `reason`. Nothing from the
 * request, the handler's error, the store or the signing key is ever put in one.
 */
import type { WebhookVerificationFailureReason } from '../../errors.js';

/** An HTTP answer, framework-free. */
export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

function answer(status: number, body: object, headers: Record<string, string> = {}): WebhookAnswer {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

// Unread bytes may still be arriving: closing the connection is cheaper than draining them.
const CLOSE = { connection: 'close' };

export const answers = {
  handled: answer(200, { status: 'handled' }),
  duplicate: answer(200, { status: 'duplicate' }),
  ignored: answer(200, { status: 'ignored' }),
  accepted: answer(202, { status: 'accepted' }),
  rejected: (reason: WebhookVerificationFailureReason) => answer(400, { error: 'webhook verification failed', reason }),
  methodNotAllowed: answer(405, { error: 'method not allowed' }, { allow: 'POST' }),
  bodyTimeout: answer(408, { error: 'body not received in time' }, CLOSE),
  tooLarge: answer(413, { error: 'body too large' }, CLOSE),
  aborted: answer(400, { error: 'body incomplete' }, CLOSE),
  internal: answer(500, { error: 'internal error' }),
  handlerFailed: answer(500, { error: 'handler failed' }),
  inProgress: (retryAfterSeconds: number) => answer(503, { error: 'delivery in progress elsewhere' }, { 'retry-after': String(retryAfterSeconds) }),
  unavailable: answer(503, { error: 'temporarily unavailable' }, { 'retry-after': '10' }),
} as const;
