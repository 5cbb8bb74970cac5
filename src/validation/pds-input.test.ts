import { describe, expect, it } from 'vitest';
import { HeroError } from '../errors.js';
import { HeroInputError } from './input-error.js';
import { normalizeRegisterPdsInput, type RegisterPdsBody } from './pds-input.js';

const today = new Date('2024-03-15T12:00:00Z');

/** Runs the normaliser on input that is wrong on purpose and returns the issues. */
function issuesOf(input: unknown): Array<[string, string]> {
  try {
    normalizeRegisterPdsInput(input as RegisterPdsBody, { today });
  } catch (error) {
    expect(error).toBeInstanceOf(HeroInputError);
    return (error as HeroInputError).issues.map((issue) => [issue.field, issue.message]);
  }
  throw new Error('expected a HeroInputError');
}

describe('normalizeRegisterPdsInput', () => {
  it('returns the NHS-number form with the number as 10 digits and fields trimmed', () => {
    expect(
      normalizeRegisterPdsInput({ nhs_number: ' 943 476 5919 ', dob: ' 1992-01-01 ', ehr_partner: ' emis ', ehr_partner_id: ' 42 ' }, { today }),
    ).toEqual({ nhs_number: '9434765919', dob: '1992-01-01', ehr_partner: 'emis', ehr_partner_id: '42' });
  });

  it('returns the name form with a normalised postcode and no absent optional fields', () => {
    const body = normalizeRegisterPdsInput({ forename: ' Jane ', surname: 'Smith', dob: '1992-01-01', postcode: 'sw1a1aa' }, { today });
    expect(body).toEqual({ forename: 'Jane', surname: 'Smith', dob: '1992-01-01', postcode: 'SW1A 1AA' });
    expect(Object.keys(body)).not.toContain('ehr_partner');
  });

  it('does not modify the caller object', () => {
    const input = { nhs_number: '943 476 5919', dob: '1992-01-01' };
    normalizeRegisterPdsInput(input, { today });
    expect(input).toEqual({ nhs_number: '943 476 5919', dob: '1992-01-01' });
  });

  it.each<[string, unknown, Array<[string, RegExp]>]>([
    ['a bad check digit', { nhs_number: '123 456 7891', dob: '1992-01-01' }, [['nhs_number', /check digit/]]],
    ['a short NHS number and an impossible date', { nhs_number: '12345', dob: '2023-02-29' }, [['nhs_number', /10 digits/], ['dob', /calendar date/]]],
    ['a future date of birth', { nhs_number: '9434765919', dob: '2024-03-16' }, [['dob', /future/]]],
    ['nothing at all', {}, [['nhs_number', /required/], ['dob', /required/]]],
    ['an NHS number without dob', { nhs_number: '9434765919' }, [['dob', /required/]]],
    [
      'a name form missing surname and postcode',
      { forename: 'Jane', dob: '1992-01-01' },
      [['surname', /required when registering by name/], ['postcode', /required when registering by name/]],
    ],
    [
      'both forms mixed',
      { nhs_number: '9434765919', forename: 'Jane', dob: '1992-01-01', postcode: 'SW1A 1AA' },
      [['forename', /not be sent with nhs_number/], ['postcode', /not be sent with nhs_number/]],
    ],
    [
      'both forms mixed with a bad NHS number too',
      { nhs_number: '9000000001', surname: 'Smith', dob: '1992-01-01' },
      [['nhs_number', /check digit/], ['surname', /not be sent with nhs_number/]],
    ],
    ['a malformed postcode and blank names', { forename: ' ', surname: '', dob: '1992-01-01', postcode: 'QQ1 1AA' }, [['forename', /empty/], ['surname', /empty/], ['postcode', /UK postcode/]]],
    ['empty optional EHR fields', { nhs_number: '9434765919', dob: '1992-01-01', ehr_partner: '', ehr_partner_id: 7 }, [['ehr_partner', /empty/], ['ehr_partner_id', /string/]]],
    ['null NHS number', { nhs_number: null, dob: '1992-01-01' }, [['nhs_number', /string/]]],
    // Hero's reference documents dob as "string or null"; a PDS trace cannot run without one.
    ['a null dob', { nhs_number: '9434765919', dob: null }, [['dob', /required/]]],
    ['camelCase field names', { nhsNumber: '9434765919', dob: '1992-01-01' }, [['nhs_number', /required/], ['nhsNumber', /did you mean nhs_number/]]],
    ['an unknown field', { nhs_number: '9434765919', dob: '1992-01-01', gender: 'F' }, [['gender', /not a register_pds field/]]],
    ['not an object', 'nhs 9434765919', [['(input)', /must be an object/]]],
    ['an array', [], [['(input)', /must be an object/]]],
    ['null', null, [['(input)', /must be an object/]]],
  ])('rejects %s, listing every problem by field', (_case, input, expected) => {
    const issues = issuesOf(input);
    expect(issues.map(([field]) => field)).toEqual(expected.map(([field]) => field));
    issues.forEach(([, message], i) => expect(message).toMatch(expected[i]![1]));
  });

  it('puts every problem in the error message, each led by its field', () => {
    let caught: unknown;
    try {
      normalizeRegisterPdsInput({ nhs_number: '123 456 7891', dob: '2023-02-29', ehr_partner: '' }, { today });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HeroError);
    const error = caught as HeroInputError;
    expect(error.name).toBe('HeroInputError');
    expect(error.message).toMatch(/^Invalid register_pds input \(3 problems\): /);
    expect(error.message).toContain('nhs_number has a wrong check digit');
    expect(error.message).toContain('dob is not a real calendar date');
    expect(error.message).toContain('ehr_partner must not be empty');
  });

  it('keeps patient data out of the error message', () => {
    try {
      normalizeRegisterPdsInput({ nhs_number: '9000000001', dob: '2099-01-01' }, { today });
    } catch (error) {
      expect((error as Error).message).not.toContain('9000000001');
      expect((error as Error).message).not.toContain('2099');
      return;
    }
    throw new Error('expected a HeroInputError');
  });
});
