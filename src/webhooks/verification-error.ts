import { HeroError } from '../errors.js';

/**
 * Which check a webhook delivery failed:
 * - `body_not_raw`: `rawBody` is not the bytes received (e.g. a parsed object) or is empty;
 * - `missing_header`: `X-Herohealth-Signature` or `X-Herohealth-Timestamp` is absent or empty;
 * - `malformed_signature`: the signature header is not a SHA-256 digest in an accepted encoding;
 * - `malformed_timestamp`: the timestamp header is not in an accepted format;
 * - `signature_mismatch`: the signature does not match the body, timestamp and signing key;
 * - `timestamp_out_of_tolerance`: correctly signed but too old or too far ahead (possible replay);
 * - `malformed_payload`: correctly signed, but the body is not JSON of the documented event shape.
 */
export type WebhookVerificationFailureReason =
  | 'body_not_raw'
  | 'missing_header'
  | 'malformed_signature'
  | 'malformed_timestamp'
  | 'signature_mismatch'
  | 'timestamp_out_of_tolerance'
  | 'malformed_payload';

/**
 * Thrown by `verifyWebhook` when a delivery must not be trusted. Answer it with
 * a 4xx. The message names the failed check; it never contains the signing key.
 */
export class HeroWebhookVerificationError extends HeroError {
  override name = 'HeroWebhookVerificationError' as const;
  /** Which check failed; stable for `switch` and metrics. */
  readonly reason: WebhookVerificationFailureReason;

  constructor(reason: WebhookVerificationFailureReason, message: string, options?: ErrorOptions) {
    super(`Webhook verification failed (${reason}): ${message}`, options);
    this.reason = reason;
  }
}
