/**
 * Date-of-birth checks. Hero's reference types `dob` as date-time but describes
 * it as an "ISO 8601 date" with examples like "1992-01-01", so we require and
 * send the plain calendar-date form `YYYY-MM-DD`.
 */
import { HeroError } from '../errors.js';
import type { FieldCheck } from './validation-result.js';

/** Why a date of birth was rejected. */
export type DateOfBirthProblem = 'not_a_string' | 'bad_format' | 'not_a_date' | 'in_future';

/** Result of {@link validateDateOfBirth}. */
export type DateOfBirthCheck = FieldCheck<DateOfBirthProblem>;

/** Options for {@link validateDateOfBirth}. */
export interface DateOfBirthOptions {
  /**
   * The current instant; its UTC calendar date is "today". Inject it in tests.
   * @default new Date()
   */
  today?: Date;
}

/** Days in `month` (1-12) of `year`, Gregorian leap rule. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The UTC calendar date of `instant` as the number YYYYMMDD (compared, not printed: no string building per call). */
function utcDateKey(instant: Date): number {
  return instant.getUTCFullYear() * 10_000 + (instant.getUTCMonth() + 1) * 100 + instant.getUTCDate();
}

/**
 * Checks a date of birth is `YYYY-MM-DD`, a real calendar date and not after
 * today (UTC). Surrounding whitespace is trimmed. Never throws for bad input;
 * throws {@link HeroError} only for an invalid `today` (a programming error).
 *
 * @example validateDateOfBirth('2023-02-29') // { ok: false, problem: 'not_a_date', ... }
 */
export function validateDateOfBirth(input: unknown, options: DateOfBirthOptions = {}): DateOfBirthCheck {
  const today = options?.today ?? new Date();
  if (!(today instanceof Date) || Number.isNaN(today.getTime())) throw new HeroError('validateDateOfBirth: options.today must be a valid Date');
  if (typeof input !== 'string') {
    return { ok: false, problem: 'not_a_string', message: 'must be a string in the form YYYY-MM-DD' };
  }
  const value = input.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return { ok: false, problem: 'bad_format', message: 'must be in the form YYYY-MM-DD (e.g. 1992-01-01)' };
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: 'not_a_date', message: 'is not a real calendar date' };
  }
  if (year * 10_000 + month * 100 + day > utcDateKey(today)) {
    return { ok: false, problem: 'in_future', message: 'must not be in the future' };
  }
  return { ok: true, value };
}

/** Whether `input` is a valid date of birth (see {@link validateDateOfBirth}). */
export function isValidDateOfBirth(input: unknown, options?: DateOfBirthOptions): input is string {
  return validateDateOfBirth(input, options).ok;
}
