import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidUkPostcode, validateUkPostcode } from './postcode.js';

describe('validateUkPostcode', () => {
  it.each([
    ['M1 1AE', 'M1 1AE'], // A9 9AA
    ['B33 8TH', 'B33 8TH'], // A99 9AA
    ['W1A 0AX', 'W1A 0AX'], // A9A 9AA
    ['CR2 6XH', 'CR2 6XH'], // AA9 9AA
    ['DN55 1PT', 'DN55 1PT'], // AA99 9AA
    ['EC1A 1BB', 'EC1A 1BB'], // AA9A 9AA
    ['SW1A 1AA', 'SW1A 1AA'],
    ['GIR 0AA', 'GIR 0AA'],
    ['gir0aa', 'GIR 0AA'],
    ['sw1a1aa', 'SW1A 1AA'],
    ['  ls1   4ap ', 'LS1 4AP'],
    ['ls 1 4ap', 'LS1 4AP'],
  ])('accepts %j as %s', (input, expected) => {
    expect(validateUkPostcode(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['QA1 1AA'], // Q never first
    ['VA1 1AA'], // V never first
    ['XA1 1AA'], // X never first
    ['AI1 1AA'], // I never second
    ['AJ1 1AA'], // J never second
    ['AZ1 1AA'], // Z never second
    ['W1I 0AX'], // I not allowed third in A9A
    ['EC1C 1BB'], // C not allowed fourth in AA9A
    ['SW1A 1CA'], // C never in the inward code
    ['SW1A 1AI'], // I never in the inward code
    ['SW1A 1AK'], // K never in the inward code
    ['SW1A 1MA'], // M never in the inward code
    ['SW1A 1AO'], // O never in the inward code
    ['SW1A 1AV'], // V never in the inward code
    ['SW1A AAA'], // inward must start with a digit
    ['SW1A'], // outward only
    ['1AA 1AA'], // must start with a letter
    ['SW1A1 1AA'], // outward too long
    ['SW1A-1AA'],
    ['GIR 0AB'],
    ['ASCN 1ZZ'], // overseas territory code: documented as out of scope
    // non-ASCII letters that Unicode upper-casing would turn into valid postcodes
    ['ß1 1AA'], // 'ß'.toUpperCase() is 'SS'
    ['ſW1A 1AA'], // long s upper-cases to 'S'
    ['ﬀ1 1AA'], // the 'ff' ligature upper-cases to 'FF'
    ['SW1A 1Aı'], // dotless i
    ['ＳＷ1A 1AA'], // full-width letters
    ['SW١A 1AA'], // Arabic-Indic digit
    ['SW1A 1AA\u0000'], // NUL
    ['SW1A\u200b1AA'], // zero-width space is not whitespace
  ])('rejects %j', (input) => {
    const result = validateUkPostcode(input);
    expect(result.ok === false && result.problem).toBe('bad_format');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    [12345, 'not_a_string'],
  ])('rejects %j as %s', (input, problem) => {
    const result = validateUkPostcode(input);
    expect(result.ok === false && result.problem).toBe(problem);
  });

  it('never repeats the postcode in its message', () => {
    const result = validateUkPostcode('QA1 1AA');
    expect(result.ok === false && result.message).not.toContain('QA1');
  });
});

describe('isValidUkPostcode', () => {
  it('is true only for well-formed postcodes', () => {
    expect(isValidUkPostcode('sw1a 1aa')).toBe(true);
    expect(isValidUkPostcode('SW1A 1AI')).toBe(false);
  });
});

describe('validateUkPostcode properties', () => {
  it('rejects every string holding a character other than an ASCII letter, digit or whitespace', () => {
    const foreign = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[A-Za-z0-9\s]$/.test(c));
    fc.assert(
      fc.property(fc.constantFrom('SW1A 1AA', 'M1 1AE', 'GIR 0AA', 'ls14ap'), foreign, fc.nat(8), (postcode, c, at) => {
        const i = Math.min(at, postcode.length);
        expect(validateUkPostcode(postcode.slice(0, i) + c + postcode.slice(i)).ok).toBe(false);
      }),
    );
  });

  it('returns only upper-case ASCII "OUTWARD INWARD", and accepts its own output unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 10 }), (text) => {
        const result = validateUkPostcode(text);
        if (!result.ok) return;
        expect(result.value).toMatch(/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/);
        expect(validateUkPostcode(result.value)).toEqual(result);
      }),
    );
  });
});
