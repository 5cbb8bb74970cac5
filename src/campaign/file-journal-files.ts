/**
 * The file behind a file journal: append-only lines (file-format.ts) written with group
 * commit (append-log.ts), and a lock file beside it so two processes never run the same
 * journal at once. Opening it replays the file; a run that died leaves items `sending`,
 * which become `outcome-unknown` (recorded) before anything else happens.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { HeroInputError } from '../errors.js';
import { createAppendLog, type AppendLog, type AppendLogStats, type Durability } from './append-log.js';
import { HeroCampaignError, HeroCampaignJournalCorruptError, HeroCampaignJournalUnavailableError, HeroCampaignMismatchError } from './errors.js';
import { encodeRecord, JOURNAL_FORMAT, JOURNAL_VERSION, parseJournal, type ItemRecord, type ParsedJournal } from './file-format.js';
import { StatusTally, type CampaignStatus, type CampaignStatusItem, type ItemOutcome, type OpenCampaign, type OpenRequest, type RecordedItem } from './journal.js';

/** Knobs for the bench and tests: not part of the public options. */
export interface FileJournalInternals {
  /** 1 = one write and sync per record (what group commit is measured against). */
  readonly maxBatchLines?: number;
  /** Receives the append log's counters when the run closes. */
  readonly onClose?: (stats: AppendLogStats) => void;
}

const nowIso = (): string => new Date().toISOString();

function errorCodeOf(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function unavailable(path: string, doing: string, error: unknown): HeroCampaignJournalUnavailableError {
  const code = errorCodeOf(error);
  return new HeroCampaignJournalUnavailableError('journal-unavailable', `cannot ${doing} the campaign journal ${path}${code === undefined ? '' : ` (${code})`}; nothing was sent`, { cause: error });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCodeOf(error) === 'EPERM';
  }
}

/**
 * The lock files this process holds now (their whole content), shared by every copy of this module
 * loaded in the process (ESM and CJS builds side by side): a lock naming this process's PID that is
 * not among them was left by an earlier process with the same PID, as after a container restart.
 */
const heldLocks: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('hero.campaign.fileJournalLocks')] ??= new Set<string>()) as Set<string>;

/** Who holds a lock file, from its content (`<pid> <host> <token>`). */
function lockHolder(content: string): { pid: number; host: string; alive: boolean } {
  const [pid, host] = content.split(' ');
  const sameHost = host === hostname();
  // A lock from another machine (a shared disk) cannot be checked: count it as alive.
  if (!sameHost) return { pid: Number(pid), host: host ?? '', alive: true };
  // This very PID: alive only if this process holds it (a restarted container often runs as PID 1 again).
  const alive = Number(pid) === process.pid ? heldLocks.has(content) : isAlive(Number(pid));
  return { pid: Number(pid), host: host ?? '', alive };
}

/**
 * Removes a stale lock, but only while it still holds `stale`: two processes that both found it
 * stale would otherwise each remove it, the second removing the lock the first had just taken,
 * and both would run the journal. A guard file (`<lock>.takeover`, made exclusively) lets one of
 * them at a time compare and remove.
 */
async function removeStaleLock(path: string, lockPath: string, stale: string, token: string): Promise<void> {
  const guardPath = `${lockPath}.takeover`;
  try {
    await writeFile(guardPath, token, { flag: 'wx' });
  } catch (error) {
    if (errorCodeOf(error) !== 'EEXIST') throw unavailable(path, 'create the lock file of', error);
    throw new HeroCampaignJournalUnavailableError(
      'journal-locked',
      `another process is taking over the stale lock of the campaign journal ${path}; one process runs a file journal at a time. If no other process is starting, delete ${guardPath}. Nothing was sent`,
    );
  }
  try {
    if ((await readFile(lockPath, 'utf8').catch(() => undefined)) === stale) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(guardPath).catch(() => undefined);
  }
}

