/**
 * The bulk job's runner (bulk.ts holds its options, report types, errors and argument checks):
 * pulls items, runs `concurrency` tasks at a time, reports progress, and judges each outcome.
 * Loaded with the first job.
 */
import { bulkFailureOf, checkBulkArguments, HeroBulkInterruptedError, type BulkInterruptionSource, type BulkItemResult, type BulkOptions, type BulkProgress, type BulkReport, type BulkTaskContext } from './bulk.js';
import type { HeroError } from './errors.js';

// Completions counted over this window for the rate and ETA.
const RATE_WINDOW_MS = 5000;
// A run whose tasks settle at once (a sync iterator, an input error per item) never leaves the
// microtask queue; give timers and I/O a turn at least this often so cancelling still works.
const YIELD_EVERY_MS = 10;
const DEFAULT_CONCURRENCY = 16;

// What `nextItem` resolves to when the job stops while the iterator is still thinking.
const WOKEN = Symbol('woken');

type Source<I> =
  | { readonly kind: 'array'; readonly items: readonly I[] }
  | { readonly kind: 'iterator'; readonly iterator: Iterator<I> | AsyncIterator<I> };

/**
 * `runBulk` (run-bulk.ts), with `actedBeforeFailure(index, error)` saying whether an item whose error
 * alone says "Hero did nothing" made an earlier call that may have been acted on (hero.bulk
 * counts the calls each task sends); such an item is `outcome-unknown`, never `failed`.
 */
