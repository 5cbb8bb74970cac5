/**
 * A campaign journal in a file, for one machine: `createFileJournal(path)` checks its
 * arguments at once; the file itself is handled by file-journal-files.ts, loaded with the
 * first run or status read, so importing the client never loads node:fs/promises or the
 * journal code (cold start).
 */
import { basename } from 'node:path';
import { HeroInputError } from '../errors.js';
import { isOptionsObject, typeName } from '../validation/type-name.js';
import type { Durability } from './append-log.js';
import type { FileJournalInternals } from './file-journal-files.js';
import { openCampaign, type CampaignJournal, type JournalInternals } from './journal.js';
import { checkCampaignId } from './keys.js';
import { lazyLoadFailed } from '../lazy-load.js';

/** Options of {@link createFileJournal}. */
export interface FileJournalOptions {
  /**
   * The campaign's id, recorded in the journal: a journal of another campaign is refused.
   * @default the file's name without its extension (`flu-2024` for `flu-2024.journal`)
   */
  campaign?: string;
  /**
   * How far each record gets before the request it covers leaves: `'fsync'` (on disk:
   * survives a power cut) or `'write'` (in the operating system's cache: survives the
   * process being killed, not the machine going down). Records are group-committed either way.
   * @default 'fsync'
   */
  durability?: Durability;
}

/** The default campaign id: the file name without its extension, reduced to the characters an id may hold. */
function campaignIdFromPath(path: string): string {
  const name = basename(path).replace(/\.[^.]*$/, '').replace(/[{}\s\p{Cc}]/gu, '-');
  return name === '' ? 'campaign' : name.slice(0, 200);
}

const loadFiles = () => import('./file-journal-files.js').catch(lazyLoadFailed('the file journal'));

/**
 * A journal in a file on this machine: `hero.bulk(items, task, { journal: createFileJournal('flu-2024.journal'), key })`.
 * Nothing is read or written until a campaign runs (or `status()` is called).
 */
export function createFileJournal(path: string, options: FileJournalOptions = {}): CampaignJournal {
  return createFileJournalWith(path, options);
}

/** {@link createFileJournal} with the bench's knobs. */
export function createFileJournalWith(path: string, options: FileJournalOptions = {}, internals: FileJournalInternals = {}): CampaignJournal {
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw new HeroInputError([{ field: 'path', message: `must be a file path (received ${typeof path === 'string' ? 'an unusable string' : typeName(path)})` }], 'createFileJournal arguments');
  }
  if (!isOptionsObject(options)) throw new HeroInputError([{ field: 'options', message: `must be an object when given (received ${typeName(options)})` }], 'createFileJournal arguments');
  const campaign = checkCampaignId(options.campaign ?? campaignIdFromPath(path), 'createFileJournal options');
  const durability = options.durability ?? 'fsync';
  if (durability !== 'fsync' && durability !== 'write') {
    throw new HeroInputError([{ field: 'durability', message: `must be 'fsync' or 'write' (received ${typeName(durability)})` }], 'createFileJournal options');
  }

  const journal: JournalInternals = {
    kind: 'file',
    campaign,
    status: async () => (await loadFiles()).readFileJournalStatus(path),
    async close() {
      // A file journal holds nothing open between runs.
    },
    [openCampaign]: async (request) => (await loadFiles()).openFileCampaign(path, campaign, durability, request, internals),
  };
  return journal;
}
