/**
 * The Redis side of a campaign journal (redis-journal.ts checks the options): a connection
 * per run or status read with the claim and record scripts (redis-scripts.ts) defined on it,
 * the snapshot behind `status()`, and one worker's open campaign with its renewed lease.
 * Every Redis wait is bounded by `connectTimeoutMs` or `commandTimeoutMs`.
 */
import { randomUUID } from 'node:crypto';
import { connectRedis, waitUntilReady, withTimeout, type RedisConnection } from '../redis/connect.js';
import { HeroCampaignError, HeroCampaignJournalUnavailableError, HeroCampaignMismatchError } from './errors.js';
import {
  StatusTally,
  type CampaignCounts,
  type CampaignItemStatus,
  type CampaignStatus,
  type CampaignStatusItem,
  type ItemOutcome,
  type OpenCampaign,
  type OpenRequest,
  type RecordedItem,
} from './journal.js';
import { CAMPAIGN_SCRIPTS, type CampaignScriptName } from './redis-scripts.js';

/** The part of an ioredis client the journal uses (pass your own as `client`). */
export interface CampaignRedisClient {
  /** ioredis's connection state (`ready`, `connecting`, `end`…). */
  readonly status: string;
  /** ioredis's Lua command registration; the journal defines its claim and record scripts with it. */
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
}

/** A journal's checked options, as the store needs them. */
export interface RedisJournalSettings {
  readonly redisUrl: string | undefined;
  readonly client: CampaignRedisClient | undefined;
  readonly campaign: string;
  readonly leaseMs: number;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly retentionMs: number;
  /** meta, keys, state, returned, workers, held */
  readonly redisKeys: readonly string[];
  /** The Redis named in messages, without credentials. */
  readonly where: string;
}

// Keys stored per script call while loading the list (a Lua stack holds a few thousand arguments).
const LOAD_CHUNK = 500;

type Run = (...args: (string | number)[]) => Promise<unknown>;

/** A connection for one run or one status read, with the scripts defined on it. */
async function connect(settings: RedisJournalSettings): Promise<{ run: (name: CampaignScriptName, ...args: (string | number)[]) => Promise<unknown>; close: () => Promise<void> }> {
  const { client, redisUrl, connectTimeoutMs, commandTimeoutMs, redisKeys, where } = settings;
  let connection: RedisConnection | undefined;
  let target: CampaignRedisClient;
  try {
    if (client !== undefined) {
      target = client;
      await waitUntilReady(client as unknown as RedisConnection, connectTimeoutMs);
    } else {
      connection = await connectRedis(redisUrl!, { timeoutMs: connectTimeoutMs, purpose: 'a Redis campaign journal' });
      target = connection as unknown as CampaignRedisClient;
    }
  } catch (error) {
    if (error instanceof HeroCampaignError || (error as { name?: unknown }).name === 'HeroConfigError') throw error;
    throw new HeroCampaignJournalUnavailableError('journal-unavailable', `the Redis campaign journal at ${where} cannot be reached (${error instanceof Error ? error.message : 'unknown error'}); nothing was sent`, { cause: error });
  }
  const commands = target as unknown as Record<string, Run>;
  for (const [name, lua] of Object.entries(CAMPAIGN_SCRIPTS)) if (typeof commands[name] !== 'function') target.defineCommand(name, { numberOfKeys: 6, lua });
  return {
    run: (name, ...args) => withTimeout(commands[name]!.call(target, ...redisKeys, ...args), commandTimeoutMs, `the Redis campaign journal's ${name.replace('heroCampaign', '').toLowerCase()} command`),
    close: async () => {
      if (connection === undefined) return;
      try {
        await withTimeout(connection.quit(), 1000, 'closing the Redis connection');
      } catch {
        connection.disconnect();
      }
    },
  };
}

/** What `journal.status()` reads: the snapshot script's view of the campaign. */
export async function readRedisJournalStatus(settings: RedisJournalSettings): Promise<CampaignStatus> {
  const { campaign, where } = settings;
    const redis = await connect(settings);
    try {
      const snapshot = await readSnapshot(redis.run);
      if (snapshot.meta.fp === undefined) throw new HeroCampaignJournalUnavailableError('journal-unavailable', `there is no campaign ${campaign} in the Redis journal at ${where}`);
      const tally = new StatusTally(snapshot.total);
      const items: CampaignStatusItem[] = snapshot.keys.map((key, index) => {
        const state = snapshot.states[index];
        tally.move(undefined, state);
        return state === undefined ? { key, status: 'pending' as const } : { key, ...state };
      });
      return {
        campaign,
        journal: 'redis',
        workers: snapshot.liveWorkers,
        runs: Number(snapshot.meta.run ?? 0),
        lastActivityAt: snapshot.meta.lastAt ? new Date(Number(snapshot.meta.lastAt)).toISOString() : undefined,
        ...tally.counts(),
        items,
      } satisfies CampaignStatus;
    } finally {
      await redis.close();
    }
  }

