/**
 * A campaign journal in Redis, shared by a fleet of workers: each worker claims items one
 * at a time with a lease it renews, marks an item `sending` (atomically, and only while it
 * still holds it) before its request leaves, and settles it. The scripts are in
 * redis-scripts.ts; why a claim script of our own rather than BullMQ or a stream consumer
 * group is in docs/campaigns.md.
 *
 * Every Redis wait is bounded: the connection and handshake by `connectTimeoutMs`, each
 * command by `commandTimeoutMs`. A journal that cannot be reached at the start is a typed
 * error and nothing is sent; one that stops answering mid-run stops the run (items in flight
 * finish, nothing new starts), and what it could not record is settled by the lease.
 */
import { randomUUID } from 'node:crypto';
import { HeroInputError, type HeroInputIssue } from '../errors.js';
import { connectRedis, describeRedisUrl, waitUntilReady, withTimeout, type RedisConnection } from '../redis/connect.js';
import { isOptionsObject, typeName } from '../validation/type-name.js';
import { HeroCampaignError, HeroCampaignJournalUnavailableError, HeroCampaignMismatchError } from './errors.js';
import {
  openCampaign,
  StatusTally,
  type CampaignCounts,
  type CampaignItemStatus,
  type CampaignJournal,
  type CampaignStatus,
  type CampaignStatusItem,
  type ItemOutcome,
  type JournalInternals,
  type OpenCampaign,
  type OpenRequest,
  type RecordedItem,
} from './journal.js';
import { checkCampaignId } from './keys.js';
import { CAMPAIGN_SCRIPTS, type CampaignScriptName } from './redis-scripts.js';

/** The part of an ioredis client the journal uses (pass your own as `client`). */
export interface CampaignRedisClient {
  /** ioredis's connection state (`ready`, `connecting`, `end`…). */
  readonly status: string;
  /** ioredis's Lua command registration; the journal defines its claim and record scripts with it. */
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
}

/** Options of {@link createRedisJournal}. */
export interface RedisJournalOptions {
  /** `redis://[user:password@]host:port[/db]`; needs `ioredis` installed. */
  redisUrl?: string;
  /** An ioredis client you made and close yourself; used instead of `redisUrl`. */
  client?: CampaignRedisClient;
  /** The campaign's id: every worker of the campaign uses the same one. No spaces or braces. */
  campaign: string;
  /**
   * How long a worker's claim on its items lasts without being renewed (it is renewed every
   * quarter of it). When a worker dies, its claimed items go to the others and the items it
   * was sending become outcome-unknown this long after its last renewal.
   * @default 10000
   */
  leaseMs?: number;
  /** Longest wait for one Redis command. @default 2000 */
  commandTimeoutMs?: number;
  /** Longest wait for the connection and handshake. @default 2000 */
  connectTimeoutMs?: number;
  /** Prefix of the campaign's Redis keys. @default 'hero:campaign:' */
  keyPrefix?: string;
  /** The campaign's keys expire this long after its last activity. @default 7776000000 (90 days) */
  retentionMs?: number;
}

const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_RETENTION_MS = 90 * 24 * 3600 * 1000;
// Keys stored per script call while loading the list (a Lua stack holds a few thousand arguments).
const LOAD_CHUNK = 500;

type Run = (...args: (string | number)[]) => Promise<unknown>;

function positiveOption(issues: HeroInputIssue[], name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    issues.push({ field: name, message: `must be a number from ${min} to ${max} (received ${typeof value === 'number' ? String(value) : typeName(value)})` });
  }
}

/**
 * A journal in Redis for a fleet of workers: `createRedisJournal({ redisUrl, campaign: 'flu-2024' })`.
 * Nothing connects until a campaign runs (or `status()` is called); each run opens its own
 * connection and closes it at the end (a `client` you pass is never closed).
 */
export function createRedisJournal(options: RedisJournalOptions): CampaignJournal {
  if (!isOptionsObject(options)) throw new HeroInputError([{ field: 'options', message: `must be an object (received ${typeName(options)})` }], 'createRedisJournal arguments');
  const issues: HeroInputIssue[] = [];
  const { redisUrl, client } = options;
  if (redisUrl === undefined && client === undefined) issues.push({ field: 'redisUrl', message: 'or `client` is needed' });
  if (redisUrl !== undefined && (typeof redisUrl !== 'string' || !/^rediss?:\/\//.test(redisUrl))) issues.push({ field: 'redisUrl', message: `must be a redis:// or rediss:// URL (received ${typeName(redisUrl)})` });
  if (client !== undefined && (typeof client !== 'object' || client === null || typeof (client as Partial<CampaignRedisClient>).defineCommand !== 'function')) {
    issues.push({ field: 'client', message: `must be an ioredis client (received ${typeName(client)})` });
  }
  positiveOption(issues, 'leaseMs', options.leaseMs, 500, 3_600_000);
  positiveOption(issues, 'commandTimeoutMs', options.commandTimeoutMs, 1, 600_000);
  positiveOption(issues, 'connectTimeoutMs', options.connectTimeoutMs, 1, 600_000);
  positiveOption(issues, 'retentionMs', options.retentionMs, 60_000, 2 ** 52);
  if (options.keyPrefix !== undefined && (typeof options.keyPrefix !== 'string' || /[{}\s]/.test(options.keyPrefix))) {
    issues.push({ field: 'keyPrefix', message: `must be a string without braces or spaces (received ${typeName(options.keyPrefix)})` });
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'createRedisJournal options');
  const campaign = checkCampaignId(options.campaign, 'createRedisJournal options');
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const retentionMs = Math.round(options.retentionMs ?? DEFAULT_RETENTION_MS);
  const base = `${options.keyPrefix ?? 'hero:campaign:'}{${campaign}}:`;
  const redisKeys = ['meta', 'keys', 'state', 'returned', 'workers', 'held'].map((name) => base + name);
  const where = redisUrl === undefined ? 'the Redis client given' : describeRedisUrl(redisUrl);

  /** A connection for one run or one status read, with the scripts defined on it. */
  async function connect(): Promise<{ run: (name: CampaignScriptName, ...args: (string | number)[]) => Promise<unknown>; close: () => Promise<void> }> {
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

  const journal: JournalInternals = {
    kind: 'redis',
    campaign,
    async status() {
      const redis = await connect();
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
    },
    async close() {
      // Each run and status read closes the connection it opened.
    },
    [openCampaign]: async (request) => {
      const redis = await connect();
      try {
        return await openRedisCampaign(redis.run, redis.close, request, { campaign, where, leaseMs, retentionMs });
      } catch (error) {
        await redis.close();
        throw error;
      }
    },
  };
  return journal;
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
