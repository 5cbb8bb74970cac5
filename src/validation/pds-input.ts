/**
 * Local checks for `POST /v1/patients/register_pds`, run before anything is sent.
 *
 * Hero documents the body as oneOf: `nhs_number` + `dob`, or `forename` +
 * `surname` + `dob` + `postcode`; `ehr_partner` and `ehr_partner_id` are
 * optional, non-empty strings in both forms.
 */
import { validateDateOfBirth } from './dates.js';
import { HeroInputError, type HeroInputIssue } from './input-error.js';
import { validateNhsNumber } from './nhs-number.js';
import { validateUkPostcode } from './postcode.js';
import type { components } from '../../generated/hero-api.js';
import type { RegisterPatientPdsByDemographics, RegisterPatientPdsByNhsNumber } from '../resources/request-bodies.js';

/** Body of `POST /v1/patients/register_pds`, wire field names (from the spec). */
export type RegisterPdsBody = components['schemas']['RegisterPatientPdsRequest'];

/** {@link RegisterPdsInput} by NHS number and date of birth. */
export interface RegisterPdsByNhsNumberInput extends Omit<RegisterPatientPdsByNhsNumber, 'dob'> {
  /** Date of birth, `YYYY-MM-DD`. */
  dob: string;
}

/** {@link RegisterPdsInput} by forename, surname, date of birth and postcode. */
export interface RegisterPdsByDemographicsInput extends Omit<RegisterPatientPdsByDemographics, 'dob'> {
  /** Date of birth, `YYYY-MM-DD`. */
  dob: string;
}

/**
 * What `hero.patients.registerPds` accepts: the wire body with `dob` a string. Hero's
 * reference allows `null` there without saying what it does; PDS cannot trace without a date
 * of birth, so the SDK asks for one at compile time as well as at run time.
 */
export type RegisterPdsInput = RegisterPdsByNhsNumberInput | RegisterPdsByDemographicsInput;

/** Options for {@link normalizeRegisterPdsInput}. */
export interface RegisterPdsInputOptions {
  /**
   * The current instant; a date of birth after its UTC date is rejected.
   * @default new Date()
   */
  today?: Date;
}

const NAME_FORM_FIELDS = ['forename', 'surname', 'postcode'] as const;
const KNOWN_FIELDS = ['nhs_number', 'forename', 'surname', 'dob', 'postcode', 'ehr_partner', 'ehr_partner_id'] as const;
type KnownField = (typeof KNOWN_FIELDS)[number];

const BOTH_FORMS = 'must not be sent with nhs_number: use either nhs_number + dob, or forename + surname + dob + postcode';

/** `nhsNumber` → `nhs_number`, so a camelCase slip gets a precise hint. */
function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A trimmed non-empty string, or the issue message. */
function checkText(value: unknown): { ok: true; value: string } | { ok: false; message: string } {
  if (typeof value !== 'string') return { ok: false, message: 'must be a string' };
  const trimmed = value.trim();
  return trimmed === '' ? { ok: false, message: 'must not be empty' } : { ok: true, value: trimmed };
}

/**
 * Checks register-PDS input and returns the body to send: NHS number as 10
 * digits, postcode upper-case with one space, every string trimmed, absent
 * optional fields left out. Throws {@link HeroInputError} listing every
 * problem (wrong or missing fields, both forms mixed, unknown fields) at once.
 *
 * Accepts `unknown` at run time so JavaScript callers and form data get the
 * same checks; the parameter type is the wire body for editor help.
 *
 * @example normalizeRegisterPdsInput({ nhs_number: '943 476 5919', dob: '1992-01-01' })
 * // { nhs_number: '9434765919', dob: '1992-01-01' }
 */
export function normalizeRegisterPdsInput(input: RegisterPdsBody, options: RegisterPdsInputOptions = {}): RegisterPdsInput {
  const subject = 'register_pds input';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HeroInputError([{ field: '(options)', message: 'must be an object' }], subject);
  }
  if (options.today !== undefined && !(options.today instanceof Date && !Number.isNaN(options.today.getTime()))) {
    throw new HeroInputError([{ field: 'today', message: 'must be a valid Date' }], subject);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HeroInputError([{ field: '(input)', message: 'must be an object with nhs_number + dob, or forename + surname + dob + postcode' }], subject);
  }
  const raw = input as Record<string, unknown>;
  const given = (field: KnownField) => raw[field] !== undefined;
  const issues: HeroInputIssue[] = [];
  const clean: Partial<Record<KnownField, string>> = {};
  const byNhsNumber = given('nhs_number');
  const byName = NAME_FORM_FIELDS.some(given);

  for (const field of KNOWN_FIELDS) {
    const value = raw[field];
    // Hero's reference allows `dob: null`, but a trace needs a date of birth: treat it as missing.
    if (value === undefined || (field === 'dob' && value === null)) {
      const required = field === 'dob' || (field === 'nhs_number' && !byName) || ((NAME_FORM_FIELDS as readonly string[]).includes(field) && byName && !byNhsNumber);
      if (!required) continue;
      const message =
        field === 'nhs_number' ? 'is required (or send forename + surname + postcode instead)'
        : field === 'dob' ? 'is required'
        : 'is required when registering by name and postcode';
      issues.push({ field, message });
      continue;
    }
    if (byNhsNumber && (NAME_FORM_FIELDS as readonly string[]).includes(field)) {
      issues.push({ field, message: BOTH_FORMS });
      continue;
    }
    const check =
      field === 'nhs_number' ? validateNhsNumber(value)
      : field === 'dob' ? validateDateOfBirth(value, options)
      : field === 'postcode' ? validateUkPostcode(value)
      : checkText(value);
    if (check.ok) clean[field] = check.value;
    else issues.push({ field, message: check.message });
  }

  for (const key of Object.keys(raw)) {
    if ((KNOWN_FIELDS as readonly string[]).includes(key)) continue;
    const hint = toSnakeCase(key);
    const suggestion = hint !== key && (KNOWN_FIELDS as readonly string[]).includes(hint) ? `; did you mean ${hint}?` : '';
    issues.push({ field: key, message: `is not a register_pds field${suggestion}` });
  }

  if (issues.length > 0) throw new HeroInputError(issues, subject);

  const optional = {
    ...(clean.ehr_partner !== undefined && { ehr_partner: clean.ehr_partner }),
    ...(clean.ehr_partner_id !== undefined && { ehr_partner_id: clean.ehr_partner_id }),
  };
  // Every required field of the chosen form passed the loop above, so these are set.
  if (byNhsNumber) return { nhs_number: clean.nhs_number!, dob: clean.dob!, ...optional };
  return { forename: clean.forename!, surname: clean.surname!, dob: clean.dob!, postcode: clean.postcode!, ...optional };
}
