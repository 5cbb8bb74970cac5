/**
 * A {@link WebhookDeliveryStore} in Redis through `ioredis` (an optional peer, imported only
 * when this store is created from a URL), shared by every receiver of a fleet. Each step is
 * one Lua script on one key, so it is atomic and works on Redis Cluster; the claim is a
 * `SET NX PX` (the lease), completion rewrites the key as `done` with a longer expiry.
 */
import { HeroConfigError } from '../../errors.js';
import type { DeliveryClaim, WebhookDeliveryStore } from './delivery-store.js';
import { importIoredis, withTimeout, type WebhookRedisClient } from './redis-client.js';

/** Options of {@link createRedisWebhookStore}. */
export interface RedisWebhookStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`); needs `ioredis` installed. Never logged. */
  readonly url?: string;
  /** An ioredis client you made (and close yourself); used instead of `url`. */
  readonly client?: Omit<WebhookRedisClient, 'connect'>;
  /**
   * Prefix of every key; receivers that must share deliveries use the same one.
   * @default 'hero:webhook:'
   */
  readonly keyPrefix?: string;
  /**
   * A Redis command slower than this fails (the delivery is answered 503, or handled without
   * the store under `onStoreUnavailable: 'handle'`).
   * @default 1000
   */
  readonly commandTimeoutMs?: number;
  /**
   * Longest wait for the connection and handshake (TCP, TLS, AUTH, ready check).
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
}

const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == 'done' then return 2 end
return 3`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
// A lapsed lease nobody took is completed too: the handler did run.
const COMPLETE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

type Script = (key: string, ...args: (string | number)[]) => Promise<number>;
interface Scripts {
  readonly client: Omit<WebhookRedisClient, 'connect'>;
  readonly claim: Script;
  readonly renew: Script;
  readonly complete: Script;
  readonly release: Script;
}

// Node fires a longer timer after 1 ms: every command would fail at once.
const MAX_TIMER_MS = 2_147_483_647;

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new HeroConfigError(`createRedisWebhookStore: ${name} must be a positive number of milliseconds, at most ${MAX_TIMER_MS}`);
  }
  return value;
}

/**
 * Creates the shared store. Nothing connects until the first delivery; when Redis cannot be
 * reached then or later, each step rejects within `commandTimeoutMs` (at once while
 * disconnected: commands are not queued), and ioredis reconnects in the background.
 */
export function createRedisWebhookStore(options: RedisWebhookStoreOptions): WebhookDeliveryStore {
  if (typeof options !== 'object' || options === null || (options.url === undefined && options.client === undefined)) {
    throw new HeroConfigError('createRedisWebhookStore needs a `url` or a `client`');
  }
  if (options.url !== undefined && (typeof options.url !== 'string' || options.url === '')) {
    throw new HeroConfigError('createRedisWebhookStore: `url` must be a non-empty redis:// URL string');
  }
  if (options.client !== undefined && (typeof options.client !== 'object' || options.client === null || typeof options.client.defineCommand !== 'function')) {
    throw new HeroConfigError('createRedisWebhookStore: `client` must be an ioredis client');
  }
  if (options.url !== undefined && (typeof options.url !== 'string' || !/^rediss?:\/\//i.test(options.url))) {
    throw new HeroConfigError('createRedisWebhookStore: url must start with redis:// or rediss://');
  }
  const commandTimeoutMs = positive(options.commandTimeoutMs, 1000, 'commandTimeoutMs');
  const connectTimeoutMs = positive(options.connectTimeoutMs, 2000, 'connectTimeoutMs');
  const prefix = options.keyPrefix ?? 'hero:webhook:';
  let connecting: Promise<Scripts> | undefined;
  let closed = false;

  const define = (client: Omit<WebhookRedisClient, 'connect'>): Scripts => {
    const bind = (name: string, lua: string): Script => {
      client.defineCommand(name, { numberOfKeys: 1, lua });
      return (client as unknown as Record<string, Script>)[name]!.bind(client);
    };
    return {
      client,
      claim: bind('heroWebhookClaim', CLAIM),
      renew: bind('heroWebhookRenew', RENEW),
      complete: bind('heroWebhookComplete', COMPLETE),
      release: bind('heroWebhookRelease', RELEASE),
    };
  };

  async function connect(): Promise<Scripts> {
    if (options.client !== undefined) return define(options.client);
    const Redis = await importIoredis();
    const client = new Redis(options.url!, {
      lazyConnect: true,
      // A queued command would hold the delivery open while Redis is away; fail at once instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: connectTimeoutMs,
      commandTimeout: commandTimeoutMs,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    });
    // Failures reach deliveries as rejected commands; an unhandled 'error' event would end the process.
    client.on('error', () => {});
    const scripts = define(client);
    try {
      await withTimeout(client.connect(), connectTimeoutMs, 'connect');
    } catch {
      // ioredis keeps reconnecting in the background; later deliveries use it once ready.
    }
    return scripts;
  }

  async function run(step: Exclude<keyof Scripts, 'client'>, key: string, args: (string | number)[]): Promise<number> {
    if (closed) throw new Error('the webhook store is closed');
    connecting ??= connect();
    const scripts = await withTimeout(connecting, Math.min(connectTimeoutMs + commandTimeoutMs, MAX_TIMER_MS), 'connect');
    if (options.client === undefined && scripts.client.status !== 'ready') throw new Error(`Redis is not connected (${scripts.client.status})`);
    return Number(await withTimeout(scripts[step](`${prefix}${key}`, ...args), commandTimeoutMs, step));
  }

  return {
    async claim(key, token, leaseMs): Promise<DeliveryClaim> {
      const answer = await run('claim', key, [token, Math.ceil(leaseMs)]);
      return answer === 1 ? 'claimed' : answer === 2 ? 'done' : 'processing';
    },
    renew: async (key, token, leaseMs) => (await run('renew', key, [token, Math.ceil(leaseMs)])) === 1,
    complete: async (key, token, doneTtlMs) => (await run('complete', key, [token, Math.ceil(doneTtlMs)])) === 1,
    release: async (key, token) => (await run('release', key, [token])) === 1,
    async close() {
      closed = true;
      if (connecting === undefined || options.client !== undefined) return;
      const scripts = await connecting.catch(() => undefined);
      if (scripts === undefined) return;
      try {
        await withTimeout(scripts.client.quit(), 1000, 'quit');
      } catch {
        scripts.client.disconnect();
      }
    },
  };
}
