/**
 * `hero.bulk(items, task, { journal, key })`: a bulk job whose every step is recorded, so
 * it can be resumed after a crash, and shared by a fleet of workers (a Redis journal).
 *
 * The order of a run: check the arguments, read the whole item list, check the keys
 * (unique, printable), open the journal (which refuses a journal of another campaign or item
 * list, a damaged file, an unreachable Redis: nothing sent), then run the items the journal
 * hands out through `runBulk`. Each item is recorded `sending` before its first request that
 * may change something leaves (sending-scope.ts), and settled when its task ends.
 */
import { bulkFailureOf, checkBulkArguments, HeroBulkInterruptedError, type BulkItemResult } from '../bulk.js';
import { runBulk } from '../run-bulk.js';
import { HeroInputError, withProcessedVerdict, type HeroInputIssue } from '../errors.js';
import { typeName } from '../validation/type-name.js';
import type { BulkTaskContext } from '../bulk.js';
import { HeroCampaignError, HeroCampaignInterruptedError, type CampaignInterruptionSource } from './errors.js';
import { isCampaignJournal, openCampaign, type ItemOutcome, type JournalInternals, type OpenCampaign } from './journal.js';
import { campaignFingerprint, campaignKeys, maxCampaignItems } from './keys.js';
import { failureOutcome, mayHaveActedBeforeFailure } from './outcome.js';
import { buildCampaignReport, type CampaignProgress, type CampaignReport, type CampaignRunCounts } from './report.js';
import { createFeedLimit } from './feed-limit.js';
import { createSendGate, type Pacing } from './send-gate.js';
import type { CampaignOptions } from './options.js';
import type { SendingScope } from './sending-scope.js';

/** What the client gives a campaign. */
export interface CampaignDeps {
  readonly allowedPerSecond?: (() => number | undefined) | undefined;
  /** The client's marking seam; without it items are marked before their task. */
  readonly scope?: SendingScope | undefined;
  /** The client's pace, to re-space sends a slow record held back (send-gate.ts). */
  readonly pacing?: Pacing | undefined;
}

// Completions counted over this window for the rate and ETA.
const RATE_WINDOW_MS = 5000;
// How often a worker with nothing to claim asks again while other workers hold items.
const WAIT_POLL_MS = 250;
// Fleet counts are read from the journal at most this often.
const MIN_REFRESH_MS = 250;

function checkCampaignArguments(items: unknown, task: unknown, options: Record<string, unknown>): void {
  const issues: HeroInputIssue[] = [];
  if (!isCampaignJournal(options.journal)) issues.push({ field: 'journal', message: `must be a journal from createFileJournal() or createRedisJournal() (received ${typeName(options.journal)})` });
  if (typeof options.key !== 'function') issues.push({ field: 'key', message: `must be a function returning each item's key (received ${typeName(options.key)})` });
  if (options.markSending !== undefined && options.markSending !== 'before-request' && options.markSending !== 'before-task') {
    issues.push({ field: 'markSending', message: `must be 'before-request' or 'before-task' (received ${typeName(options.markSending)})` });
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'campaign options');
  const { journal: _journal, key: _key, markSending: _markSending, ...bulkOptions } = options;
  checkBulkArguments(items, task, bulkOptions);
}