/** Opens the campaign for one run of this worker, on a connection of its own. */
export async function openRedisJournal(settings: RedisJournalSettings, request: OpenRequest): Promise<OpenCampaign> {
  const { campaign, where, leaseMs, retentionMs } = settings;
    const redis = await connect(settings);
    try {
      return await openRedisCampaign(redis.run, redis.close, request, { campaign, where, leaseMs, retentionMs });
    } catch (error) {
      await redis.close();
      throw error;
    }
  }

/** What the snapshot script returns, decoded. A dead worker's items are shown as reaping will leave them. */
interface Snapshot {
  readonly meta: Record<string, string>;
  readonly total: number;
  readonly liveWorkers: number;
  readonly keys: readonly string[];
  readonly states: readonly (RecordedItem | undefined)[];
}

function pairs(flat: unknown): Map<string, string> {
  const list = Array.isArray(flat) ? (flat as unknown[]).map(String) : [];
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list[i]!, list[i + 1]!);
  return map;
}

async function readSnapshot(run: (name: CampaignScriptName, ...args: (string | number)[]) => Promise<unknown>): Promise<Snapshot> {
  const [nowText, metaFlat, workersFlat, stateFlat, keyList] = (await run('heroCampaignSnapshot')) as [string, unknown, unknown, unknown, unknown];
  const now = Number(nowText);
  const meta = Object.fromEntries(pairs(metaFlat));
  const workers = pairs(workersFlat);
  const live = new Set([...workers].filter(([, expiry]) => Number(expiry) >= now).map(([id]) => id));
  const keys = Array.isArray(keyList) ? (keyList as unknown[]).map(String) : [];
  const total = Number(meta.n ?? keys.length);
  const states: (RecordedItem | undefined)[] = new Array<RecordedItem | undefined>(total);
  for (const [index, value] of pairs(stateFlat)) {
    const [status, atMs, worker, code, retry] = value.split('|');
    const at = new Date(Number(atMs)).toISOString();
    // `claimed` is still pending: a live worker will send it, a dead one's goes back to the others.
    let shown: RecordedItem | undefined;
    if (status === 'sending') shown = live.has(worker!) ? { status: 'sending', at } : { status: 'outcome-unknown', at, code: 'lease-expired' };
    else if (status === 'sent' || status === 'failed' || status === 'outcome-unknown') {
      shown = { status: status as Exclude<CampaignItemStatus, 'pending' | 'sending'>, at, ...(code ? { code } : {}), ...(status === 'failed' && { retryable: retry === '1' }) };
    }
    states[Number(index)] = shown;
  }
  return { meta, total, liveWorkers: live.size, keys, states };
}

interface OpenContext {
  readonly campaign: string;
  readonly where: string;
  readonly leaseMs: number;
  readonly retentionMs: number;
}