/** Takes `<journal>.lock`; returns its release. A lock whose process is gone is taken over. */
async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  const token = `${process.pid} ${hostname()} ${randomUUID()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockPath, token, { flag: 'wx' });
      heldLocks.add(token);
      return async () => {
        const content = await readFile(lockPath, 'utf8').catch(() => '');
        if (content === token) await unlink(lockPath).catch(() => undefined);
        heldLocks.delete(token);
      };
    } catch (error) {
      if (errorCodeOf(error) !== 'EEXIST') throw unavailable(path, 'create the lock file of', error);
    }
    const content = await readFile(lockPath, 'utf8').catch(() => '');
    const holder = lockHolder(content);
    if (holder.alive) {
      throw new HeroCampaignJournalUnavailableError(
        'journal-locked',
        `the campaign journal ${path} is in use by process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}; one process runs a file journal at a time (use a Redis journal for a fleet). If that process is gone, delete ${lockPath}. Nothing was sent`,
      );
    }
    // Its process is gone (killed, crashed): the lock is stale.
    await removeStaleLock(path, lockPath, content, token);
  }
  throw new HeroCampaignJournalUnavailableError('journal-locked', `could not take the lock ${lockPath}: another process keeps taking it; nothing was sent`);
}

async function readJournal(path: string): Promise<ParsedJournal | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') return undefined;
    throw unavailable(path, 'read', error);
  }
  return parseJournal(bytes);
}

/** Item states after replaying the records, by key. */
function replay(parsed: ParsedJournal, keyIndex?: ReadonlyMap<string, number>): { states: Map<string, RecordedItem>; runs: number; lastAt: string | undefined; order: string[] } {
  const states = new Map<string, RecordedItem>();
  const order: string[] = [];
  let runs = 0;
  let lastAt: string | undefined;
  parsed.records.forEach((record, i) => {
    lastAt = record.at;
    if ('t' in record) {
      runs = Math.max(runs, record.run);
      return;
    }
    if (keyIndex !== undefined && !keyIndex.has(record.k)) throw new HeroCampaignJournalCorruptError(parsed.recordLines[i]!, 'a record of an item that is not in this campaign');
    if (!states.has(record.k)) order.push(record.k);
    states.set(record.k, { status: record.s, at: record.at, ...(record.code !== undefined && { code: record.code }), ...(record.retry !== undefined && { retryable: record.retry }) });
  });
  return { states, runs, lastAt, order };
}

/** What `journal.status()` reads: the file replayed, and whether a live process holds its lock. */
export async function readFileJournalStatus(path: string): Promise<CampaignStatus> {
  const parsed = await readJournal(path);
  if (parsed?.header === undefined) {
    throw new HeroCampaignJournalUnavailableError('journal-unavailable', `there is no campaign journal at ${path} (or it holds no header yet)`);
  }
  const { header } = parsed;
  const { states, runs, lastAt, order } = replay(parsed);
  // While a live process holds the lock, its `sending` items are in flight; otherwise they were cut off.
  const holder = lockHolder(await readFile(`${path}.lock`, 'utf8').catch(() => ''));
  const live = holder.pid > 0 && holder.alive;
  const tally = new StatusTally(header.items);
  const items: CampaignStatusItem[] = order.map((key) => {
    const state = states.get(key)!;
    const shown: RecordedItem = state.status === 'sending' && !live ? { status: 'outcome-unknown', at: state.at, code: 'interrupted' } : state;
    tally.move(undefined, shown);
    return { key, ...shown };
  });
  return { campaign: header.campaign, journal: 'file', workers: live ? 1 : 0, runs, lastActivityAt: lastAt ?? header.at, ...tally.counts(), items };
}

async function syncDirectory(path: string): Promise<void> {
  // Makes a new file's directory entry durable; not possible everywhere (Windows), and then skipped.
  let handle: FileHandle | undefined;
  try {
    handle = await open(dirname(path), 'r');
    await handle.sync();
  } catch {
    // Best effort.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function openFileCampaign(path: string, campaign: string, durability: Durability, request: OpenRequest, internals: FileJournalInternals): Promise<OpenCampaign> {
  const { keys, fingerprint } = request;
  const release = await acquireLock(path);
  let handle: FileHandle | undefined;
  try {
    const parsed = await readJournal(path);
    const header = parsed?.header;
    if (header !== undefined) {
      if (header.campaign !== campaign) {
        throw new HeroCampaignMismatchError('campaign', `the journal ${path} belongs to another campaign; use its own journal file, or the campaign id it was written for. Nothing was sent`);
      }
      if (header.fingerprint !== fingerprint || header.items !== keys.length) {
        throw new HeroCampaignMismatchError(
          'items',
          `the journal ${path} was written for another list of items (${header.items} items, other keys or another order); a campaign must be resumed with the same items, in the same order. Nothing was sent`,
        );
      }
    }
    const keyIndex = new Map(keys.map((key, index) => [key, index]));
    const replayed = parsed === undefined || header === undefined ? undefined : replay(parsed, keyIndex);
    // Checks done: only now is the file changed. A torn end was never acknowledged (no request went out on it).
    if (parsed !== undefined && parsed.tornTail) {
      try {
        await truncate(path, parsed.goodLength);
      } catch (error) {
        throw unavailable(path, 'repair the torn last line of', error);
      }
    }
    try {
      handle = await open(path, 'a');
    } catch (error) {
      throw unavailable(path, 'open', error);
    }
    let failure: Error | undefined;
    const listeners: ((error: Error) => void)[] = [];
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = new HeroCampaignError('journal-write-failed', `writing the campaign journal ${path} failed${errorCodeOf(error) === undefined ? '' : ` (${errorCodeOf(error)})`}; the run stopped. Items being sent stay "sending" and become outcome-unknown when it is resumed`, { cause: error });
      for (const listener of listeners) listener(failure);
    };
    const log: AppendLog = createAppendLog(handle, durability, fail, internals.maxBatchLines);
    const write = (line: string): Promise<void> => log.append(line).catch(() => Promise.reject(failure));

    if (header === undefined) {
      try {
        await write(encodeRecord({ t: 'campaign', format: JOURNAL_FORMAT, v: JOURNAL_VERSION, campaign, fingerprint, items: keys.length, at: nowIso() }));
      } catch {
        throw unavailable(path, 'write the header of', failure?.cause);
      }
      await syncDirectory(path);
    }

    const states: (RecordedItem | undefined)[] = new Array<RecordedItem | undefined>(keys.length);
    const tally = new StatusTally(keys.length);
    for (const [key, state] of replayed?.states ?? []) {
      const index = keyIndex.get(key)!;
      states[index] = state;
      tally.move(undefined, state);
    }
    const set = (index: number, state: RecordedItem): void => {
      tally.move(states[index], state);
      states[index] = state;
    };
    const record = (index: number, fields: Omit<ItemRecord, 'k' | 'at'>): Promise<RecordedItem> => {
      const at = nowIso();
      return write(encodeRecord({ k: keys[index]!, ...fields, at })).then(() => ({ status: fields.s, at, ...(fields.code !== undefined && { code: fields.code }), ...(fields.retry !== undefined && { retryable: fields.retry }) }));
    };

    // What the last run left: items it was sending may have reached Hero. Recorded before anything else happens.
    const cutOff: Promise<void>[] = [];
    for (let index = 0; index < keys.length; index++) {
      if (states[index]?.status === 'sending') cutOff.push(record(index, { s: 'outcome-unknown', code: 'interrupted' }).then((state) => set(index, state)));
    }
    const run = (replayed?.runs ?? 0) + 1;
    try {
      await Promise.all(cutOff);
      await write(encodeRecord({ t: 'run', run, at: nowIso() }));
    } catch {
      throw unavailable(path, 'write', failure?.cause);
    }

    // This run sends what is pending and what failed in a way a new attempt can fix, in input order.
    const queue: number[] = [];
    for (let index = 0; index < keys.length; index++) {
      const state = states[index];
      if (state === undefined || (state.status === 'failed' && state.retryable === true)) queue.push(index);
    }
    let head = 0;
    const opened = handle;
    let closed = false;

    return {
      claim: async () => (head < queue.length ? queue[head++]! : 'done'),
      async markSending(index) {
        set(index, await record(index, { s: 'sending' }));
      },
      async settle(index, outcome: ItemOutcome) {
        const state = await record(index, outcome.status === 'sent' ? { s: 'sent' } : outcome.status === 'failed' ? { s: 'failed', code: outcome.code, retry: outcome.retryable } : { s: 'outcome-unknown', code: outcome.code });
        set(index, state);
      },
      async release(indexes) {
        queue.splice(head, 0, ...indexes);
      },
      recorded: async () => [...states],
      counts: () => tally.counts(),
      refreshCounts: async () => undefined,
      workers: () => 1,
      failure: () => failure,
      onFailure(listener) {
        listeners.push(listener);
      },
      async close() {
        if (closed) return;
        closed = true;
        await log.flush().catch(() => undefined);
        internals.onClose?.(log.stats());
        await opened.close().catch(() => undefined);
        await release().catch(() => undefined);
      },
    };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await release().catch(() => undefined);
    throw error instanceof HeroCampaignError || error instanceof HeroInputError ? error : unavailable(path, 'open', error);
  }
}
