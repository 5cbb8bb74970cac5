/**
 * The Redis store itself, imported (with ioredis and the Lua script) only on the first
 * call of a store made by `createRedisRateLimitStore` (redis-store.ts).
 *
 * Every wait on Redis is bounded by `commandTimeoutMs`: the first connect and its
 * handshake (a Redis that accepts the connection and never answers, one still
 * `LOADING` its data, one answering `-ERR`, a stopped redis-server) as well as each
 * command. Past it the call rejects, the client paces locally (and warns once), and a
 * later call connects afresh. `close()` never waits on a connect that has not finished.
 */
import { randomUUID } from 'node:crypto';
import { HeroConfigError, HeroError } from '../errors.js';
import { RATE_LIMIT_SCRIPT, scriptParams } from './redis-script.js';
import { clusterSlotPrefix, type CheckedRedisOptions, type RedisClientLike } from './redis-options.js';
import type { KnownLimit, RateLimitStore } from './store.js';

/** What the store's Lua command returns: milliseconds to wait (`0` when taken), or for a throttle `1` when it was evidence. */
type RateCommand = (key: string, waitingKey: string, sentKey: string, ...args: (string | number)[]) => Promise<string>;

type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClientLike & { connect(): Promise<void> };

const INSTALL_HINT = 'npm install ioredis';

// A process that has not asked again this long after the time it was told is no longer
// waiting (it exited, its calls were cancelled, or it is at its in-flight cap): its place
// in the fleet's queue goes. At least this, or four of the store's round trips.
const WAITING_GRACE_MS = 50;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HeroError(`Redis did not ${what} within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Imports ioredis, or says how to install it. */
async function importIoredis(): Promise<RedisConstructor> {
  try {
    const module = (await import('ioredis')) as unknown as { default: unknown; Redis?: unknown };
    return (module.Redis ?? module.default) as RedisConstructor;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new HeroConfigError(`sharing the rate limit through Redis needs the ioredis package, an optional peer dependency: ${INSTALL_HINT}`);
    }
    throw error;
  }
}

/** The store over checked options; connects on its first command. */
export function connectRedisStore(options: CheckedRedisOptions): RateLimitStore {
  const { key, commandTimeoutMs: timeoutMs, idleExpiryMs: ttlMs } = options;
  const params = scriptParams();
  // This process's name in the fleet's queue of waiting calls.
  const processId = randomUUID();
  // Every key in one hash slot (Redis Cluster runs a script only on keys of one slot).
  const slotted = clusterSlotPrefix(key);
  const waitingKey = `${slotted}:waiting`;
  const sentKey = `${slotted}:sent`;
  // Smoothed round trip of the script, ms: the fleet queue's grace grows with it.
  let roundTripMs = 0;
  let client: (RedisClientLike & { connect?: () => Promise<void> }) | undefined;
  let run: RateCommand | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  const define = (redis: RedisClientLike): RateCommand => {
    redis.defineCommand('heroRateLimit', { numberOfKeys: 3, lua: RATE_LIMIT_SCRIPT });
    return (redis as unknown as { heroRateLimit: RateCommand }).heroRateLimit.bind(redis);
  };

  async function connect(): Promise<void> {
    if (options.client !== undefined) {
      client = options.client;
      run = define(options.client);
      return;
    }
    const Redis = await importIoredis();
    if (closed) throw new HeroError('the shared store is closed');
    const redis = new Redis(options.url!, {
      lazyConnect: true,
      // Fail fast while disconnected: a queued command would stall the caller's send.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: timeoutMs,
      retryStrategy: (times: number) => Math.min(times * 250, 2000),
    });
    // Errors reach callers as rejected commands; an unhandled 'error' event would crash the process.
    redis.on('error', () => {});
    client = redis;
    run = define(redis);
    try {
      // The connect and its handshake (ioredis's ready check), bounded like a command.
      await withTimeout(redis.connect(), timeoutMs, 'complete the connection');
    } catch (error) {
      // Give up this connection; the next call (the controller retries every few seconds) starts afresh.
      redis.disconnect();
      client = undefined;
      run = undefined;
      throw error instanceof HeroError ? error : new HeroError('could not connect to Redis');
    }
  }

  async function command(args: (string | number)[]): Promise<number> {
    if (closed) throw new HeroError('the shared store is closed');
    if (run === undefined || client === undefined) {
      connecting ??= connect().finally(() => (connecting = undefined));
      await connecting;
    }
    if (client === undefined || run === undefined || client.status !== 'ready') throw new HeroError(`Redis is not connected (${client?.status ?? 'closed'})`);
    const startedAt = performance.now();
    const answer = Number(await withTimeout(run(key, waitingKey, sentKey, ...args), timeoutMs, 'answer'));
    roundTripMs = 0.8 * roundTripMs + 0.2 * (performance.now() - startedAt);
    return answer;
  }

  // ARGV 1–4, then the parameters; the script reads what follows them from AFTER_PARAMS (redis-script.ts).
  const head = (op: string, limit: KnownLimit | undefined): (string | number)[] =>
    limit === undefined ? [op, '', 1, ttlMs, ...params] : [op, limit.requestsPerSecond, limit.burst, ttlMs, ...params];

  return {
    take: ({ limit, waitedMs = 0, roundTripMs: heroRoundTripMs = 0 }) =>
      command([
        ...head('take', limit),
        processId,
        Number.isFinite(waitedMs) ? Math.max(0, waitedMs) : 0,
        Math.max(WAITING_GRACE_MS, 4 * roundTripMs),
        Number.isFinite(heroRoundTripMs) ? Math.max(0, heroRoundTripMs) : 0,
      ]),
    throttled: async ({ sentAgoMs, limit }) => {
      // On the script's clock the send was granted about half a round trip before the
      // process sent it, and the report takes half a round trip to arrive.
      await command([...head('throttle', limit), sentAgoMs + roundTripMs]);
    },
    async close() {
      closed = true;
      const open = client;
      client = undefined;
      run = undefined;
      if (open === undefined || options.client !== undefined) return;
      if (open.status !== 'ready') {
        open.disconnect();
        return;
      }
      try {
        await withTimeout(open.quit(), timeoutMs, 'close the connection');
      } catch {
        open.disconnect();
      }
    },
  };
}
