/**
 * What a campaign journal is, to the runner and to its readers. Two implementations:
 * a file on one machine (file-journal.ts) and Redis for a fleet (redis-journal.ts).
 *
 * Each item of a campaign goes pending → sending → sent / failed / outcome-unknown, and
 * `sending` is recorded, durably, before the item's request leaves. So after a crash an
 * item recorded `sending` may have reached Hero and is never sent again: it becomes
 * `outcome-unknown`, for a person to check. A journal holds the keys the caller chose,
 * statuses, times and error codes: nothing else of the items.
 */

/** An item's status in the journal. */
export type CampaignItemStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'outcome-unknown';

/** One item as the journal records it. */
export interface CampaignStatusItem {
  readonly key: string;
  readonly status: CampaignItemStatus;
  /** When the status was recorded (ISO 8601); absent for `pending`. */
  readonly at?: string;
  /**
   * `failed` and `outcome-unknown`: what ended it, e.g. `HeroValidationError 400`,
   * `HeroTimeoutError`, `interrupted` (the run died while it was being sent), `lease-expired`
   * (its worker died). An error's name and HTTP status, never a message.
   */
  readonly code?: string;
  /** `failed`: whether resuming the campaign sends it again (a throttle that ran out: yes; a 400: no). */
  readonly retryable?: boolean;
}

/** Counts of a campaign's items by status. */
export interface CampaignCounts {
  readonly total: number;
  readonly sent: number;
  readonly failed: number;
  /** Of `failed`, those a resumed run sends again. */
  readonly retryableFailed: number;
  readonly outcomeUnknown: number;
  /** Being sent now by a live run or worker. */
  readonly sending: number;
  /** Not started yet (claimed by a worker but not sent counts here too). */
  readonly pending: number;
}

/** What `journal.status()` and `hero-campaign status` report. */
export interface CampaignStatus extends CampaignCounts {
  readonly campaign: string;
  readonly journal: 'file' | 'redis';
  /** Live workers (Redis: leases not expired; file: 1 while a process runs it). */
  readonly workers: number;
  /** Runs started so far. */
  readonly runs: number;
  /** Time of the last record (ISO 8601), when known. */
  readonly lastActivityAt: string | undefined;
  /**
   * Every item recorded, in input order when the journal knows it (Redis), else in the order
   * first recorded (file; items never started are not listed there, only counted in `pending`).
   * `sending` items of a run that is no longer alive are shown as `outcome-unknown`.
   */
  readonly items: readonly CampaignStatusItem[];
}

/**
 * Where a campaign is recorded: `createFileJournal(path)` or `createRedisJournal({ … })`.
 * Pass it to `hero.bulk(items, task, { journal, key })`.
 */
export interface CampaignJournal {
  readonly kind: 'file' | 'redis';
  /** The campaign's id. */
  readonly campaign: string;
  /** Reads the campaign's state without running anything (what `hero-campaign status` prints). */
  status(): Promise<CampaignStatus>;
  /** Closes what the journal opened (a Redis connection it made). A campaign run closes its own handles itself. */
  close(): Promise<void>;
}

/** How an item ended, to be recorded. */
export type ItemOutcome =
  | { readonly status: 'sent' }
  | { readonly status: 'failed'; readonly code: string; readonly retryable: boolean }
  | { readonly status: 'outcome-unknown'; readonly code: string };

/** What the runner asks a journal to open. */
export interface OpenRequest {
  /** The campaign's keys, in input order, checked (unique, printable). */
  readonly keys: readonly string[];
  /** Fingerprint of the campaign id and keys. */
  readonly fingerprint: string;
}

/** An item the journal recorded before this run, by index. */
export interface RecordedItem {
  readonly status: Exclude<CampaignItemStatus, 'pending'>;
  readonly at: string;
  readonly code?: string;
  readonly retryable?: boolean;
}

/** A campaign opened for one run of one worker. */
export interface OpenCampaign {
  /**
   * The next item (by index) this worker should run; `'wait'` when none is free now but other
   * workers hold items that may come back; `'done'` when nothing is left to start.
   */
  claim(): Promise<number | 'wait' | 'done'>;
  /** Records `sending`, durably; rejects (and the item must not be sent) when that fails or the claim was lost. */
  markSending(index: number): Promise<void>;
  /** Records how the item ended. */
  settle(index: number, outcome: ItemOutcome): Promise<void>;
  /** Gives back items claimed but never started (a cancelled run). */
  release(indexes: readonly number[]): Promise<void>;
  /** Every item's recorded state, in input order (`undefined` = pending). */
  recorded(): Promise<readonly (RecordedItem | undefined)[]>;
  /** Campaign-wide counts as last read (synchronous, for progress). */
  counts(): CampaignCounts;
  /** Reads the counts again (Redis: the fleet's); a no-op for a file. */
  refreshCounts(): Promise<void>;
  /** Live workers as last read. */
  workers(): number;
  /** Set when the run must stop (a write failed, the lease was lost); the runner polls it. */
  failure(): Error | undefined;
  /** Subscribes to {@link failure} being set. */
  onFailure(listener: (error: Error) => void): void;
  /** Ends this worker's part: flushes, releases the lease or lock. Never throws. */
  close(): Promise<void>;
}

/** How the runner opens a journal; not part of the public type. */
export const openCampaign: unique symbol = Symbol('hero.openCampaign');

/** A journal as the runner sees it. */
export interface JournalInternals extends CampaignJournal {
  [openCampaign](request: OpenRequest): Promise<OpenCampaign>;
}

/** True for a journal made by `createFileJournal` or `createRedisJournal`. */
export function isCampaignJournal(value: unknown): value is JournalInternals {
  return typeof value === 'object' && value !== null && typeof (value as Partial<JournalInternals>)[openCampaign] === 'function';
}

/** Counts kept up to date as items change status (a full recount per progress report would be O(n)). */
export class StatusTally {
  private sent = 0;
  private failed = 0;
  private retryableFailed = 0;
  private outcomeUnknown = 0;
  private sending = 0;

  constructor(private readonly total: number) {}

  /** Moves one item from `before` (`undefined` = pending) to `after`. */
  move(before: Pick<RecordedItem, 'status' | 'retryable'> | undefined, after: Pick<RecordedItem, 'status' | 'retryable'> | undefined): void {
    this.add(before, -1);
    this.add(after, 1);
  }

  private add(state: Pick<RecordedItem, 'status' | 'retryable'> | undefined, by: number): void {
    if (state === undefined) return;
    if (state.status === 'sent') this.sent += by;
    else if (state.status === 'failed') {
      this.failed += by;
      if (state.retryable === true) this.retryableFailed += by;
    } else if (state.status === 'outcome-unknown') this.outcomeUnknown += by;
    else if (state.status === 'sending') this.sending += by;
  }

  counts(): CampaignCounts {
    const { total, sent, failed, retryableFailed, outcomeUnknown, sending } = this;
    return { total, sent, failed, retryableFailed, outcomeUnknown, sending, pending: total - sent - failed - outcomeUnknown - sending };
  }
}

/** Counts from per-item states. */
export function countStatuses(states: Iterable<Pick<RecordedItem, 'status' | 'retryable'> | undefined>, total: number): CampaignCounts {
  const tally = new StatusTally(total);
  for (const state of states) tally.move(undefined, state);
  return tally.counts();
}