/** Reads the whole list (the keys' fingerprint needs all of it), up to {@link maxCampaignItems}; stops on `signal`. */
async function collect<I>(items: Iterable<I> | AsyncIterable<I>, signal: AbortSignal | undefined): Promise<I[]> {
  const tooMany = () => new HeroInputError([{ field: 'items', message: `a campaign takes at most ${maxCampaignItems} items; split a longer list into several campaigns` }], 'campaign items');
  if (Array.isArray(items)) {
    if (items.length > maxCampaignItems) throw tooMany();
    return items as I[];
  }
  const list: I[] = [];
  if (typeof (items as Partial<AsyncIterable<I>>)[Symbol.asyncIterator] === 'function') {
    for await (const item of items as AsyncIterable<I>) {
      if (signal?.aborted) throw signal.reason;
      list.push(item);
      if (list.length > maxCampaignItems) throw tooMany();
    }
  } else {
    for (const item of items as Iterable<I>) {
      list.push(item);
      if (list.length > maxCampaignItems) throw tooMany();
    }
  }
  return list;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

interface Entry<I> {
  readonly index: number;
  readonly item: I;
}

/**
 * Runs a campaign. Rejects before anything is sent with `HeroInputError` (bad arguments or
 * keys) or a `HeroCampaignError` (duplicate keys, a journal of another campaign or item list,
 * a damaged journal, one that cannot be reached or is in use); with
 * {@link HeroCampaignInterruptedError} when `onProgress` throws or the journal fails mid-run.
 */
export async function runCampaign<I, T>(
  items: Iterable<I> | AsyncIterable<I>,
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: CampaignOptions<I>,
  deps: CampaignDeps = {},
): Promise<CampaignReport<I, T>> {
  checkCampaignArguments(items, task, options as unknown as Record<string, unknown>);
  const startedAt = performance.now();
  let list: I[];
  try {
    list = await collect(items, options.signal);
  } catch (thrown) {
    if (thrown instanceof HeroInputError) throw thrown;
    // The iterator threw, or the run was cancelled while the list was read: nothing was started.
    throw new HeroBulkInterruptedError('items', { results: [], succeeded: 0, failed: 0, outcomeUnknown: 0, cancelled: 0, elapsedMs: performance.now() - startedAt }, thrown);
  }
  const keys = campaignKeys(list, options.key);
  const internals = options.journal as JournalInternals;
  const opened = await internals[openCampaign]({ keys, fingerprint: campaignFingerprint(internals.campaign, keys) });
  try {
    return await runOpened(list, keys, task, options, deps, opened, startedAt);
  } finally {
    await opened.close();
  }
}

async function runOpened<I, T>(
  list: readonly I[],
  keys: readonly string[],
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: CampaignOptions<I>,
  deps: CampaignDeps,
  opened: OpenCampaign,
  startedAt: number,
): Promise<CampaignReport<I, T>> {
  const { journal, onProgress, signal } = options;
  const intervalMs = options.progressIntervalMs ?? 1000;
  const scope = deps.scope;
  const markBeforeTask = options.markSending === 'before-task' || scope === undefined;

  // The run stops (nothing more started) on the caller's signal, a journal failure or a throwing onProgress.
  const stop = new AbortController();
  let interruption: { source: CampaignInterruptionSource; cause: unknown } | undefined;
  const interrupt = (source: CampaignInterruptionSource, cause: unknown): void => {
    interruption ??= { source, cause };
    stop.abort();
  };
  const onCallerAbort = (): void => stop.abort();
  if (signal?.aborted) stop.abort();
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  opened.onFailure((error) => interrupt('journal', error));
  const failed = opened.failure();
  if (failed !== undefined) interrupt('journal', failed);

  // --- progress ---
  const run = { started: 0, sent: 0, failed: 0, outcomeUnknown: 0 };
  const thisRun = (): CampaignRunCounts => ({ ...run });
  const samples: { at: number; done: number }[] = [];
  let lastReportAt = -Infinity;
  const progress = (): CampaignProgress => {
    const now = performance.now();
    const counts = opened.counts();
    const done = counts.sent + counts.failed + counts.outcomeUnknown;
    samples.push({ at: now, done });
    while (samples.length > 2 && samples[1]!.at < now - RATE_WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const perSecond = now - first.at > 0 ? ((done - first.done) * 1000) / (now - first.at) : 0;
    const remaining = counts.total - done;
    let allowed: number | undefined;
    try {
      allowed = deps.allowedPerSecond?.();
    } catch {
      allowed = undefined;
    }
    return {
      campaign: journal.campaign,
      total: counts.total,
      done,
      sent: counts.sent,
      failed: counts.failed,
      outcomeUnknown: counts.outcomeUnknown,
      sending: counts.sending,
      remaining,
      perSecond,
      etaMs: perSecond > 0 ? (remaining / perSecond) * 1000 : remaining === 0 ? 0 : undefined,
      workers: opened.workers(),
      allowedPerSecond: allowed,
      thisRun: thisRun(),
      elapsedMs: now - startedAt,
    };
  };
  const report = (force: boolean): void => {
    if (onProgress === undefined || interruption?.source === 'onProgress') return;
    const now = performance.now();
    if (!force && now - lastReportAt < intervalMs) return;
    lastReportAt = now;
    try {
      onProgress(progress());
    } catch (thrown) {
      interrupt('onProgress', thrown);
    }
  };
  // The fleet's counts come from Redis: read them in the background, never on an item's path.
  let refreshing: Promise<void> | undefined;
  const refresh = (): void => {
    refreshing ??= opened
      .refreshCounts()
      .catch(() => undefined)
      .finally(() => {
        refreshing = undefined;
        report(false);
      });
  };
  const refreshTimer = onProgress === undefined ? undefined : setInterval(refresh, Math.max(MIN_REFRESH_MS, intervalMs));
  refreshTimer?.unref();

  // --- the items this worker runs: claimed one at a time, when runBulk has a free slot and few
  // items are between their start and their send (feed-limit.ts) ---
  const feed = markBeforeTask ? undefined : createFeedLimit(deps.pacing);
  const started = new Set<number>();
  const claimedNotStarted: number[] = [];
  let lastNext: Promise<unknown> | undefined;
  const feeder: AsyncIterator<Entry<I>> & AsyncIterable<Entry<I>> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      const next = (async (): Promise<IteratorResult<Entry<I>>> => {
        for (;;) {
          await feed?.room(stop.signal);
          if (stop.signal.aborted) return { done: true, value: undefined };
          let claimed: number | 'wait' | 'done';
          try {
            claimed = await opened.claim();
          } catch (error) {
            interrupt('journal', error);
            return { done: true, value: undefined };
          }
          if (claimed === 'done') return { done: true, value: undefined };
          if (claimed === 'wait') {
            await sleep(WAIT_POLL_MS, stop.signal);
            continue;
          }
          claimedNotStarted.push(claimed);
          return { done: false, value: { index: claimed, item: list[claimed]! } };
        }
      })();
      lastNext = next;
      return next;
    },
    async return() {
      return { done: true, value: undefined };
    },
  };

  const gate = createSendGate(deps.pacing);
  // Items whose error alone says "failed" but an earlier call of whose task may have reached Hero.
  const actedBeforeFailure = new Set<number>();
  let unmarkedWarned = false;
  // An item's slot is held until its outcome is recorded: a crash after the answer but before the
  // record leaves the item "sending" (outcome-unknown), so the record is written at once. Measured:
  // recording in the background freed slots sooner but left 1.5–2× the items outcome-unknown per kill.
  const settle = async (index: number, outcome: ItemOutcome): Promise<void> => {
    try {
      await opened.settle(index, outcome);
    } catch (error) {
      interrupt('journal', error);
    }
    report(false);
  };

  const runItem = async ({ index, item }: Entry<I>): Promise<T> => {
    started.add(index);
    run.started++;
    feed?.started();
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      feed?.left();
    };
    let marking: Promise<void> | undefined;
    // Calls that may change something which left for this item (counted at their first attempt).
    let callsSent = 0;
    const mark = (attempt?: number): Promise<void> => {
      const markedFrom = performance.now();
      const marked = (marking ??= opened.markSending(index).then(
        async () => {
          feed?.recordTook(performance.now() - markedFrom);
          if (!markBeforeTask) await gate();
          leave();
        },
        (error: unknown) => {
          interrupt('journal', error);
          // Nothing left for this item: a request must not go out unrecorded.
          throw withProcessedVerdict(
            error instanceof HeroCampaignError ? error : new HeroCampaignError('journal-write-failed', 'the item could not be recorded as sending, so it was not sent', { cause: error }),
            false,
          );
        },
      ));
      return attempt === 1 ? marked.then(() => void callsSent++) : marked;
    };
    let value: T;
    try {
      if (markBeforeTask) await mark();
      value = scope === undefined ? await task(item, { index }) : await scope.run({ mark }, () => task(item, { index }));
    } catch (thrown) {
      leave();
      const failure = bulkFailureOf(index, item, thrown);
      // An earlier send of the task may have reached Hero: never "failed" (which a resumed run may send again).
      if (failure.status === 'failed' && mayHaveActedBeforeFailure(failure.error, callsSent)) {
        (failure as { status: 'failed' | 'outcome-unknown' }).status = 'outcome-unknown';
        actedBeforeFailure.add(index);
      }
      if (failure.status === 'failed') run.failed++;
      else run.outcomeUnknown++;
      await settle(index, failureOutcome(failure.status, failure.error));
      throw thrown;
    }
    leave();
    if (marking === undefined && !unmarkedWarned) {
      unmarkedWarned = true;
      process.emitWarning(
        `campaign item #${index} finished without a request that changes anything going through this client; if the task sends through another client or plain fetch, pass markSending: 'before-task' so a crash cannot lead to a second send`,
        { code: 'HERO_CAMPAIGN_UNMARKED' },
      );
    }
    run.sent++;
    await settle(index, { status: 'sent' });
    return value;
  };

  // Entered in both modes: the calls a task makes through this client are counted (callsSent) either way.
  const leaveScope = scope?.enter();
  const results = new Map<number, BulkItemResult<I, T>>();
  try {
    report(true);
    const bulk = await runBulk(feeder, (entry) => runItem(entry), {
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      signal: stop.signal,
    });
    for (const result of bulk.results) {
      if (result === undefined) continue;
      const entry = result.item;
      const mapped = { ...result, index: entry.index, item: entry.item, ...(result.status === 'failed' && actedBeforeFailure.has(entry.index) && { status: 'outcome-unknown' as const }) } as BulkItemResult<I, T>;
      results.set(entry.index, mapped);
    }
  } finally {
    leaveScope?.();
    signal?.removeEventListener('abort', onCallerAbort);
    if (refreshTimer !== undefined) clearInterval(refreshTimer);
  }
  // A claim that came back after the run stopped, and items read but never started, go back to the pool.
  await lastNext?.catch(() => undefined);
  const unstarted = claimedNotStarted.filter((index) => !started.has(index));
  if (unstarted.length > 0) await opened.release(unstarted).catch((error: unknown) => interrupt('journal', error));

  await opened.refreshCounts().catch(() => undefined);
  report(true);
  const recorded = await opened.recorded().catch(() => new Array(list.length).fill(undefined));
  const final = buildCampaignReport<I, T>({
    campaign: journal.campaign,
    journal: journal.kind,
    items: list,
    keys,
    recorded,
    thisRun: results,
    started: run.started,
    elapsedMs: performance.now() - startedAt,
  });
  if (interruption !== undefined) throw new HeroCampaignInterruptedError(interruption.source, final, interruption.cause);
  return final;
}
