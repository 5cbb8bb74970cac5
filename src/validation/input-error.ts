import { HeroError } from '../errors.js';

/** One problem with one input field. */
export interface HeroInputIssue {
  /** Wire name of the field, e.g. `nhs_number`; `(input)` when the whole value is wrong. */
  readonly field: string;
  /** What is wrong, without repeating the value (it may be patient data). */
  readonly message: string;
}

/**
 * Thrown before any request is sent when caller input fails local checks.
 * Lists every problem at once so a form can show them all in one pass.
 */
export class HeroInputError extends HeroError {
  override name = 'HeroInputError' as const;
  /** Every problem found, in field order. Never empty. */
  readonly issues: ReadonlyArray<HeroInputIssue>;

  /**
   * @param issues at least one issue; copied and frozen.
   * @param subject what was being checked, for the message (e.g. `register_pds input`).
   */
  constructor(issues: ReadonlyArray<HeroInputIssue>, subject = 'input') {
    const list = Object.freeze(issues.map((issue) => Object.freeze({ field: issue.field, message: issue.message })));
    const count = list.length === 1 ? '1 problem' : `${list.length} problems`;
    super(`Invalid ${subject} (${count}): ${list.map((issue) => `${issue.field} ${issue.message}`).join('; ')}.`);
    this.issues = list;
  }
}
