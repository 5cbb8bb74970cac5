/**
 * redactFreeText over generated identifiers: whatever surrounds them, a capitalised name, a
 * number of three or more digits, a date, an email or a secret never survives, and lower-case
 * prose does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactFreeText } from './free-text-redaction.js';

const name = fc.stringMatching(/^[A-Z][a-z]{2,12}$/).filter((n) => !['The', 'Not', 'Patient', 'Found', 'Invalid', 'Request'].includes(n) && redactFreeText(n, { secrets: [] }) === '[REDACTED]');
const upperName = fc.stringMatching(/^[A-Z]{5,12}$/).filter((n) => redactFreeText(n, { secrets: [] }) === '[REDACTED]');
const digits = fc.stringMatching(/^\d{3,12}$/);
const nhsNumber = fc.stringMatching(/^\d{3} \d{3} \d{4}$/);
const date = fc.oneof(fc.stringMatching(/^(19|20)\d{2}-[01]\d-[0-3]\d$/), fc.stringMatching(/^[0-3]\d\/[01]\d\/(19|20)\d{2}$/));
const email = fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.(com|org|uk)$/);
const postcode = fc.stringMatching(/^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/);
const identifier = fc.oneof(name, upperName, digits, nhsNumber, date, email, postcode);
const prose = fc.array(fc.constantFrom('patient', 'not', 'found', 'for', 'the', 'Invalid', 'NHS', 'number', '(', ')', ',', '.', ':', 'with'), { maxLength: 6 }).map((words) => words.join(' '));

describe('redactFreeText', () => {
  it('never lets a generated identifier through, whatever surrounds it', () => {
    fc.assert(
      fc.property(prose, identifier, prose, fc.constantFrom('', '(', '"', "'"), (before, value, after, quote) => {
        const shown = redactFreeText(`${before} ${quote}${value}${quote} ${after}`, { secrets: [] }) ?? '';
        // Digits-only identifiers are checked as a whole; their groups are what could be read back.
        for (const part of value.split(' ')) if (part.length >= 3) expect(shown).not.toContain(part);
      }),
      { numRuns: 500 },
    );
  });

  it('cuts echoed values in any case and scrubs secrets', () => {
    expect(redactFreeText('lovelace is not LOVELACE', { secrets: [], echoes: () => ['Lovelace'] })).toBe('[REDACTED] is not [REDACTED]');
    expect(redactFreeText('key hk_test_12345678 refused', { secrets: ['hk_test_12345678'] })).toBe('key [REDACTED] refused');
  });

  it('keeps lower-case prose, the listed words and short numbers', () => {
    expect(redactFreeText('Patient must verify their identity before proceeding', { secrets: [] })).toBe('Patient must verify their identity before proceeding');
    expect(redactFreeText('Invalid NHS number at item 2', { secrets: [] })).toBe('Invalid NHS number at item 2');
    expect(redactFreeText('Too Many Requests', { secrets: [] })).toBe('Too Many Requests');
  });

  it('collapses control characters and white space, and returns undefined for nothing', () => {
    expect(redactFreeText('not\r\n\tfound\u0000', { secrets: [] })).toBe('not found');
    expect(redactFreeText('   ', { secrets: [] })).toBeUndefined();
  });
});
