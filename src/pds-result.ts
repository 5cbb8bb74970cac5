/**
 * The two success outcomes of PDS registration (`POST /v1/patients/register_pds`).
 *
 * Hero answers 200 in both cases: with `{ patient_id }` when the patient was traced
 * (and created for the practice group if new), or with `{ message, login_url }` when
 * Hero cannot confirm the patient's identity from PDS alone and the patient must
 * verify it first. Callers must handle both, so the facade returns a union that
 * TypeScript narrows on `outcome`.
 */
import type { components } from '../generated/hero-api.js';
import { HeroResponseParseError } from './errors.js';
import { describeOperation } from './operation-index.js';

type WireResult = components['schemas']['RegisterPatientPdsResult'];

/** The patient was traced on PDS; use `patientId` in messaging and booking calls. */
export interface PdsRegistered {
  readonly outcome: 'registered';
  /** Hero patient ID (`patient_id` on the wire). */
  readonly patientId: string;
}

/** The patient must verify their identity at `loginUrl` before you retry the registration. */
export interface PdsVerificationRequired {
  readonly outcome: 'verification_required';
  /** Hero's explanation, suitable for logs (not necessarily for patients). */
  readonly message: string;
  /** Where to send the patient to verify (`login_url` on the wire). */
  readonly loginUrl: string;
}

/** Result of `hero.patients.registerPds()`. */
export type PdsRegistrationResult = PdsRegistered | PdsVerificationRequired;

/**
 * Maps Hero's 200 body to {@link PdsRegistrationResult}. A body that is neither form
 * is a contract break, reported as {@link HeroResponseParseError} rather than guessed at.
 */
export function toPdsRegistrationResult(body: WireResult | undefined): PdsRegistrationResult {
  if (body && typeof body === 'object') {
    if ('patient_id' in body && typeof body.patient_id === 'string' && body.patient_id !== '') {
      return { outcome: 'registered', patientId: body.patient_id };
    }
    if ('login_url' in body && typeof body.login_url === 'string' && typeof body.message === 'string') {
      return { outcome: 'verification_required', message: body.message, loginUrl: body.login_url };
    }
  }
  const op = describeOperation('registerPatientPds');
  throw new HeroResponseParseError({
    ...op,
    status: 200,
    message: `${op.method} ${op.path} (${op.operationId}) answered 200 with neither \`patient_id\` nor \`message\` + \`login_url\``,
  });
}
