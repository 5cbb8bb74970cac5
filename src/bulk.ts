/**
 * Bulk jobs ("message every patient in a list"): many calls with bounded concurrency
 * under the client's rate controller, one result per item, progress reports, and
 * cancellation.
 *
 * The non-idempotent guarantee: the helper never repeats an item. The client itself
 * retries a send only when Hero cannot have acted on it (429, 503, a connection that
 * failed before sending). Any other failure that leaves it unclear whether Hero acted
 * (a timeout, a dropped connection, a 500/502/504, an unreadable 2xx) is reported as
 * `outcome-unknown`, for a person to check before sending again.
 */
import { HeroApiError, HeroError, HeroNetworkError, HeroResponseParseError, HeroTimeoutError } from './errors.js';
import { PRE_SEND_ERROR_CODES } from './transport/retry.js';

/** What the task of one item is given. */
export interface BulkTaskContext {
  /** Position of the item in the input (0-based). */
  readonly index: number;
}

/** One item's outcome. */
export type BulkItemResult<I, T> =
  /** The call succeeded; `value` is what the task returned. */
  | { readonly status: 'succeeded'; readonly index: number; readonly item: I; readonly value: T }
  /** Hero did not act on it (refused it, or never received it): safe to fix and send again. */
  | { readonly status: 'failed'; readonly index: number; readonly item: I; readonly error: HeroError }
  /** Hero may have acted on it: check (for a message: did the patient get it?) before sending again. */
  | { readonly status: 'outcome-unknown'; readonly index: number; readonly item: I; readonly error: HeroError }
  /** Not started because the job was cancelled. */
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
  /** Items worked on at once. The client's own in-flight cap and pacing still apply. @default 16 */
  concurrency?: number;
  /**
   * Stops the job: no further item is started (those are reported `cancelled`); items
   * already started finish and are reported as they end.
   */
  signal?: AbortSignal;
  /** Called at most every `progressIntervalMs`, and once at the end. Must not throw. */
  onProgress?: (progress: BulkProgress) => void;
  /** @default 1000 */
  progressIntervalMs?: number;
  /** The rate in force, for {@link BulkProgress.allowedPerSecond}; `hero.bulk` passes its own. */
  allowedPerSecond?: () => number | undefined;
}

/** The whole job's outcome. */
export interface BulkReport<I, T> {
  /** One result per item, in input order. */
  readonly results: readonly BulkItemResult<I, T>[];
  readonly succeeded: number;
  readonly failed: number;
  /** Items to check by hand before sending again. */
  readonly outcomeUnknown: number;
  readonly cancelled: number;
  readonly elapsedMs: number;
}

/**
 * Thrown by a bulk task for a reason that is not a Hero error (a bug in the task,
 * a failed lookup before the call…). The helper cannot tell whether the call was
 * made, so the item is `outcome-unknown`.
 */
export class HeroBulkTaskError extends HeroError {
  override name = 'HeroBulkTaskError' as const;
  constructor(cause: unknown) {
    super('the bulk task threw something other than a Hero error; whether its call reached Hero is unknown', { cause });
  }
}

/** Whether Hero may have acted on a call that failed with `error`. */
export function mayHaveBeenProcessed(error: HeroError): boolean {
  // A 2xx whose body could not be read: Hero acted.
  if (error instanceof HeroResponseParseError) return true;
  if (error instanceof HeroTimeoutError) return true;
  if (error instanceof HeroNetworkError) return error.code === undefined || !PRE_SEND_ERROR_CODES.has(error.code);
  if (error instanceof HeroApiError) {
    // 5xx other than 503 may come after the work was done; 4xx, 429 and 503 mean it was not.
    return error.status >= 500 && error.status !== 503;
  }
  // Configuration and input errors are thrown before anything is sent.
  return error instanceof HeroBulkTaskError;
}

// Completions counted over this window for the rate and ETA.
const RATE_WINDOW_MS = 5000;

/**
 * Runs `task` once per item, `concurrency` at a time, and reports every outcome.
 * Never rejects because an item failed; rejects only if `items` itself throws.
 */
export async function runBulk<I, T>(
  items: Iterable<I> | AsyncIterable<I>,
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: BulkOptions = {},
): Promise<BulkReport<I, T>> {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  const intervalMs = options.progressIntervalMs ?? 1000;
  const total = Array.isArray(items) ? items.length : undefined;
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<I>)[Symbol.iterator]();
  const startedAt = performance.now();
  const results: BulkItemResult<I, T>[] = [];
  const finishedAt: number[] = [];
  let succeeded = 0;
  let failed = 0;
  let outcomeUnknown = 0;
  let cancelled = 0;
  let nextIndex = 0;
  let lastReportAt = -Infinity;

  const progress = (): BulkProgress => {
    const now = performance.now();
    while (finishedAt.length > 0 && finishedAt[0]! < now - RATE_WINDOW_MS) finishedAt.shift();
    const windowMs = Math.min(RATE_WINDOW_MS, now - startedAt);
    const perSecond = windowMs > 0 ? (finishedAt.length * 1000) / windowMs : 0;
    const done = succeeded + failed + outcomeUnknown;
    const remaining = total === undefined ? undefined : total - done - cancelled;
    return {
      total,
      done,
      succeeded,
      failed,
      outcomeUnknown,
      remaining,
      perSecond,
      etaMs: remaining !== undefined && perSecond > 0 ? (remaining / perSecond) * 1000 : undefined,
      allowedPerSecond: options.allowedPerSecond?.(),
      elapsedMs: now - startedAt,
    };
  };
  const report = (force: boolean): void => {
    if (options.onProgress === undefined) return;
    const now = performance.now();
    if (!force && now - lastReportAt < intervalMs) return;
    lastReportAt = now;
    options.onProgress(progress());
  };

  let exhausted = false;
  const pull = async (): Promise<{ item: I; index: number } | undefined> => {
    if (exhausted) return undefined;
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      return undefined;
    }
    return { item: next.value, index: nextIndex++ };
  };

  const worker = async (): Promise<void> => {
    for (let entry = await pull(); entry !== undefined; entry = await pull()) {
      const { item, index } = entry;
      if (options.signal?.aborted) {
        results[index] = { status: 'cancelled', index, item };
        cancelled++;
        continue;
      }
      try {
        const value = await task(item, { index });
        results[index] = { status: 'succeeded', index, item, value };
        succeeded++;
      } catch (thrown) {
        const error = thrown instanceof HeroError ? thrown : new HeroBulkTaskError(thrown);
        if (mayHaveBeenProcessed(error)) {
          results[index] = { status: 'outcome-unknown', index, item, error };
          outcomeUnknown++;
        } else {
          results[index] = { status: 'failed', index, item, error };
          failed++;
        }
      }
      finishedAt.push(performance.now());
      report(false);
    }
  };

  await Promise.all(Array.from({ length: concurrency }, worker));
  report(true);
  return { results, succeeded, failed, outcomeUnknown, cancelled, elapsedMs: performance.now() - startedAt };
}
