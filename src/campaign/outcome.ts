/**
 * What the journal records of a failure: an error code (the error's name and HTTP status,
 * never its message, which may quote a field) and whether a resumed run sends the item
 * again. Only failures Hero certainly did not act on are `failed` at all (see
 * `mayHaveBeenProcessed` in bulk.ts); of those, the ones a later run can fix by itself are
 * retryable: a throttle or time limit that ran out, an unavailable server, a connection
 * that never opened, a cancelled run, credentials (fixed between runs). A 400, 404 or 422
 * would be refused again and is left for a person.
 */
import { HeroApiError, HeroInputError, HeroTimeoutError, type HeroError } from '../errors.js';
import type { ItemOutcome } from './journal.js';

// 4xx answers that depend on the request itself: sending it again changes nothing.
const PERMANENT_STATUSES: ReadonlySet<number> = new Set([400, 404, 405, 409, 410, 413, 414, 415, 422]);

/** `HeroValidationError 400`, `HeroTimeoutError`… */
export function errorCode(error: HeroError): string {
  const status = error instanceof HeroApiError && error.status > 0 ? ` ${error.status}` : '';
  // Only the class name: a name that is not a plain identifier is not ours to record.
  const name = /^[A-Za-z][A-Za-z0-9]{0,60}$/.test(error.name) ? error.name : 'Error';
  return `${name}${status}`;
}

/** Whether a failure Hero did not act on is worth sending again in a later run. */
export function isRetryableFailure(error: HeroError): boolean {
  if (error instanceof HeroInputError) return false;
  if (error instanceof HeroApiError && PERMANENT_STATUSES.has(error.status)) return false;
  return true;
}

/** The record of an item that ended with `error`, `failed` or `outcome-unknown` as bulk judged it. */
export function failureOutcome(status: 'failed' | 'outcome-unknown', error: HeroError): ItemOutcome {
  return status === 'failed' ? { status, code: errorCode(error), retryable: isRetryableFailure(error) } : { status, code: errorCode(error) };
}

const CHANGES_NOTHING: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a task that failed with `error`, judged "Hero did nothing" from that error alone, may
 * still have reached Hero through another of its calls: `callsSent` calls that may change
 * something left for the item. With two or more, or one followed by a failure that is not that
 * call's own answer or connection failure (a GET after the send, an input error, a time-out or
 * abort that can also end a later call before it left), the earlier send may have been acted on.
 */
export function mayHaveActedBeforeFailure(error: HeroError, callsSent: number): boolean {
  if (callsSent === 0) return false;
  if (callsSent > 1) return true;
  return !(error instanceof HeroApiError) || error instanceof HeroTimeoutError || CHANGES_NOTHING.has(error.method.toUpperCase());
}
