/**
 * Every guess about Hero's signature wire format lives here.
 *
 * Hero's HMAC guide (developer.herohealth.net/pages/api/webhooks/security) fixes
 * the header names, the algorithm (HMAC-SHA256 keyed with the webhook's
 * `signing_key`) and the signed message (`{timestamp}.{raw body}`). It does not
 * say how the signature is encoded, whether it carries a `sha256=` prefix, or
 * how the timestamp is written. Until Hero confirms, verification accepts every
 * plausible form below; once confirmed, shrink the matching list to one entry.
 */

/** Header carrying the signature (matched case-insensitively). */
export const SIGNATURE_HEADER = 'x-herohealth-signature';
/** Header carrying the send time (matched case-insensitively). */
export const TIMESTAMP_HEADER = 'x-herohealth-timestamp';

/** A way the 32-byte HMAC digest may be written in the signature header. */
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';
/** A way the timestamp header may be written. */
export type TimestampFormat = 'unix-seconds' | 'unix-milliseconds' | 'iso-8601';

/** Signature encodings verification accepts. Hero: unconfirmed. */
export const ACCEPTED_SIGNATURE_ENCODINGS: readonly SignatureEncoding[] = ['hex', 'base64', 'base64url'];
/** Prefixes stripped (case-insensitively) before decoding the signature. Hero: unconfirmed. */
export const ACCEPTED_SIGNATURE_PREFIXES: readonly string[] = ['sha256='];
/** Timestamp formats verification accepts. Hero: unconfirmed. */
export const ACCEPTED_TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['unix-seconds', 'unix-milliseconds', 'iso-8601'];

/** Encoding `signWebhookPayload` writes: lowercase hex, no prefix. */
export const PRODUCED_SIGNATURE_ENCODING: SignatureEncoding = 'hex';
/** Timestamp format `signWebhookPayload` writes: whole Unix seconds. */
export const PRODUCED_TIMESTAMP_FORMAT: TimestampFormat = 'unix-seconds';

const DIGEST_BYTES = 32;

/**
 * The digest bytes a signature header may stand for: one candidate per accepted
 * encoding that decodes to exactly 32 bytes. Empty when none does. Hex and
 * base64 cannot be confused: 32 bytes are 64 hex characters but 43-44 base64
 * characters.
 */
export function decodeSignature(headerValue: string): Buffer[] {
  let value = headerValue.trim();
  const prefix = ACCEPTED_SIGNATURE_PREFIXES.find((p) => value.toLowerCase().startsWith(p.toLowerCase()));
  if (prefix !== undefined) value = value.slice(prefix.length);
  const candidates: Buffer[] = [];
  for (const encoding of ACCEPTED_SIGNATURE_ENCODINGS) {
    // Buffer.from() silently skips bad characters, so check the alphabet first.
    const pattern =
      encoding === 'hex' ? /^[0-9a-fA-F]{64}$/
      : encoding === 'base64' ? /^[A-Za-z0-9+/]{43}=?$/
      : /^[A-Za-z0-9_-]{43}=?$/;
    if (!pattern.test(value)) continue;
    const bytes = Buffer.from(value, encoding);
    if (bytes.length === DIGEST_BYTES) candidates.push(bytes);
  }
  return candidates;
}

/**
 * Milliseconds since the epoch for a timestamp header, or `undefined` when it
 * is in no accepted format. Digits-only values below 10^11 are read as seconds
 * (10^11 s is in the year 5138), larger ones as milliseconds (10^11 ms is 1973).
 * ISO 8601 needs a date, a time and a zone (`Z` or `±hh:mm`): a zoneless time
 * would depend on the receiver's clock settings.
 */
export function parseTimestamp(headerValue: string): number | undefined {
  const value = headerValue.trim();
  if (/^\d{1,16}(\.\d+)?$/.test(value)) {
    const number = Number(value);
    const asSeconds = number < 1e11;
    if (asSeconds && ACCEPTED_TIMESTAMP_FORMATS.includes('unix-seconds')) return Math.round(number * 1000);
    if (!asSeconds && !value.includes('.') && ACCEPTED_TIMESTAMP_FORMATS.includes('unix-milliseconds')) return number;
    return undefined;
  }
  if (
    ACCEPTED_TIMESTAMP_FORMATS.includes('iso-8601') &&
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/.test(value)
  ) {
    // Date.parse is only specified for the `T` separator and `±hh:mm` zones.
    const ms = Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Writes a digest as `signWebhookPayload` sends it (see {@link PRODUCED_SIGNATURE_ENCODING}). */
export function formatSignature(digest: Buffer): string {
  return digest.toString(PRODUCED_SIGNATURE_ENCODING);
}

/** Writes an instant as `signWebhookPayload` sends it (see {@link PRODUCED_TIMESTAMP_FORMAT}). */
export function formatTimestamp(instant: Date): string {
  const ms = instant.getTime();
  if (PRODUCED_TIMESTAMP_FORMAT === 'unix-milliseconds') return String(ms);
  if (PRODUCED_TIMESTAMP_FORMAT === 'iso-8601') return instant.toISOString();
  return String(Math.floor(ms / 1000));
}
