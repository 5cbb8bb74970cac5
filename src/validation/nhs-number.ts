/**
 * NHS number checks (NHS Data Dictionary, "NHS Number"): ten digits, the last
 * being a modulus-11 check digit over the first nine.
 */
import type { FieldCheck } from './validation-result.js';

/** Why an NHS number was rejected. */
export type NhsNumberProblem = 'not_a_string' | 'empty' | 'non_digit' | 'wrong_length' | 'bad_check_digit';

/** Result of {@link validateNhsNumber}. */
export type NhsNumberCheck = FieldCheck<NhsNumberProblem>;

// People write NHS numbers as "943 476 5919" or "943-476-5919" (Hero's own
// example has spaces); en/em dashes and non-breaking spaces arrive by copy-paste.
const SEPARATORS = /[\s\u00a0\u2010-\u2015\u2212-]/g;

/**
 * The check digit the first nine digits call for: weights 10 down to 2, sum
 * modulo 11, `11 - remainder`, with 11 meaning 0. Returns `undefined` when the
 * result is 10: no NHS number can start with those nine digits.
 *
 * @param firstNineDigits exactly nine ASCII digits (not checked here).
 */
export function computeNhsNumberCheckDigit(firstNineDigits: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

/**
 * Normalises an NHS number (drops spaces and dashes) and checks it is ten digits
 * with a valid modulus-11 check digit. Never throws; the message says which
 * rule failed and never repeats the number.
 *
 * @example validateNhsNumber('943 476 5919') // { ok: true, value: '9434765919' }
 */
export function validateNhsNumber(input: unknown): NhsNumberCheck {
  if (typeof input !== 'string') {
    return { ok: false, problem: 'not_a_string', message: 'must be a string of 10 digits' };
  }
  const digits = input.replace(SEPARATORS, '');
  if (digits === '') return { ok: false, problem: 'empty', message: 'must not be empty' };
  if (!/^[0-9]+$/.test(digits)) {
    return { ok: false, problem: 'non_digit', message: 'must contain only digits (spaces and dashes are ignored)' };
  }
  if (digits.length !== 10) {
    return { ok: false, problem: 'wrong_length', message: `must be 10 digits, got ${digits.length}` };
  }
  const expected = computeNhsNumberCheckDigit(digits.slice(0, 9));
  if (expected === undefined || expected !== Number(digits[9])) {
    return {
      ok: false,
      problem: 'bad_check_digit',
      message: 'has a wrong check digit (the 10th digit fails the modulus-11 check); look for a mistyped digit',
    };
  }
  return { ok: true, value: digits };
}

/** Whether `input` is a valid NHS number once spaces and dashes are removed. */
export function isValidNhsNumber(input: unknown): input is string {
  return validateNhsNumber(input).ok;
}
