/**
 * UK postcode checks, following the format rules Royal Mail publishes (also in
 * the UK Government Data Standards Catalogue, BS 7666):
 *
 * - outward code then inward code; the inward code is always digit + 2 letters;
 * - outward formats: `A9`, `A99`, `A9A`, `AA9`, `AA99`, `AA9A` (A = letter, 9 = digit);
 * - 1st letter never Q, V or X; 2nd letter (in `AA…` formats) never I, J or Z;
 * - 3rd-position letter (`A9A`) only A B C D E F G H J K P S T U W;
 * - 4th-position letter (`AA9A`) only A B E H M N P R V W X Y;
 * - inward letters never C I K M O V;
 * - the one historic exception `GIR 0AA` is accepted.
 *
 * Deliberately not checked: whether the postcode exists (needs the Royal Mail
 * PAF), which districts use the `A9A`/`AA9A` forms, and the non-geographic
 * overseas-territory codes (e.g. `ASCN 1ZZ`) or BFPO numbers, which a GP
 * practice's PDS trace is not expected to use.
 */
import type { FieldCheck } from './validation-result.js';

/** Why a postcode was rejected. */
export type PostcodeProblem = 'not_a_string' | 'empty' | 'bad_format';

/** Result of {@link validateUkPostcode}. */
export type PostcodeCheck = FieldCheck<PostcodeProblem>;

const OUTWARD = [
  '[A-PR-UWYZ][0-9][0-9]?', // A9, A99
  '[A-PR-UWYZ][A-HK-Y][0-9][0-9]?', // AA9, AA99
  '[A-PR-UWYZ][0-9][A-HJKPSTUW]', // A9A
  '[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]', // AA9A
].join('|');
const INWARD = '[0-9][ABD-HJLNP-UW-Z]{2}';
const COMPACT_POSTCODE = new RegExp(`^(?:(?:${OUTWARD})${INWARD}|GIR0AA)$`);

/**
 * Normalises a UK postcode (upper case, one space before the inward code) and
 * checks its format. `' sw1a1aa '` becomes `'SW1A 1AA'`. Never throws; the
 * message never repeats the postcode.
 */
export function validateUkPostcode(input: unknown): PostcodeCheck {
  if (typeof input !== 'string') {
    return { ok: false, problem: 'not_a_string', message: 'must be a string such as "SW1A 1AA"' };
  }
  const spaced = input.replace(/\s+/g, '');
  if (spaced === '') return { ok: false, problem: 'empty', message: 'must not be empty' };
  // ASCII letters and digits only, checked before upper-casing: Unicode case mapping turns
  // 'ß' into 'SS' and 'ſ' (long s) into 'S', which would make non-postcodes look valid.
  if (!/^[A-Za-z0-9]+$/.test(spaced)) {
    return { ok: false, problem: 'bad_format', message: 'is not a valid UK postcode (only ASCII letters, digits and spaces are allowed)' };
  }
  const compact = spaced.toUpperCase();
  if (!COMPACT_POSTCODE.test(compact)) {
    return { ok: false, problem: 'bad_format', message: 'is not a valid UK postcode (expected a form such as "SW1A 1AA" or "M1 1AE")' };
  }
  return { ok: true, value: `${compact.slice(0, -3)} ${compact.slice(-3)}` };
}

/** Whether `input` is a well-formed UK postcode (see {@link validateUkPostcode}). */
export function isValidUkPostcode(input: unknown): input is string {
  return validateUkPostcode(input).ok;
}
