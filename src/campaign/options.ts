/**
 * A campaign's options, and the test `hero.bulk` uses to tell them from a plain bulk job's.
 * Apart from run-campaign.ts so the client can tell without loading the campaign runner.
 */
import type { BulkOptions } from '../bulk.js';
import { isOptionsObject } from '../validation/type-name.js';
import type { CampaignJournal } from './journal.js';
import type { CampaignProgress } from './report.js';

/** Options of a campaign: `hero.bulk(items, task, { journal, key, … })`. */
export interface CampaignOptions<I> extends Omit<BulkOptions, 'onProgress' | 'allowedPerSecond'> {
  /** Where the campaign is recorded: `createFileJournal(path)` or `createRedisJournal({ … })`. */
  journal: CampaignJournal;
  /**
   * The item's key in the journal: unique in the list, 1 to 256 printable characters, and
   * the same for the same item on every run. The journal stores it as is: use an opaque id
   * of yours (a row id), never an NHS number, a name or a phone number.
   */
  key: (item: I) => string;
  /** Called at most every `progressIntervalMs`, and once at the end; throwing stops the run. */
  onProgress?: (progress: CampaignProgress) => void;
  /**
   * When an item is recorded `sending`: `'before-request'`, just before its first request that may
   * change something leaves through this client; `'before-task'`, before its task starts
   * (needed when the task sends through anything but this client: another client, plain fetch).
   * @default 'before-request'
   */
  markSending?: 'before-request' | 'before-task';
}

/** True when bulk options ask for a campaign (they name a journal). */
export function isCampaignOptions(options: unknown): options is CampaignOptions<unknown> {
  return isOptionsObject(options) && options.journal !== undefined;
}
