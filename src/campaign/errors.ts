/**
 * Errors of campaigns (bulk jobs with a journal). Those thrown at the start mean nothing
 * was sent and nothing already recorded was changed. None of them repeats an item or its
 * key: keys are meant to be opaque ids, but a caller may have used NHS numbers.
 */
import { HeroError } from '../errors.js';
import type { CampaignReport } from './report.js';

/**
 * Why a campaign could not start or go on:
 * - `journal-mismatch`: the journal was written for another campaign or another item list;
 * - `journal-corrupt`: a line in the middle of a journal file is damaged (a torn last line is not an error),
 *   or a Redis journal lost a part (an evicted key) or its parts disagree;
 * - `journal-unavailable`: the journal cannot be opened or reached (a Redis that does not answer, a file that cannot be written);
 * - `journal-locked`: another live process is running this file journal;
 * - `journal-write-failed`: a record could not be written during the run (the run stopped);
 * - `duplicate-key`: two items have the same key;
 * - `lease-lost`: this worker's lease on its claimed items ran out (a long pause, or Redis unreachable); the run stopped.
 */
export type CampaignErrorReason =
  | 'journal-mismatch'
  | 'journal-corrupt'
  | 'journal-unavailable'
  | 'journal-locked'
  | 'journal-write-failed'
  | 'duplicate-key'
  | 'lease-lost';

/** Base of the campaign errors; `reason` is stable for `switch` and metrics. */
export class HeroCampaignError extends HeroError {
  override name: string = 'HeroCampaignError';
  readonly reason: CampaignErrorReason;

  constructor(reason: CampaignErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** The journal belongs to another campaign, or to another list of items (their keys differ). Nothing was sent. */
export class HeroCampaignMismatchError extends HeroCampaignError {
  override name = 'HeroCampaignMismatchError' as const;
  /** What differs: the campaign id, or the list of keys (a fingerprint of it). */
  readonly differs: 'campaign' | 'items' | 'format';

  constructor(differs: 'campaign' | 'items' | 'format', message: string) {
    super('journal-mismatch', message);
    this.differs = differs;
  }
}

/** A journal file is damaged before its last line. Nothing was sent; the file was not changed. */
export class HeroCampaignJournalCorruptError extends HeroCampaignError {
  override name = 'HeroCampaignJournalCorruptError' as const;
  /** 1-based line number of the first damaged line. */
  readonly line: number;

  constructor(line: number, problem: string) {
    super('journal-corrupt', `the campaign journal is damaged at line ${line} (${problem}); nothing was sent. Restore it from a backup, or check what it records by hand: hero-campaign status <journal>`);
    this.line = line;
  }
}

/** The journal cannot be opened or reached at the start (or is in use by another live process). Nothing was sent. */
export class HeroCampaignJournalUnavailableError extends HeroCampaignError {
  override name = 'HeroCampaignJournalUnavailableError' as const;
}

/** Two items share a key. Nothing was sent. Names the positions, never the key. */
export class HeroCampaignDuplicateKeyError extends HeroCampaignError {
  override name = 'HeroCampaignDuplicateKeyError' as const;
  /** 0-based positions in the input of the first two items with the same key. */
  readonly indexes: readonly [number, number];
  /** How many items repeat an earlier key. */
  readonly duplicates: number;

  constructor(first: number, second: number, duplicates: number) {
    super(
      'duplicate-key',
      `items #${first} and #${second} have the same key (${duplicates} item(s) repeat an earlier key); each item of a campaign needs its own key. Nothing was sent`,
    );
    this.indexes = [first, second];
    this.duplicates = duplicates;
  }
}

/** Which of the caller's callbacks, or which journal failure, ended a campaign run early. */
export type CampaignInterruptionSource = 'onProgress' | 'journal';

/**
 * A campaign run ended early: `onProgress` threw, or the journal failed (a write, Redis, the
 * worker's lease; `cause` is the {@link HeroCampaignError}). Nothing was started after that;
 * the items in flight were awaited, and {@link report} covers every item of the campaign.
 * Run the campaign again to resume it.
 */
export class HeroCampaignInterruptedError<I = unknown, T = unknown> extends HeroError {
  override name = 'HeroCampaignInterruptedError' as const;
  readonly source: CampaignInterruptionSource;
  readonly report: CampaignReport<I, T>;

  constructor(source: CampaignInterruptionSource, report: CampaignReport<I, T>, cause: unknown) {
    const why = source === 'onProgress' ? 'its onProgress callback threw' : `the journal failed (${cause instanceof Error ? cause.message : 'unknown error'})`;
    super(
      `the campaign run stopped because ${why}; this run started ${report.thisRun.started} item(s) (${report.thisRun.sent} sent, ${report.thisRun.failed} failed, ` +
        `${report.thisRun.outcomeUnknown} outcome unknown), all in \`report\`. Run it again to resume`,
      { cause },
    );
    this.source = source;
    this.report = report;
  }
}
