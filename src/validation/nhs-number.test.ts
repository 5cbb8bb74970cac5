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
