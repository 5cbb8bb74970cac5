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
 *
 * This file checks the options at once; the connection, scripts and runs are in
 * redis-journal-store.ts, loaded with the first run or status read (cold start).
 */
import { HeroInputError, type HeroInputIssue } from '../errors.js';
import { describeRedisUrl } from '../redis/connect.js';
import { isOptionsObject, typeName } from '../validation/type-name.js';
import { openCampaign, type CampaignJournal, type JournalInternals } from './journal.js';
import { checkCampaignId } from './keys.js';
import { lazyLoadFailed } from '../lazy-load.js';
import type { CampaignRedisClient, RedisJournalSettings } from './redis-journal-store.js';

export type { CampaignRedisClient } from './redis-journal-store.js';

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

const loadStore = () => import('./redis-journal-store.js').catch(lazyLoadFailed('the Redis journal'));

const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_RETENTION_MS = 90 * 24 * 3600 * 1000;

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
  const settings: RedisJournalSettings = { redisUrl, client, campaign, leaseMs, commandTimeoutMs, connectTimeoutMs, retentionMs, redisKeys, where };

  const journal: JournalInternals = {
    kind: 'redis',
    campaign,
    status: async () => (await loadStore()).readRedisJournalStatus(settings),
    async close() {
      // Each run and status read closes the connection it opened.
    },
    [openCampaign]: async (request) => (await loadStore()).openRedisJournal(settings, request),
  };
  return journal;
}
