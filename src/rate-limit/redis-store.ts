/**
 * A {@link RateLimitStore} in Redis, through the `ioredis` client (an optional peer,
 * imported only when a Redis URL is configured).
 *
 * One Lua script per take keeps the fleet's schedule in one hash: a GCRA bucket at
 * the known limit or at the learned rate, the hold of the last 429, and the learned
 * curve (the same formulas as rate-curve.ts and local-schedule.ts), all on Redis's
 * clock so hosts whose clocks disagree still share one schedule. Why not
 * rate-limiter-flexible or Bottleneck's clustering: see docs/rate-limits.md.
 */
import { HeroConfigError } from '../errors.js';
import { DEFAULT_RATE_CURVE, type RateCurveParams } from './rate-curve.js';
import type { KnownLimit, RateLimitStore } from './store.js';

/** The part of an ioredis client this store uses. */
export interface RedisClientLike {
  readonly status: string;
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** Options of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** `redis://[user:password@]host:port[/db]`; needs `ioredis` installed. */
  readonly url?: string;
  /** An ioredis client you made (and close yourself); used instead of `url`. */
  readonly client?: RedisClientLike;
  /** Name of the shared limit; every process using the same key shares one schedule. */
  readonly key: string;
  /** A Redis command slower than this counts as a failure (local pacing takes over). @default 1000 */
  readonly commandTimeoutMs?: number;
  /** State of an idle limit is dropped after this long. @default 3600000 */
  readonly idleExpiryMs?: number;
}

/** What the store's Lua command returns: milliseconds to wait, `0` when taken. */
type RateCommand = (key: string, ...args: (string | number)[]) => Promise<string>;

const INSTALL_HINT = 'npm install ioredis';

// ARGV: op, known rps ('' = learn), burst, holdMs, sentAgoMs, ttlMs, then the curve:
// initialRps, doublingMs, beta, plateau, cubicScale, minRps, maxRps, startBurst, burstSeconds, additivePerSecond.
const SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local known = tonumber(ARGV[2])
local knownBurst = tonumber(ARGV[3]) or 1
local holdMs = tonumber(ARGV[4]) or 0
local sentAgo = tonumber(ARGV[5]) or 0
local ttl = tonumber(ARGV[6])
local r0, dbl, beta, plateau, cubic = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local minRps, maxRps, startBurst, burstSec, additive = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local s = redis.call('HMGET', key, 'tat', 'hold', 'epoch', 'wmax', 'episode', 'wstart', 'wcount', 'pcount')
local tat = tonumber(s[1]) or now
local hold = tonumber(s[2]) or 0
local epoch = tonumber(s[3]) or now
local wmax = tonumber(s[4]) or 0
local episode = tonumber(s[5]) or 0
local wstart = tonumber(s[6]) or now
local wcount = tonumber(s[7]) or 0
local pcount = tonumber(s[8]) or 0

local function rate_at(at)
  if known then return known end
  local dt = math.max(0, at - epoch)
  if wmax == 0 then return math.min(maxRps, r0 * 2 ^ (dt / dbl)) end
  local x = dt / 1000 - ((plateau - beta) / cubic) ^ (1 / 3)
  return math.min(maxRps, math.max(minRps, wmax * (plateau + cubic * x * x * x) + additive * dt / 1000))
end
local function roll(at)
  if at - wstart >= 2000 then pcount = 0; wcount = 0; wstart = at
  elseif at - wstart >= 1000 then pcount = wcount; wcount = 0; wstart = wstart + 1000 end
end

local result = 0
if op == 'take' then
  if hold > now then
    result = hold - now
  else
    local rate = rate_at(now)
    if rate >= maxRps then
      tat = now; roll(now); wcount = wcount + 1
    else
      local interval = 1000 / rate
      local burst = knownBurst
      if not known then
        burst = rate * burstSec
        if wmax == 0 then burst = math.max(startBurst, burst) else burst = math.max(1, burst) end
      end
      local allowed = tat - (burst - 1) * interval
      if allowed > now then
        result = allowed - now
      else
        tat = math.max(tat, now) + interval; roll(now); wcount = wcount + 1
      end
    end
  end
else
  local sentAt = now - sentAgo
  hold = math.max(hold, now + holdMs)
  if sentAt >= episode then
    episode = now
    if not known then
      roll(now)
      local span = math.min(1000, math.max(100, now - epoch))
      local count = pcount * math.max(0, 1 - (now - wstart) / 1000) + wcount
      local allowed = rate_at(sentAt)
      local ceiling = allowed / 2
      if count >= 5 then ceiling = math.min(count * 1000 / span, allowed) end
      wmax = math.max(minRps, ceiling)
      epoch = hold
    end
  end
  tat = math.max(tat, hold)
