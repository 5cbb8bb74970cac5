/**
 * Wire names of request fields that carry a patient identifier. Shared by the generator
 * (which finds them in the spec) and the runtime check of `field` + `search` lists.
 */

/** What a field holds, from its name. */
export type PatientFieldKind = 'nhs_number' | 'date_of_birth' | 'postcode';

// Snake and camel case; matched exactly so that e.g. `dob_verified` is not a date.
const KIND_BY_NAME: Readonly<Record<string, PatientFieldKind>> = {
  nhs_number: 'nhs_number',
  nhsNumber: 'nhs_number',
  dob: 'date_of_birth',
  date_of_birth: 'date_of_birth',
  dateOfBirth: 'date_of_birth',
  birth_date: 'date_of_birth',
  postcode: 'postcode',
  post_code: 'postcode',
  postal_code: 'postcode',
};

/** The kind of patient identifier a field name denotes, if any. */
export function patientFieldKind(name: string): PatientFieldKind | undefined {
  return Object.hasOwn(KIND_BY_NAME, name) ? KIND_BY_NAME[name] : undefined;
}
