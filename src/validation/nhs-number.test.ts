import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeNhsNumberCheckDigit, isValidNhsNumber, validateNhsNumber } from './nhs-number.js';

describe('validateNhsNumber', () => {
  it.each([
    ['9000000009', '9000000009'],
    ['9434765919', '9434765919'],
    ['5900056449', '5900056449'],
    ['4010232137', '4010232137'],
    // remainder 0 gives 11, which the rule maps to check digit 0
    ['9876543210', '9876543210'],
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['  943\u00a0476\u20135919 ', '9434765919'],
  ])('accepts %j and normalises it to %s', (input, expected) => {
    expect(validateNhsNumber(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['9000000001', 'bad_check_digit'],
    // Hero's getting-started example: its first nine digits give remainder 1, so check digit 10, which no NHS number can have
    ['123 456 7891', 'bad_check_digit'],
    ['1000000010', 'bad_check_digit'],
    ['943476591', 'wrong_length'],
    ['94347659190', 'wrong_length'],
    ['943476591O', 'non_digit'],
    ['+449434765919', 'non_digit'],
    ['', 'empty'],
    [' - ', 'empty'],
    [9434765919, 'not_a_string'],
    [null, 'not_a_string'],
  ])('rejects %j as %s', (input, problem) => {
    const result = validateNhsNumber(input);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.problem).toBe(problem);
  });

  it('says the check digit is wrong for Hero docs example "123 456 7891", not that the length or characters are', () => {
    const result = validateNhsNumber('123 456 7891');
    expect(result.ok === false && result.message).toMatch(/check digit/);
    expect(result.ok === false && result.message).not.toMatch(/10 digits|only digits/);
  });

  it('names the digit count in a wrong-length message', () => {
    const result = validateNhsNumber('12345');
    expect(result.ok === false && result.message).toBe('must be 10 digits, got 5');
  });

  it('never repeats the number in its message', () => {
    for (const input of ['9000000001', '943476591', '943476591O']) {
      const result = validateNhsNumber(input);
      expect(result.ok === false && result.message).not.toContain(input.slice(0, 6));
    }
  });
});

describe('computeNhsNumberCheckDigit', () => {
  it('weights the first nine digits 10 down to 2 and returns 11 minus the remainder', () => {
    // 9*10 = 90, 90 mod 11 = 2, 11 - 2 = 9
    expect(computeNhsNumberCheckDigit('900000000')).toBe(9);
  });

  it('maps 11 to 0 and reports 10 as impossible', () => {
    expect(computeNhsNumberCheckDigit('987654321')).toBe(0);
    expect(computeNhsNumberCheckDigit('123456789')).toBeUndefined();
  });
});

describe('isValidNhsNumber', () => {
  it('is true only for numbers that pass every rule', () => {
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('9000000001')).toBe(false);
    expect(isValidNhsNumber(undefined)).toBe(false);
  });
});

describe('validateNhsNumber properties', () => {
  /** A valid NHS number built from nine random digits (skipping those with no valid check digit). */
  const validNhsNumber = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
    .map((digits) => digits.join(''))
    .filter((nine) => computeNhsNumberCheckDigit(nine) !== undefined)
    .map((nine) => `${nine}${computeNhsNumberCheckDigit(nine)}`);

  it('accepts every number with a correct check digit, in any spacing, as its 10 ASCII digits', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.constantFrom('', ' ', '-', '\u00a0', '\u2013'), (number, sep) => {
        const written = `${number.slice(0, 3)}${sep}${number.slice(3, 6)}${sep}${number.slice(6)}`;
        expect(validateNhsNumber(written)).toEqual({ ok: true, value: number });
      }),
    );
  });

  it('rejects every single-digit change of a valid number (the modulus-11 check catches them all)', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (number, at, delta) => {
        const changed = number.slice(0, at) + String((Number(number[at]) + delta) % 10) + number.slice(at + 1);
        expect(validateNhsNumber(changed).ok).toBe(false);
      }),
    );
  });

  it('rejects non-ASCII digits that look like digits', () => {
    for (const input of ['９４３４７６５９１９', '٩٤٣٤٧٦٥٩١٩', '943476591𝟗']) expect(validateNhsNumber(input).ok).toBe(false);
  });

  it('never throws and never repeats the input for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const result = validateNhsNumber(text);
        if (!result.ok && text.trim().length >= 4) expect(result.message).not.toContain(text.trim());
      }),
    );
  });
});
