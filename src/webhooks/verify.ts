import { nodeCrypto } from '../lazy-builtins.js';
import { HeroError } from '../errors.js';
import { validateWebhookEvent, type HeroWebhookEvent } from './events.js';
import { computeWebhookDigest } from './sign.js';
import { ACCEPTED_SIGNATURE_ENCODINGS, ACCEPTED_TIMESTAMP_FORMATS, decodeSignature, parseTimestamp, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature-format.js';
import { HeroWebhookVerificationError } from './verification-error.js';
import { readHeader, type WebhookHeaders } from './webhook-headers.js';

/** Input of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * The request body exactly as received: a `Buffer`/`Uint8Array`,
   * `ArrayBuffer` or string. Not a parsed object, and not `JSON.stringify` of
   * one: re-serialising changes the bytes and the signature will not match.
   */
  rawBody: Uint8Array | ArrayBuffer | string;
  /** Request headers: node `IncomingHttpHeaders`, any plain object, or WHATWG `Headers`. */
  headers: WebhookHeaders;
  /** The webhook's `signing_key` (the one you set in `POST /v1/webhooks`). */
  signingKey: string | Uint8Array;
  /**
   * Largest accepted gap, either way, between the signed timestamp and `now`.
   * Bounds replays of captured deliveries and tolerates clock skew.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The current time; inject it in tests.
   * @default new Date()
   */
  now?: Date;
}

/** Throws a configuration mistake as a plain HeroError: it is our caller's bug, not a bad delivery. */
function assertUsableOptions(signingKey: unknown, toleranceSeconds: unknown, now: unknown): void {
  if (!(typeof signingKey === 'string' || signingKey instanceof Uint8Array) || signingKey.length === 0) {
    throw new HeroError('verifyWebhook: signingKey must be a non-empty string or Uint8Array');
  }
  if (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new HeroError('verifyWebhook: toleranceSeconds must be a finite number >= 0');
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new HeroError('verifyWebhook: now must be a valid Date');
}

/** The body as bytes, or a precise `body_not_raw` error. */
function toBodyBytes(rawBody: unknown): Uint8Array | string {
  let body: Uint8Array | string;
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) body = rawBody;
  else if (rawBody instanceof ArrayBuffer) body = new Uint8Array(rawBody);
  else {
    const what = rawBody === null ? 'null' : Array.isArray(rawBody) ? 'an array' : typeof rawBody;
    throw new HeroWebhookVerificationError(
      'body_not_raw',
      `rawBody is ${what}, not the raw request bytes. A body parser (e.g. express.json()) probably ran first; ` +
        'pass the unparsed Buffer or string instead (see express.raw({ type: "application/json" })).',
    );
  }
  if (body.length === 0) {
    throw new HeroWebhookVerificationError(
      'body_not_raw',
      'rawBody is empty. If a body parser consumed the request stream, read the raw bytes before it runs.',
    );
  }
  return body;
}

/** The single value of a required header, or a precise error. */
function requireHeader(headers: WebhookHeaders, name: string, malformed: 'malformed_signature' | 'malformed_timestamp'): string {
  const found = readHeader(headers, name);
  if (found.kind === 'missing') throw new HeroWebhookVerificationError('missing_header', `the ${name} header is missing or empty`);
  if (found.kind === 'many') throw new HeroWebhookVerificationError(malformed, `the ${name} header was sent more than once`);
  return found.value;
}

/**
 * Verifies a Hero webhook delivery and returns its typed event. Steps, in
 * order (after Stripe's `Webhooks.ts`): body is raw bytes; both headers
 * present and well-formed; HMAC-SHA256 over `"{timestamp}.{raw body}"` with
 * the signing key matches `X-Herohealth-Signature` (constant-time compare); the
 * timestamp is within `toleranceSeconds` of `now`; the body is a JSON object (a leading BOM
 * is ignored). A payload that differs from the documented shape is still returned, typed and
 * normalised with `deviations` listed, or as the `unknown` event (see `validateWebhookEvent`).
 *
 * Throws {@link HeroWebhookVerificationError} (answer 4xx) naming the failed
 * check in `reason`, or {@link HeroError} for unusable options (your bug).
 *
 * @example
 * const event = verifyWebhook({ rawBody: req.body, headers: req.headers, signingKey: process.env.HERO_WEBHOOK_SIGNING_KEY! });
 * switch (event.event) { case 'appointment.confirmed': ...; case 'unknown': ... }
 */
export function verifyWebhook(options: VerifyWebhookOptions): HeroWebhookEvent {
  if (typeof options !== 'object' || options === null) throw new HeroError('verifyWebhook: pass an options object { rawBody, headers, signingKey }');
  const { headers, signingKey, toleranceSeconds = 300, now = new Date() } = options;
  assertUsableOptions(signingKey, toleranceSeconds, now);
  const body = toBodyBytes(options.rawBody);

  const signatureHeader = requireHeader(headers, SIGNATURE_HEADER, 'malformed_signature');
  const timestampHeader = requireHeader(headers, TIMESTAMP_HEADER, 'malformed_timestamp');
  const candidates = decodeSignature(signatureHeader);
  if (candidates.length === 0) {
    throw new HeroWebhookVerificationError(
      'malformed_signature',
      `the ${SIGNATURE_HEADER} header is not a SHA-256 digest in an accepted encoding (${ACCEPTED_SIGNATURE_ENCODINGS.join(', ')}, optional "sha256=" prefix)`,
    );
  }
  const sentAtMs = parseTimestamp(timestampHeader);
  if (sentAtMs === undefined) {
    throw new HeroWebhookVerificationError(
      'malformed_timestamp',
      `the ${TIMESTAMP_HEADER} header is not in an accepted format (${ACCEPTED_TIMESTAMP_FORMATS.join(', ')})`,
    );
  }

  // The header value is signed as sent, so the formats above never change what is hashed.
  const expected = computeWebhookDigest(body, signingKey, timestampHeader);
  // Compare against every candidate without stopping early; each is exactly 32 bytes,
  // so timingSafeEqual never throws on length.
  let matched = false;
  const { timingSafeEqual } = nodeCrypto();
  for (const candidate of candidates) matched = timingSafeEqual(candidate, expected) || matched;
  if (!matched) {
    throw new HeroWebhookVerificationError(
      'signature_mismatch',
      'the signature does not match the body, timestamp and signing key. Check the signing key, and that rawBody is ' +
        'the bytes received: parsing and re-serialising JSON changes them.',
    );
  }

  const skewSeconds = (now.getTime() - sentAtMs) / 1000;
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    const direction = skewSeconds > 0 ? `${Math.round(skewSeconds)} s old` : `${Math.round(-skewSeconds)} s in the future`;
    throw new HeroWebhookVerificationError(
      'timestamp_out_of_tolerance',
      `the signed timestamp is ${direction}; the tolerance is ${toleranceSeconds} s (a replayed delivery or a wrong clock)`,
    );
  }

  let payload: unknown;
  try {
    // TextDecoder drops a leading UTF-8 BOM from bytes; a string body may still start with one.
    const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
    payload = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw new HeroWebhookVerificationError('malformed_payload', 'the signed body is not valid UTF-8 JSON', { cause });
  }
  // Authenticity decides: any JSON object comes back typed (or as `unknown`), with differences noted.
  const check = validateWebhookEvent(payload);
  if (!check.ok) throw new HeroWebhookVerificationError('payload_not_object', check.message);
  return check.event;
}
