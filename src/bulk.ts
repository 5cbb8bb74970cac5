/**
 * Bulk jobs ("message every patient in a list"): many calls with bounded concurrency
 * under the client's rate controller, one result per item, progress reports, and
 * cancellation.
 *
 * The non-idempotent guarantee: the helper never repeats an item, and never calls an item
 * safe to send again when Hero may have acted on it. The client retries a send only when
 * Hero cannot have acted on it (429, 503, a connection that failed before sending), and
 * marks every error a call ends with (`HeroError.mayHaveBeenProcessed`): an abort, time-out
 * or dropped connection after a request left, a 3xx to a POST, a 500/502/504 or an
 * unreadable 2xx is `outcome-unknown`, for a person to check before sending again.
 *
 * Accounting: every item the job starts is in the report, whatever else goes wrong. A
 * throwing `onProgress` or item iterator ends the job: nothing more is started, the items in
 * flight finish, and the job rejects with {@link HeroBulkInterruptedError} carrying that report.
 */
import { HeroApiError, HeroConfigError, HeroError, HeroInputError, HeroNetworkError, HeroResponseParseError, HeroTimeoutError, withProcessedVerdict, type HeroInputIssue } from './errors.js';
import { failureMayHaveBeenProcessed } from './transport/retry.js';
import { isOptionsObject, typeName } from './validation/type-name.js';

/** What the task of one item is given. */
export interface BulkTaskContext {
  /** Position of the item in the input (0-based). */
  readonly index: number;
}

/**
 * One item's outcome. A journal of the job can record each item as pending (not started),
 * sending (its task is running), then one of these.
 */
export type BulkItemResult<I, T> =
  /** The call succeeded; `value` is what the task returned. */
  | { readonly status: 'succeeded'; readonly index: number; readonly item: I; readonly value: T }
  /** Hero did not act on it (refused it, or never received it): safe to fix and send again. */
  | { readonly status: 'failed'; readonly index: number; readonly item: I; readonly error: HeroError }
  /** Hero may have acted on it: check (for a message: did the patient get it?) before sending again. */
  | { readonly status: 'outcome-unknown'; readonly index: number; readonly item: I; readonly error: HeroError }
  /** Not started because the job was cancelled or interrupted. */
  | { readonly status: 'cancelled'; readonly index: number; readonly item: I };

/** A progress report. */
export interface BulkProgress {
  /** Items in the input, when known (an array); `undefined` for an iterable. */
  readonly total: number | undefined;
  /** Items finished: succeeded + failed + outcome unknown. */
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly outcomeUnknown: number;
  /** Items not finished yet, when the total is known. */
  readonly remaining: number | undefined;
  /** Items finished per second over the last few seconds. */
  readonly perSecond: number;
  /** Estimated time to finish, ms, when the total is known and progress is being made. */
  readonly etaMs: number | undefined;
  /** Sending rate the client's controller allows now (requests/s; `Infinity` = not limited), when known. */
  readonly allowedPerSecond: number | undefined;
  /** Time since the job started, ms. */
  readonly elapsedMs: number;
}

/** Options of {@link runBulk}. */
export interface BulkOptions {
  /** Items worked on at once, 1 to {@link maxBulkConcurrency}. The client's own in-flight cap and pacing still apply. @default 16 */
  concurrency?: number;
  /**
   * Stops the job: no further item is started; items already started finish and are
   * reported as they end. Items of an array not started are reported `cancelled`; items of
   * an iterable are no longer read from it, so those never read are not in the report.
   */
  signal?: AbortSignal;
  /**
   * Called at most every `progressIntervalMs`, and once at the end. If it throws, the job
   * stops starting items and rejects with {@link HeroBulkInterruptedError} once those in flight end.
   */
  onProgress?: (progress: BulkProgress) => void;
  /** @default 1000 */
  progressIntervalMs?: number;
  /** The rate in force, for {@link BulkProgress.allowedPerSecond}; `hero.bulk` passes its own. */
  allowedPerSecond?: () => number | undefined;
}

/** The whole job's outcome. */
export interface BulkReport<I, T> {
  /** One result per item started or known to be cancelled, in input order. */
  readonly results: readonly BulkItemResult<I, T>[];
  readonly succeeded: number;
  readonly failed: number;
  /** Items to check by hand before sending again. */
  readonly outcomeUnknown: number;
  readonly cancelled: number;
  readonly elapsedMs: number;
}

/** Largest `concurrency` {@link runBulk} accepts: far above what Hero's rate limits let through at once. */
export const maxBulkConcurrency = 1_000;

/**
 * Thrown by a bulk task for a reason that is not a Hero error (a bug in the task,
 * a failed lookup before the call…). The helper cannot tell whether the call was
 * made, so the item is `outcome-unknown`.
 */
export class HeroBulkTaskError extends HeroError {
  override name = 'HeroBulkTaskError' as const;
  constructor(cause: unknown) {
    super('the bulk task threw something other than a Hero error; whether its call reached Hero is unknown', { cause });
    withProcessedVerdict(this, true);
  }
}

/** Which of the caller's callbacks ended a bulk job early. */
export type BulkInterruptionSource = 'items' | 'onProgress' | 'allowedPerSecond';