end
redis.call('HSET', key, 'tat', tostring(tat), 'hold', tostring(hold), 'epoch', tostring(epoch), 'wmax', tostring(wmax),
  'episode', tostring(episode), 'wstart', tostring(wstart), 'wcount', tostring(wcount), 'pcount', tostring(pcount))
redis.call('PEXPIRE', key, ttl)
return tostring(result)
`;

// Must match local-schedule.ts.
const START_BURST = 5;
const BURST_SECONDS = 0.1;

function curveArgs(curve: RateCurveParams): number[] {
  return [
    curve.initialRps,
    curve.doublingMs,
    curve.beta,
    curve.plateau,
    curve.cubicScale,
    curve.minRps,
    curve.maxRps,
    START_BURST,
    BURST_SECONDS,
    curve.additivePerSecond,
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
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
async function importIoredis(): Promise<new (url: string, options: Record<string, unknown>) => RedisClientLike & { connect(): Promise<void> }> {
  try {
    const module = (await import('ioredis')) as unknown as { default: unknown; Redis?: unknown };
    return (module.Redis ?? module.default) as new (url: string, options: Record<string, unknown>) => RedisClientLike & { connect(): Promise<void> };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new HeroConfigError(`sharing the rate limit through Redis needs the ioredis package, an optional peer dependency: ${INSTALL_HINT}`);
    }
    throw error;
  }
}

/**
 * Creates a shared store. Nothing connects until the first call; if Redis cannot be
 * reached then (or later), calls reject quickly and the client paces locally.
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  if (!options.key) throw new HeroConfigError('createRedisRateLimitStore needs a `key`');
  if (options.url === undefined && options.client === undefined) throw new HeroConfigError('createRedisRateLimitStore needs a `url` or a `client`');
  const timeoutMs = options.commandTimeoutMs ?? 1000;
  const ttlMs = options.idleExpiryMs ?? 3_600_000;
  const curve = curveArgs(DEFAULT_RATE_CURVE);
  const key = options.key;
  let connecting: Promise<{ client: RedisClientLike; run: RateCommand }> | undefined;
  let closed = false;

  const define = (client: RedisClientLike): RateCommand => {
    client.defineCommand('heroRateLimit', { numberOfKeys: 1, lua: SCRIPT });
    const command = (client as unknown as { heroRateLimit: RateCommand }).heroRateLimit.bind(client);
    return command;
  };

  async function connect(): Promise<{ client: RedisClientLike; run: RateCommand }> {
    if (options.client !== undefined) return { client: options.client, run: define(options.client) };
    const Redis = await importIoredis();
    const client = new Redis(options.url!, {
      lazyConnect: true,
      // Fail fast while disconnected: a queued command would stall the caller's send.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times: number) => Math.min(times * 250, 2000),
    });
    // Errors reach callers as rejected commands; an unhandled 'error' event would crash the process.
    client.on('error', () => {});
    const run = define(client);
    try {
      await client.connect();
    } catch (error) {
      // ioredis keeps reconnecting in the background; later calls use it once ready.
      void error;
    }
    return { client, run };
  }

  async function command(args: (string | number)[]): Promise<number> {
    if (closed) throw new Error('the rate-limit store is closed');
    connecting ??= connect();
    const { client, run } = await connecting;
    if (client.status !== 'ready') throw new Error(`Redis is not connected (${client.status})`);
    return Number(await withTimeout(run(key, ...args), timeoutMs));
  }

  const limitArgs = (limit: KnownLimit | undefined): (string | number)[] =>
    limit === undefined ? ['', 1] : [limit.requestsPerSecond, limit.burst];

  return {
    take: ({ limit }) => command(['take', ...limitArgs(limit), 0, 0, ttlMs, ...curve]),
    throttled: async ({ holdMs, sentAgoMs, limit }) => {
      await command(['throttle', ...limitArgs(limit), holdMs, sentAgoMs, ttlMs, ...curve]);
    },
    async close() {
      closed = true;
      if (connecting === undefined || options.client !== undefined) return;
      const { client } = await connecting.catch(() => ({ client: undefined }));
      if (client === undefined) return;
      try {
        await withTimeout(client.quit(), 1000);
      } catch {
        client.disconnect();
      }
    },
  };
}
