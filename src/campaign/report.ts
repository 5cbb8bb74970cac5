/**
 * The report of a campaign run: every item of the campaign, settled in this run or an
 * earlier one (or by another worker), in input order, in the journal's vocabulary.
 */
import type { BulkItemResult } from '../bulk.js';
import type { HeroError } from '../errors.js';
import type { CampaignItemStatus, RecordedItem } from './journal.js';
import { failureOutcome } from './outcome.js';

interface ItemBase<I> {
  /** Position in the campaign's item list (0-based). */
  readonly index: number;
  readonly item: I;
  /** The item's key in the journal. */
  readonly key: string;
  /** When the journal recorded the status (ISO 8601); absent for `pending`, and when this run could not record it. */
  readonly at?: string;
}

/** One item of a campaign. `thisRun` tells whether its outcome came from this run. */
export type CampaignItemResult<I, T> =
  /** Sent in this run; `value` is what the task returned. */
  | (ItemBase<I> & { readonly status: 'sent'; readonly thisRun: true; readonly value: T })
  /** Sent in an earlier run or by another worker (what the task returned then is not kept). */
  | (ItemBase<I> & { readonly status: 'sent'; readonly thisRun: false })
  /**
   * Hero did not act on it. `retryable`: resuming the campaign sends it again (a throttle
   * that ran out, a cancelled run…); otherwise (a 400, a 404) it is left for a person.
   */
  | (ItemBase<I> & { readonly status: 'failed'; readonly thisRun: boolean; readonly code: string; readonly retryable: boolean; readonly error?: HeroError })
  /** Hero may have acted on it: check before sending again. `code` says why (`interrupted`: the run died while it was being sent). */
  | (ItemBase<I> & { readonly status: 'outcome-unknown'; readonly thisRun: boolean; readonly code: string; readonly error?: HeroError })
  /** Being sent by another worker right now. */
  | (ItemBase<I> & { readonly status: 'sending'; readonly thisRun: false })
  /** Not sent yet: this run was cancelled or stopped first, or another worker holds it. */
  | (ItemBase<I> & { readonly status: 'pending'; readonly thisRun: false });

/** What this run did. */
export interface CampaignRunCounts {
  /** Items this worker started in this run. */
  readonly started: number;
  readonly sent: number;
  readonly failed: number;
  readonly outcomeUnknown: number;
}

/** A campaign's state at the end of a run, over all its items. */
export interface CampaignReport<I, T> {
  readonly campaign: string;
  readonly journal: 'file' | 'redis';
  /** Every item of the campaign, in input order. */
  readonly results: readonly CampaignItemResult<I, T>[];
  readonly total: number;
  readonly sent: number;
  readonly failed: number;
  /** Of `failed`, those a resumed run sends again. */
  readonly retryableFailed: number;
  /** Items to check by hand before sending again (`hero-campaign export <id> --outcome-unknown`). */
  readonly outcomeUnknown: number;
  /** Being sent by other workers when the report was made. */
  readonly sending: number;
  /** Not sent yet. */
  readonly pending: number;
  /** True when no item is pending or being sent (failed items may still be retryable). */
  readonly complete: boolean;
  readonly thisRun: CampaignRunCounts;
  readonly elapsedMs: number;
}

/** Campaign progress: the whole campaign (the fleet's, with a Redis journal), not just this worker. */
export interface CampaignProgress {
  readonly campaign: string;
  readonly total: number;
  /** Items settled: sent + failed + outcome unknown, in all runs and workers. */
  readonly done: number;
  readonly sent: number;
  readonly failed: number;
  readonly outcomeUnknown: number;
  /** Being sent now. */
  readonly sending: number;
  /** Items not settled: total − done. */
  readonly remaining: number;
  /** Items settled per second over the last few seconds, across the fleet. */
  readonly perSecond: number;
  /** Estimated time to finish, ms, when progress is being made. */
  readonly etaMs: number | undefined;
  /** Workers with a live lease (1 for a file journal). */
  readonly workers: number;
  /** Sending rate this client's controller allows now (requests/s), when known. */
  readonly allowedPerSecond: number | undefined;
  /** What this worker did in this run. */
  readonly thisRun: CampaignRunCounts;
  readonly elapsedMs: number;
}

/** Builds the report from what the journal holds and what this run saw. */
export function buildCampaignReport<I, T>(input: {
  readonly campaign: string;
  readonly journal: 'file' | 'redis';
  readonly items: readonly I[];
  readonly keys: readonly string[];
  readonly recorded: readonly (RecordedItem | undefined)[];
  readonly thisRun: ReadonlyMap<number, BulkItemResult<I, T>>;
  readonly started: number;
  readonly elapsedMs: number;
}): CampaignReport<I, T> {
  const { items, keys, recorded, thisRun } = input;
  const results: CampaignItemResult<I, T>[] = new Array(items.length);
  const count: Record<CampaignItemStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, 'outcome-unknown': 0 };
  let retryableFailed = 0;
  const run = { sent: 0, failed: 0, outcomeUnknown: 0 };
  for (let index = 0; index < items.length; index++) {
    const base = { index, item: items[index]!, key: keys[index]! };
    const own = thisRun.get(index);
    const rec = recorded[index];
    const at = rec?.at === undefined ? {} : { at: rec.at };
    let result: CampaignItemResult<I, T>;
    if (own !== undefined && own.status !== 'cancelled') {
      if (own.status === 'succeeded') {
        result = { ...base, ...at, status: 'sent', thisRun: true, value: own.value };
        run.sent++;
      } else {
        const outcome = failureOutcome(own.status, own.error);
        result =
          outcome.status === 'failed'
            ? { ...base, ...at, status: 'failed', thisRun: true, code: outcome.code, retryable: outcome.retryable, error: own.error }
            : { ...base, ...at, status: 'outcome-unknown', thisRun: true, code: outcome.status === 'outcome-unknown' ? outcome.code : '', error: own.error };
        if (own.status === 'failed') run.failed++;
        else run.outcomeUnknown++;
      }
    } else if (rec === undefined) {
      result = { ...base, status: 'pending', thisRun: false };
    } else if (rec.status === 'sent') {
      result = { ...base, ...at, status: 'sent', thisRun: false };
    } else if (rec.status === 'failed') {
      result = { ...base, ...at, status: 'failed', thisRun: false, code: rec.code ?? '', retryable: rec.retryable === true };
    } else if (rec.status === 'outcome-unknown') {
      result = { ...base, ...at, status: 'outcome-unknown', thisRun: false, code: rec.code ?? '' };
    } else {
      result = { ...base, ...at, status: 'sending', thisRun: false };
    }
    results[index] = result;
    count[result.status]++;
    if (result.status === 'failed' && result.retryable) retryableFailed++;
  }
  return {
    campaign: input.campaign,
    journal: input.journal,
    results,
    total: items.length,
    sent: count.sent,
    failed: count.failed,
    retryableFailed,
    outcomeUnknown: count['outcome-unknown'],
    sending: count.sending,
    pending: count.pending,
    complete: count.pending === 0 && count.sending === 0,
    thisRun: { started: input.started, ...run },
    elapsedMs: input.elapsedMs,
  };
}