async function openRedisCampaign(
  run: (name: CampaignScriptName, ...args: (string | number)[]) => Promise<unknown>,
  closeConnection: () => Promise<void>,
  request: OpenRequest,
  context: OpenContext,
): Promise<OpenCampaign> {
  const { keys, fingerprint } = request;
  const { leaseMs, retentionMs, where } = context;
  const worker = randomUUID();
  const unavailable = (doing: string, error: unknown): HeroCampaignJournalUnavailableError =>
    new HeroCampaignJournalUnavailableError('journal-unavailable', `the Redis campaign journal at ${where} failed while ${doing} (${error instanceof Error ? error.message : 'unknown error'}); nothing was sent`, { cause: error });

  let opened: string[];
  try {
    opened = ((await run('heroCampaignOpen', fingerprint, keys.length, worker, leaseMs, retentionMs)) as unknown[]).map(String);
  } catch (error) {
    throw unavailable('opening the campaign', error);
  }
  if (opened[0] === 'mismatch') {
    throw new HeroCampaignMismatchError(
      'items',
      `the Redis journal of campaign ${context.campaign} was written for another list of items (${opened[1]} items, other keys or another order); every worker and every run must use the same items in the same order. Nothing was sent`,
    );
  }
  if (opened[0] === 'damaged') {
    throw new HeroCampaignError(
      'journal-corrupt',
      `the Redis journal of campaign ${context.campaign} at ${where} is missing records or its ${opened[1]} key disagrees with the others (evicted under memory pressure, expired or deleted); it cannot say what was sent. Nothing was sent. Run that Redis with maxmemory-policy noeviction, and check what the journal records by hand: hero-campaign status ${context.campaign} --redis-url …`,
    );
  }
  // Store the key list (each worker stores what is missing; a chunk already stored is skipped).
  let loaded = Number(opened[1]);
  try {
    while (loaded < keys.length) {
      const stored = Number(await run('heroCampaignLoad', fingerprint, loaded, ...keys.slice(loaded, loaded + LOAD_CHUNK)));
      if (stored < 0) throw new Error('the campaign was replaced while loading its keys');
      loaded = stored;
    }
  } catch (error) {
    await run('heroCampaignLeave', worker, retentionMs).catch(() => undefined);
    throw unavailable('storing the item keys', error);
  }

  let failure: Error | undefined;
  const listeners: ((error: Error) => void)[] = [];
  const fail = (error: Error): void => {
    if (failure !== undefined) return;
    failure = error;
    for (const listener of listeners) listener(error);
  };
  const lost = (): HeroCampaignError =>
    new HeroCampaignError('lease-lost', `this worker's lease on campaign ${context.campaign} ran out (a pause longer than ${leaseMs} ms, or Redis out of reach); the items it held went to other workers, and the run stopped`);
  const commandFailed = (doing: string, error: unknown): HeroCampaignError =>
    new HeroCampaignError('journal-unavailable', `the Redis campaign journal at ${where} failed while ${doing} (${error instanceof Error ? error.message : 'unknown error'}); the run stopped`, { cause: error });

  let counts: CampaignCounts = { total: keys.length, sent: 0, failed: 0, retryableFailed: 0, outcomeUnknown: 0, sending: 0, pending: keys.length };
  let liveWorkers = 1;
  const refreshCounts = async (): Promise<void> => {
    const c = ((await run('heroCampaignCounts')) as unknown[]).map(Number);
    const [total = keys.length, sent = 0, failed = 0, retryableFailed = 0, outcomeUnknown = 0, sending = 0, , live = 0] = c;
    counts = { total, sent, failed, retryableFailed, outcomeUnknown, sending, pending: total - sent - failed - outcomeUnknown - sending };
    liveWorkers = live;
  };
  await refreshCounts().catch(() => undefined);

  // The lease is renewed every quarter of it; a renewal refused means the others took our items.
  let lastRenewedAt = performance.now();
  const heartbeat = setInterval(() => {
    run('heroCampaignHeartbeat', worker, leaseMs, retentionMs).then(
      (answer) => {
        if (answer === 'lost') fail(lost());
        else lastRenewedAt = performance.now();
      },
      (error: unknown) => {
        if (performance.now() - lastRenewedAt > leaseMs) fail(commandFailed('renewing the lease', error));
      },
    );
  }, Math.max(100, Math.floor(leaseMs / 4)));
  heartbeat.unref();
  let closed = false;

  return {
    async claim() {
      let answer: string[];
      try {
        answer = ((await run('heroCampaignClaim', worker, leaseMs)) as unknown[]).map(String);
      } catch (error) {
        const failed = commandFailed('claiming an item', error);
        fail(failed);
        throw failed;
      }
      if (answer[0] === 'item') {
        lastRenewedAt = performance.now();
        return Number(answer[1]);
      }
      if (answer[0] === 'lost') {
        const error = lost();
        fail(error);
        throw error;
      }
      return answer[0] === 'wait' ? 'wait' : 'done';
    },
    async markSending(index) {
      let answer: unknown;
      try {
        answer = await run('heroCampaignMark', worker, index);
      } catch (error) {
        const failed = commandFailed('recording an item as sending', error);
        fail(failed);
        throw failed;
      }
      if (answer !== 'ok') {
        const error = lost();
        fail(error);
        throw error;
      }
    },
    async settle(index, outcome: ItemOutcome) {
      const code = outcome.status === 'sent' ? '' : outcome.code;
      const retry = outcome.status === 'failed' && outcome.retryable ? '1' : '0';
      try {
        await run('heroCampaignSettle', worker, index, outcome.status, code, retry);
      } catch (error) {
        const failed = commandFailed('recording how an item ended', error);
        fail(failed);
        throw failed;
      }
    },
    async release(indexes) {
      if (indexes.length === 0) return;
      await run('heroCampaignRelease', worker, ...indexes);
    },
    async recorded() {
      const snapshot = await readSnapshot(run);
      return snapshot.states;
    },
    counts: () => counts,
    refreshCounts,
    workers: () => liveWorkers,
    failure: () => failure,
    onFailure(listener) {
      listeners.push(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      await run('heroCampaignLeave', worker, retentionMs).catch(() => undefined);
      await closeConnection();
    },
  };
}