export async function runBulkJudged<I, T>(
  items: Iterable<I> | AsyncIterable<I>,
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: BulkOptions,
  actedBeforeFailure: ((index: number, error: HeroError) => boolean) | undefined,
): Promise<BulkReport<I, T>> {
  checkBulkArguments(items, task, options);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const intervalMs = options.progressIntervalMs ?? 1000;
  const { signal, onProgress, allowedPerSecond } = options;
  const startedAt = performance.now();
  const results: BulkItemResult<I, T>[] = [];
  const total = Array.isArray(items) ? items.length : undefined;
  let interruption: { source: BulkInterruptionSource; cause: unknown } | undefined;
  const interrupt = (source: BulkInterruptionSource, cause: unknown): void => {
    interruption ??= { source, cause };
    stopWaiting();
  };

  // Completion times within the rate window (only kept when someone reads progress).
  const finishedAt: number[] = [];
  let finishedHead = 0;
  let succeeded = 0;
  let failed = 0;
  let outcomeUnknown = 0;
  let cancelled = 0;
  let nextIndex = 0;
  let lastReportAt = -Infinity;

  const progress = (): BulkProgress => {
    const now = performance.now();
    while (finishedHead < finishedAt.length && finishedAt[finishedHead]! < now - RATE_WINDOW_MS) finishedHead++;
    if (finishedHead > 1024 && finishedHead * 2 > finishedAt.length) {
      finishedAt.splice(0, finishedHead);
      finishedHead = 0;
    }
    const windowMs = Math.min(RATE_WINDOW_MS, now - startedAt);
    const perSecond = windowMs > 0 ? ((finishedAt.length - finishedHead) * 1000) / windowMs : 0;
    const done = succeeded + failed + outcomeUnknown;
    const remaining = total === undefined ? undefined : total - done - cancelled;
    let allowed: number | undefined;
    try {
      allowed = allowedPerSecond?.();
    } catch (thrown) {
      interrupt('allowedPerSecond', thrown);
    }
    return {
      total,
      done,
      succeeded,
      failed,
      outcomeUnknown,
      remaining,
      perSecond,
      etaMs: remaining !== undefined && perSecond > 0 ? (remaining / perSecond) * 1000 : undefined,
      allowedPerSecond: allowed,
      elapsedMs: now - startedAt,
    };
  };
  const report = (force: boolean): void => {
    if (onProgress === undefined || interruption !== undefined) return;
    const now = performance.now();
    if (!force && now - lastReportAt < intervalMs) return;
    lastReportAt = now;
    const snapshot = progress();
    if (interruption !== undefined) return;
    try {
      onProgress(snapshot);
    } catch (thrown) {
      interrupt('onProgress', thrown);
    }
  };

  // The feeder waits for a free slot (woken by a finished item, or by the job stopping) or
  // for the iterator's next item (woken only by the job stopping: asking the iterator again
  // while a `next()` is pending would lose that item).
  let wakeSlot: (() => void) | undefined;
  let wakeRead: (() => void) | undefined;
  const slotFreed = (): void => {
    const resolve = wakeSlot;
    wakeSlot = undefined;
    resolve?.();
  };
  function stopWaiting(): void {
    slotFreed();
    const resolve = wakeRead;
    wakeRead = undefined;
    resolve?.();
  }
  const nextSlot = (): Promise<void> => new Promise((resolve) => (wakeSlot = resolve));
  const nextItem = <R>(pending: PromiseLike<R>): Promise<R | typeof WOKEN> =>
    new Promise<R | typeof WOKEN>((resolve, reject) => {
      wakeRead = () => resolve(WOKEN);
      pending.then(
        (value) => {
          wakeRead = undefined;
          resolve(value);
        },
        (error: unknown) => {
          wakeRead = undefined;
          reject(error);
        },
      );
    });
  signal?.addEventListener('abort', stopWaiting, { once: true });
  const stopping = (): boolean => interruption !== undefined || signal?.aborted === true;

  let source: Source<I> | undefined;
  try {
    source = Array.isArray(items)
      ? { kind: 'array', items }
      : { kind: 'iterator', iterator: typeof (items as Partial<AsyncIterable<I>>)[Symbol.asyncIterator] === 'function' ? (items as AsyncIterable<I>)[Symbol.asyncIterator]() : (items as Iterable<I>)[Symbol.iterator]() };
  } catch (thrown) {
    interrupt('items', thrown);
  }

  let active = 0;
  const start = (index: number, item: I): void => {
    active++;
    void (async () => {
      let result: BulkItemResult<I, T>;
      try {
        result = { status: 'succeeded', index, item, value: await task(item, { index }) };
        succeeded++;
      } catch (thrown) {
        result = bulkFailureOf(index, item, thrown);
        if (result.status === 'failed' && actedBeforeFailure?.(index, result.error) === true) result = { ...result, status: 'outcome-unknown' };
        if (result.status === 'failed') failed++;
        else outcomeUnknown++;
      }
      results[index] = result;
      if (onProgress !== undefined) finishedAt.push(performance.now());
      active--;
      report(false);
      slotFreed();
    })();
  };

  // The feeder: reads one item at a time (async iterators need not allow overlapping
  // `next()` calls) and starts it once a slot is free, until the input ends or the job stops.
  let readingEnded = source === undefined;
  let lastYieldAt = performance.now();
  try {
    while (source !== undefined && !stopping()) {
      if (active >= concurrency) {
        await nextSlot();
        continue;
      }
      if (performance.now() - lastYieldAt >= YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYieldAt = performance.now();
        continue;
      }
      let entry: IteratorResult<I>;
      if (source.kind === 'array') {
        if (nextIndex >= total!) break;
        entry = { done: false, value: source.items[nextIndex]! };
      } else {
        try {
          const pending = source.iterator.next();
          const next = isThenable(pending) ? await nextItem(pending) : pending;
          if (next === WOKEN) continue; // stopped while waiting: the loop condition ends it
          entry = next;
        } catch (thrown) {
          readingEnded = true;
          interrupt('items', thrown);
          break;
        }
        if (typeof entry !== 'object' || entry === null) {
          readingEnded = true;
          interrupt('items', new TypeError('the item iterator returned a result that is not an object'));
          break;
        }
      }
      if (entry.done) {
        readingEnded = true;
        break;
      }
      const index = nextIndex++;
      if (stopping()) {
        results[index] = { status: 'cancelled', index, item: entry.value };
        cancelled++;
        break;
      }
      start(index, entry.value);
    }
  } finally {
    signal?.removeEventListener('abort', stopWaiting);
  }

  // Stopped early: an array's unstarted items are known, so report them; an iterator is told
  // we are done with it (its `finally` blocks run), without waiting on it.
  if (source?.kind === 'array') {
    for (let index = nextIndex; index < total!; index++) {
      results[index] = { status: 'cancelled', index, item: source.items[index]! };
      cancelled++;
    }
    nextIndex = total!;
  } else if (source !== undefined && !readingEnded) {
    closeIterator(source.iterator);
  }

  while (active > 0) await nextSlot();
  report(true);
  const finalReport: BulkReport<I, T> = { results, succeeded, failed, outcomeUnknown, cancelled, elapsedMs: performance.now() - startedAt };
  if (interruption !== undefined) throw new HeroBulkInterruptedError(interruption.source, finalReport, interruption.cause);
  return finalReport;
}

function isThenable<R>(value: R | PromiseLike<R>): value is PromiseLike<R> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Calls an iterator's `return()` so a generator can clean up; never waits on it, never throws. */
function closeIterator(iterator: Iterator<unknown> | AsyncIterator<unknown>): void {
  try {
    const closed = iterator.return?.();
    if (isThenable(closed)) void Promise.resolve(closed).catch(() => undefined);
  } catch {
    // The job is over; a failing clean-up must not change its report.
  }
}

