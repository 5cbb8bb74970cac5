/**
 * Outcome of one field check. Validators return this instead of throwing so
 * `normalizeRegisterPdsInput` can collect every problem before reporting.
 *
 * Messages never repeat the value checked: NHS numbers, dates of birth and
 * postcodes are patient data and error messages end up in logs.
 */
export type FieldCheck<Problem extends string> =
  | { readonly ok: true; /** The normalised value to send. */ readonly value: string }
  | { readonly ok: false; /** Machine-readable cause. */ readonly problem: Problem; /** One sentence for humans. */ readonly message: string };