/**
 * A bulk job ended early because the item iterator or a progress callback threw (`cause`).
 * Nothing was started after that; the items in flight were awaited, and {@link report} holds
 * every item started, with its status (items of an array never started are `cancelled`).
 */
export class HeroBulkInterruptedError<I = unknown, T = unknown> extends HeroError {
  override name = 'HeroBulkInterruptedError' as const;
  /** Which callback threw. */
  readonly source: BulkInterruptionSource;
  /** Every item started before the job ended, and those known to be cancelled. */
  readonly report: BulkReport<I, T>;

  constructor(source: BulkInterruptionSource, report: BulkReport<I, T>, cause: unknown) {
    const started = report.succeeded + report.failed + report.outcomeUnknown;
    super(
      `the bulk job stopped because ${source === 'items' ? 'reading the next item' : `its ${source} callback`} threw; ` +
        `the ${started} item(s) started are all in \`report\` (${report.succeeded} succeeded, ${report.failed} failed, ` +
        `${report.outcomeUnknown} outcome unknown), ${report.cancelled} not started`,
      { cause },
    );
    this.source = source;
    this.report = report;
  }
}

/**
 * Whether Hero may have acted on a call that failed with `error`: what the client recorded
 * on it ({@link HeroError.mayHaveBeenProcessed}), else judged from its kind. Anything it cannot
 * judge (a `HeroAbortError` built outside a call, an unknown error) counts as "may have".
 */
export function mayHaveBeenProcessed(error: HeroError): boolean {
  if (!(error instanceof HeroError)) return true;
  if (error.mayHaveBeenProcessed !== undefined) return error.mayHaveBeenProcessed;
  // Configuration and input errors are thrown before anything is sent.
  if (error instanceof HeroConfigError || error instanceof HeroInputError) return false;
  // A 2xx whose body could not be read (Hero acted), or no answer in time (it may have).
  if (error instanceof HeroResponseParseError || error instanceof HeroTimeoutError) return true;
  if (error instanceof HeroNetworkError) return failureMayHaveBeenProcessed({ kind: 'network', codes: error.code === undefined ? [] : [error.code] }, error.method);
  if (error instanceof HeroApiError) return failureMayHaveBeenProcessed({ kind: 'status', status: error.status, retryAfterMs: undefined }, error.method);
  return true;
}

/** How a task that threw `thrown` ends: the error it is reported with, and whether Hero may have acted. */
export function bulkFailureOf<I>(index: number, item: I, thrown: unknown): Extract<BulkItemResult<I, never>, { readonly status: 'failed' | 'outcome-unknown' }> {
  const error = thrown instanceof HeroError ? thrown : new HeroBulkTaskError(thrown);
  return { status: mayHaveBeenProcessed(error) ? 'outcome-unknown' : 'failed', index, item, error };
}

const MAX_TIMER_MS = 2_147_483_647;

/** For numeric options only: the number itself is no one's data. */
function describeOption(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeName(value);
}

function isIterable(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const candidate = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof candidate[Symbol.iterator] === 'function' || typeof candidate[Symbol.asyncIterator] === 'function';
}

/** Refuses, before anything starts, what the types of {@link runBulk} forbid (campaigns check their own options first). */
export function checkBulkArguments(items: unknown, task: unknown, options: unknown): asserts options is BulkOptions {
  const issues: HeroInputIssue[] = [];
  if (!isIterable(items)) issues.push({ field: 'items', message: `must be an array, an iterable or an async iterable (received ${typeName(items)})` });
  if (typeof task !== 'function') issues.push({ field: 'task', message: `must be a function (received ${typeName(task)})` });
  if (!isOptionsObject(options)) {
    issues.push({ field: 'options', message: `must be an object when given (received ${typeName(options)})` });
    throw new HeroInputError(issues, 'bulk arguments');
  }
  const { concurrency, signal, onProgress, progressIntervalMs, allowedPerSecond, journal } = options as Record<string, unknown>;
  // A journal is kept by hero.bulk, whose client records each item before its request leaves; runBulk would ignore it.
  if (journal !== undefined) issues.push({ field: 'journal', message: 'is taken by hero.bulk (a campaign), not by runBulk' });
  if (concurrency !== undefined && !(typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= maxBulkConcurrency)) {
    issues.push({ field: 'concurrency', message: `must be an integer from 1 to ${maxBulkConcurrency} (received ${describeOption(concurrency)})` });
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) issues.push({ field: 'signal', message: `must be an AbortSignal (received ${describeOption(signal)})` });
  if (onProgress !== undefined && typeof onProgress !== 'function') issues.push({ field: 'onProgress', message: `must be a function (received ${describeOption(onProgress)})` });
  if (allowedPerSecond !== undefined && typeof allowedPerSecond !== 'function') {
    issues.push({ field: 'allowedPerSecond', message: `must be a function (received ${describeOption(allowedPerSecond)})` });
  }
  if (progressIntervalMs !== undefined && !(typeof progressIntervalMs === 'number' && progressIntervalMs >= 0 && progressIntervalMs <= MAX_TIMER_MS)) {
    issues.push({ field: 'progressIntervalMs', message: `must be a number from 0 to ${MAX_TIMER_MS} (received ${describeOption(progressIntervalMs)})` });
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'bulk arguments');
}
