import { nodeCrypto } from '../../lazy-builtins.js';
import { computeWebhookDigest } from '../sign.js';
import { TIMESTAMP_HEADER } from '../signature-format.js';
import { readHeader, type WebhookHeaders } from '../webhook-headers.js';

/**
 * The key a verified delivery is deduplicated by: SHA-256 over the timestamp header as
 * signed and the HMAC digest it carries, as 32 hex characters. Call it only after
 * `verifyWebhook` accepted the delivery.
 *
 * Why the digest recomputed here rather than the signature header's text: verification
 * accepts one digest in several encodings (hex in either case, base64, base64url, a
 * `sha256=` prefix), so a replay re-encoded from hex to base64 must map to the same key.
 * The HMAC already binds the body and the timestamp, so the key holds neither the body nor
 * anything from which the signing key could be recovered.
 */
export function computeDeliveryKey(rawBody: Uint8Array, headers: WebhookHeaders, signingKey: string | Uint8Array): string {
  const timestamp = readHeader(headers, TIMESTAMP_HEADER);
  if (timestamp.kind !== 'one') throw new Error('computeDeliveryKey: call it only for a verified delivery');
  const digest = computeWebhookDigest(rawBody, signingKey, timestamp.value);
  return nodeCrypto().createHash('sha256').update('hero-webhook-delivery:v1\n').update(timestamp.value).update('\n').update(digest).digest('hex').slice(0, 32);
}
