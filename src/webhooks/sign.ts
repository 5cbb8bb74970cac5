import { nodeCrypto } from '../lazy-builtins.js';
import { HeroError } from '../errors.js';
import { formatSignature, formatTimestamp } from './signature-format.js';

/** Input of {@link signWebhookPayload} and of the signing step inside `verifyWebhook`. */
export interface SignWebhookPayloadOptions {
  /** The exact bytes (or UTF-8 text) of the body to send. */
  rawBody: Uint8Array | string;
  /** The webhook's `signing_key`; a string is used as its UTF-8 bytes. */
  signingKey: string | Uint8Array;
  /**
   * Send time. A `Date` or a number (Unix seconds) is written as whole Unix
   * seconds; a string is used verbatim (to test other formats).
   * @default new Date()
   */
  timestamp?: Date | number | string;
}

/** What {@link signWebhookPayload} produces. */
export interface SignedWebhookPayload {
  /** The timestamp header value, as signed. */
  readonly timestamp: string;
  /** The signature header value: HMAC-SHA256 as lowercase hex, no prefix. */
  readonly signature: string;
  /** Both headers, ready to spread into a request. */
  readonly headers: { readonly 'X-Herohealth-Timestamp': string; readonly 'X-Herohealth-Signature': string };
}

/** HMAC-SHA256 of `"{timestamp}.{raw body}"`, as Hero's guide specifies. */
export function computeWebhookDigest(rawBody: Uint8Array | string, signingKey: string | Uint8Array, timestamp: string): Buffer {
  return nodeCrypto().createHmac('sha256', signingKey).update(`${timestamp}.`, 'utf8').update(rawBody).digest();
}

/**
 * Signs a body the way Hero's guide describes, for tests of your receiver.
 * Produces `X-Herohealth-Timestamp` as whole Unix seconds and
 * `X-Herohealth-Signature` as lowercase hex HMAC-SHA256 over
 * `"{timestamp}.{raw body}"`. Throws {@link HeroError} for an empty key or invalid time.
 * (Hero has not confirmed these two formats; `verifyWebhook` accepts
 * this output and the other plausible forms, see `signature-format.ts`).
 *
 * @example
 * const { headers } = signWebhookPayload({ rawBody: body, signingKey: 'test-key' });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
export function signWebhookPayload(options: SignWebhookPayloadOptions): SignedWebhookPayload {
  const { rawBody, signingKey } = options ?? ({} as Partial<SignWebhookPayloadOptions>);
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) throw new HeroError('signWebhookPayload: rawBody must be a string or Uint8Array');
  if (!(typeof signingKey === 'string' || signingKey instanceof Uint8Array) || signingKey.length === 0) {
    throw new HeroError('signWebhookPayload: signingKey must be a non-empty string or Uint8Array');
  }
  const at = options.timestamp ?? new Date();
  const instant = typeof at === 'number' ? new Date(at * 1000) : at;
  if (typeof instant !== 'string' && (!(instant instanceof Date) || Number.isNaN(instant.getTime()))) {
    throw new HeroError('signWebhookPayload: timestamp must be a Date, Unix seconds or a string');
  }
  const timestamp = typeof instant === 'string' ? instant : formatTimestamp(instant);
  const signature = formatSignature(computeWebhookDigest(rawBody, signingKey, timestamp));
  return { timestamp, signature, headers: { 'X-Herohealth-Timestamp': timestamp, 'X-Herohealth-Signature': signature } };
}
