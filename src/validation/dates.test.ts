import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeroError } from '../errors.js';
import { isValidDateOfBirth, validateDateOfBirth } from './dates.js';

// 23:30 UTC on 15 March 2024; east of UTC it is already the 16th,
// so a test that passed by reading local time would not catch a UTC slip.
const today = new Date('2024-03-15T23:30:00Z');

describe('validateDateOfBirth', () => {
  it.each([
    ['1992-01-01'],
    ['2024-02-29'], // leap year
    ['2000-02-29'], // divisible by 400
    ['1900-02-28'],
    ['2024-03-15'], // today is allowed (a newborn)
    ['1899-12-31'],
  ])('accepts %s', (input) => {
    expect(validateDateOfBirth(input, { today })).toEqual({ ok: true, value: input });
  });

  it('trims surrounding whitespace', () => {
    expect(validateDateOfBirth(' 1992-01-01\n', { today })).toEqual({ ok: true, value: '1992-01-01' });
  });

  it.each([
    ['2023-02-29', 'not_a_date'], // not a leap year
    ['1900-02-29', 'not_a_date'], // divisible by 100, not 400
    ['2024-13-01', 'not_a_date'],
    ['2024-00-10', 'not_a_date'],
    ['2024-04-31', 'not_a_date'],
    ['2024-01-00', 'not_a_date'],
    ['2024-03-16', 'in_future'],
    ['2025-01-01', 'in_future'],
    ['1992-1-1', 'bad_format'],
    ['01/01/1992', 'bad_format'],
    ['1992-01-01T00:00:00Z', 'bad_format'],
    ['19920101', 'bad_format'],
    ['', 'bad_format'],
    [new Date('1992-01-01'), 'not_a_string'],
    [undefined, 'not_a_string'],
  ])('rejects %j as %s', (input, problem) => {
    const result = validateDateOfBirth(input, { today });
    expect(result.ok === false && result.problem).toBe(problem);
  });

  it('uses the UTC date of "today", not local time', () => {
    const justAfterMidnightUtc = new Date('2024-03-16T00:00:01Z');
    expect(validateDateOfBirth('2024-03-16', { today: justAfterMidnightUtc }).ok).toBe(true);
    expect(validateDateOfBirth('2024-03-16', { today }).ok).toBe(false);
  });

  it('defaults "today" to the real clock', () => {
    expect(validateDateOfBirth('9999-12-31').ok).toBe(false);
    expect(validateDateOfBirth('1992-01-01').ok).toBe(true);
  });

  it('throws a HeroError for an invalid injected today', () => {
    expect(() => validateDateOfBirth('1992-01-01', { today: new Date('nope') })).toThrow(HeroError);
    expect(() => validateDateOfBirth('1992-01-01', { today: '2024-01-01' as never })).toThrow(HeroError);
    expect(validateDateOfBirth('1992-01-01', null as never).ok).toBe(true);
  });
});

describe('isValidDateOfBirth', () => {
  it('is true only for real past dates', () => {
    expect(isValidDateOfBirth('1992-01-01', { today })).toBe(true);
    expect(isValidDateOfBirth('2023-02-29', { today })).toBe(false);
  });
});

describe('validateDateOfBirth properties', () => {
  const instant = fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2024, 2, 15) });

  it('accepts every real past calendar date as written', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const date = new Date(ms).toISOString().slice(0, 10);
        expect(validateDateOfBirth(date, { today })).toEqual({ ok: true, value: date });
      }),
    );
  });

  it('accepts exactly the real calendar dates up to today', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 2024 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const at = new Date(Date.UTC(y, m - 1, d));
        const real = m >= 1 && m <= 12 && d >= 1 && at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
        expect(validateDateOfBirth(text, { today }).ok).toBe(real && text <= '2024-03-15');
      }),
    );
  });

  it('rejects non-ASCII digits', () => {
    expect(validateDateOfBirth('１９９２-01-01', { today }).ok).toBe(false);
    expect(validateDateOfBirth('١٩٩٢-01-01', { today }).ok).toBe(false);
  });
});
