/**
 * A {@link RateLimitStore} in Redis, through the `ioredis` client (an optional peer,
 * imported only when a Redis URL is configured).
 *
 * One Lua script per take keeps the fleet's schedule in one hash: a GCRA bucket at
 * the known limit or at the learned rate, the hold of the last 429, and what was
 * learned (the same formulas as learned-rate.ts and local-schedule.ts), all on Redis's
 * clock so hosts whose clocks disagree still share one schedule. Why not
 * rate-limiter-flexible or Bottleneck's clustering: see docs/rate-limits.md.
 */
import { randomUUID } from 'node:crypto';
import { HeroConfigError } from '../errors.js';
import { DEFAULT_LEARNED_RATE, MIN_APART_MS, MIN_POINT_MS, MIN_STRETCH_MS, type LearnedRateParams } from './learned-rate.js';
import { KNOWN_BACKOFF, KNOWN_FLOOR, KNOWN_RECOVERY_PER_SECOND } from './known-limit.js';
import { RECENT_SENDS } from './recent-sends.js';
import { IDLE_RESET_MS, LEARNED_BURST_SECONDS, START_BURST } from './local-schedule.js';
import type { KnownLimit, RateLimitStore } from './store.js';

/** The part of an ioredis client this store uses. */
export interface RedisClientLike {
  /** ioredis's connection state (`ready`, `end`…). */
  readonly status: string;
  /** Registers the store's Lua script as a command (ioredis `defineCommand`). */
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  /** Closes the connection after pending commands. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
  /** Listens for connection errors (ioredis emits them; unheard, Node would throw). */
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
type RateCommand = (key: string, waitingKey: string, sentKey: string, ...args: (string | number)[]) => Promise<string>;

const INSTALL_HINT = 'npm install ioredis';

// A process that has not asked again this long after the time it was told is no longer
// waiting (it exited, its calls were cancelled, or it is at its in-flight cap): its place
// in the fleet's queue goes. At least this, or four of the store's round trips.
const WAITING_GRACE_MS = 50;

// KEYS: the schedule's hash, the hash of waiting processes, the list of recent send times (same hash slot).
// ARGV: op, known rps ('' = learn), burst, holdMs, sentAgoMs, ttlMs, then the learning
// parameters and the known limit's margin (see learningArgs), then for 'take' the process id, how long its oldest
// call has waited and the grace of the fleet's queue; for 'throttle', '1' for a 429 or '0' for a 503 with
// Retry-After (ARGV[32], read as `rateLimited`). Mirrors local-schedule.ts, learned-rate.ts, known-limit.ts and recent-sends.ts line for line.
const SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local known = tonumber(ARGV[2])
local knownBurst = tonumber(ARGV[3]) or 1
local holdMs = tonumber(ARGV[4]) or 0
local sentAgo = tonumber(ARGV[5]) or 0
local ttl = tonumber(ARGV[6])
local r0, dbl, fbeta, climb, margin, plateau = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local plin, pcub, backoff, contention, shareInc, shareBeta = tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[17]), tonumber(ARGV[18])
local ceilFrac, minRps, maxRps, startBurst, burstSec, idleMs = tonumber(ARGV[19]), tonumber(ARGV[20]), tonumber(ARGV[21]), tonumber(ARGV[22]), tonumber(ARGV[23]), tonumber(ARGV[24])
local minStretch, minPoint, minApart = tonumber(ARGV[25]), tonumber(ARGV[26]), tonumber(ARGV[27])
local kBackoff, kFloor, kRecovery, recentMax = tonumber(ARGV[28]), tonumber(ARGV[29]), tonumber(ARGV[30]), tonumber(ARGV[31])
local grace = tonumber(ARGV[34]) or ${WAITING_GRACE_MS}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local s = redis.call('HMGET', key, 'tat', 'hold', 'episode', 'epoch', 'bound', 'est', 'pms', 'psent', 'cont', 'ssent', 'last', 'kf', 'kcut')
local tat = tonumber(s[1]) or now
local hold = tonumber(s[2]) or 0
local episode = tonumber(s[3]) or -1
local epoch = tonumber(s[4]) or now
local bound = tonumber(s[5]) or 0
local est = tonumber(s[6]) or 0
local pms = tonumber(s[7]) or 0
local psent = tonumber(s[8]) or 0
local cont = tonumber(s[9]) or 0
local ssent = tonumber(s[10]) or 0
local last = tonumber(s[11]) or -1
local kf = tonumber(s[12]) or 1
local kcut = tonumber(s[13]) or 0

-- known-limit.ts: knownFactorAt()
local function known_factor(at)
  if kf >= 1 then return 1 end
  return math.min(1, kf + kRecovery * math.max(0, at - kcut) / 1000)
end

-- learned-rate.ts: probe(), learnedRateAt()
local function probe(ms)
  if ms <= 0 then return 0 end
  local x = ms / 1000
  return plin * x + pcub * x * x * x
end
local function rate_at(at)
  if known then return known * known_factor(at) end
  local dt = math.max(0, at - epoch)
  local r
  if bound == 0 then r = r0 * 2 ^ (dt / dbl)
  elseif cont == 1 then r = bound * shareBeta + shareInc * dt / 1000
  elseif est == 0 then r = bound * (fbeta + (1 - fbeta) * math.min(1, dt / climb) + probe(dt - climb))
  else r = est * (margin + probe(dt - plateau)) end
  return math.min(maxRps, math.max(minRps, r))
end
-- learned-rate.ts: learnFromThrottle()
local function learn(stretch, sent, rb)
  local measurable = stretch >= minStretch and sent >= 2
  local measured = rb
  if measurable then measured = sent * 1000 / stretch end
  local b = math.max(minRps, math.min(measured, rb))
  epoch = hold
  if cont == 1 or ((not measurable) and bound > 0) or (est > 0 and measured < est * contention) then
    bound = math.max(minRps, rb); est = 0; cont = 1
    return
  end
  if not measurable then
    bound = math.max(minRps, rb * backoff)
    return
  end
  local floor = ceilFrac * rb
  if math.min(stretch, pms) >= minPoint and math.abs(stretch - pms) >= math.max(minApart, 0.2 * math.max(stretch, pms)) then
    local slope = (sent - psent) * 1000 / (stretch - pms)
    if slope < 0.5 * b then
      bound = math.max(minRps, rb); est = 0; cont = 1
      return
    end
    est = math.max(minRps, math.min(rb, math.max(math.min(slope, b), floor)))
    bound = b; pms = stretch; psent = sent; cont = 0
    return
  end
  if est > 0 then
    est = math.max(minRps, math.min(rb, est * margin * margin))
    bound = b; pms = stretch; psent = sent; cont = 0
    return
  end
  bound = b
  if stretch >= pms then pms = stretch; psent = sent end
end

-- recent-sends.ts: the times of the last sends, to count those after a throttled one.
local skey = KEYS[3]
local function note_send()
  redis.call('RPUSH', skey, tostring(now))
  redis.call('LTRIM', skey, -recentMax, -1)
  redis.call('PEXPIRE', skey, ttl)
end
-- Trusted only when the list holds every send of the stretch (ssent of them since
-- epoch): a process of an older version grants sends without recording them.
local function count_after(at)
  local times = redis.call('LRANGE', skey, -recentMax, -1)
  local after, since = 0, 0
  for i = #times, 1, -1 do
    local t = tonumber(times[i])
    if t < epoch then break end
    since = since + 1
    if t > at then after = after + 1 end
  end
  if since == ssent then return after end
  return nil
end

local result = 0
if op == 'take' then
  -- The fleet's oldest waiting call goes first: each process registers how long its
  -- head has waited; a process that stopped asking (past the time it was told, plus
  -- grace) is dropped until it asks again.
  local wkey = KEYS[2]
  local pid = ARGV[32]
  local enq = now - (tonumber(ARGV[33]) or 0)
  local older = false
  local others = {}
  local waiting = redis.call('HGETALL', wkey)
  for i = 1, #waiting, 2 do
    local e, x = string.match(waiting[i + 1], '^([^:]+):([^:]+)$')
    e = tonumber(e); x = tonumber(x)
    if e == nil or x == nil or now > x + grace then
      if waiting[i] ~= pid then redis.call('HDEL', wkey, waiting[i]) end
    elseif waiting[i] == pid then
      -- A process's place never moves back: even one that under-reports its wait is served in the end.
      enq = math.min(enq, e)
    else
      others[#others + 1] = e
    end
  end
  for i = 1, #others do
    if others[i] < enq then older = true end
  end
  if hold > now then
    result = hold - now
  else
    if not known and now - math.max(last, hold) >= math.max(idleMs, 2000 / rate_at(now)) then epoch = now; ssent = 0; cont = 0 end
    local rate = rate_at(now)
    if rate >= maxRps then
      tat = now; ssent = ssent + 1; last = now
      if not known then note_send() end
    else
      local interval = 1000 / rate
      local burst = knownBurst
      if not known then
        local floor = 1
        if bound == 0 then floor = startBurst end
        burst = math.max(floor, rate * burstSec)
      end
      local allowed = tat - (burst - 1) * interval
      if allowed > now then
        result = allowed - now
      elseif older then
        result = interval
      else
        tat = math.max(tat, now) + interval; ssent = ssent + 1; last = now
        if not known then note_send() end
      end
    end
  end
  if result > 0 then
    redis.call('HSET', wkey, pid, tostring(enq) .. ':' .. tostring(now + result))
    redis.call('PEXPIRE', wkey, ttl)
  else
    redis.call('HDEL', wkey, pid)
  end
else
  local sentAt = now - sentAgo
  local rateLimited = ARGV[32] ~= '0'
  hold = math.max(hold, now + holdMs)
  if not known then
    if sentAt >= episode and sentAt >= epoch then
      episode = now
      local rb = rate_at(sentAt)
      local after = count_after(sentAt)
      if after == nil then
        local pace = math.min(rb, ssent * 1000 / math.max(1, now - epoch))
        after = math.floor(pace * (now - sentAt) / 1000 + 0.5)
      end
      learn(sentAt - epoch, math.max(0, ssent - after), rb)
    else
      epoch = math.max(epoch, hold)
    end
    ssent = 0
  elseif rateLimited and sentAt >= episode then
    -- known-limit.ts: cutKnownMargin()
    episode = now
    kf = math.max(kFloor, known_factor(now) * kBackoff); kcut = now
  end
  tat = math.max(tat, hold)
end
redis.call('HSET', key, 'tat', tostring(tat), 'hold', tostring(hold), 'episode', tostring(episode), 'epoch', tostring(epoch),
  'bound', tostring(bound), 'est', tostring(est), 'pms', tostring(pms), 'psent', tostring(psent), 'cont', tostring(cont),
  'ssent', tostring(ssent), 'last', tostring(last), 'kf', tostring(kf), 'kcut', tostring(kcut))
redis.call('PEXPIRE', key, ttl)
return tostring(result)
`;

function learningArgs(p: LearnedRateParams): number[] {
  return [
    p.initialRps,
    p.doublingMs,
    p.firstBeta,
    p.climbMs,
    p.margin,
    p.plateauMs,
    p.probePerSecond,
    p.probeCubic,
    p.backoff,
    p.contention,
    p.shareIncreaseRps,
    p.shareBeta,
    p.ceilingFraction,
    p.minRps,
    p.maxRps,
    START_BURST,
    LEARNED_BURST_SECONDS,
    IDLE_RESET_MS,
    MIN_STRETCH_MS,
    MIN_POINT_MS,
    MIN_APART_MS,
    KNOWN_BACKOFF,
    KNOWN_FLOOR,
    KNOWN_RECOVERY_PER_SECOND,
    RECENT_SENDS,
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
 * A prefix for the store's other keys that puts them in `key`'s Redis Cluster hash slot
 * (a script may only touch keys of one slot). Redis hashes only a key's hash tag: the
 * text between its first `{` and the first `}` after it, when that is not empty; else
 * the whole key. A key with a tag keeps it; one without is wrapped in braces, which
 * is the same slot unless the key itself holds a `}` (then no prefix can match it).
 */
export function clusterSlotPrefix(key: string): string {
  if (key === '') throw new HeroConfigError('the rate-limit key is empty');
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  if (close > open + 1) return key;
  if (key.includes('}')) throw new HeroConfigError('the rate-limit key contains "}" without a Redis hash tag ({…}); use a key without "}", or one with a non-empty {tag}');
  return `{${key}}`;
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
  const curve = learningArgs(DEFAULT_LEARNED_RATE);
  const key = options.key;
  // This process's name in the fleet's queue of waiting calls.
  const processId = randomUUID();
  // Both keys in one hash slot (Redis Cluster runs a script only on keys of one slot).
  const slotted = clusterSlotPrefix(key);
  const waitingKey = `${slotted}:waiting`;
  const sentKey = `${slotted}:sent`;
  // Smoothed round trip of the script, ms: the fleet queue's grace grows with it.
  let roundTripMs = 0;
  let connecting: Promise<{ client: RedisClientLike; run: RateCommand }> | undefined;
  let closed = false;

  const define = (client: RedisClientLike): RateCommand => {
    client.defineCommand('heroRateLimit', { numberOfKeys: 3, lua: SCRIPT });
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
    const startedAt = performance.now();
    const answer = Number(await withTimeout(run(key, waitingKey, sentKey, ...args), timeoutMs));
    roundTripMs = 0.8 * roundTripMs + 0.2 * (performance.now() - startedAt);
    return answer;
  }

  const limitArgs = (limit: KnownLimit | undefined): (string | number)[] =>
    limit === undefined ? ['', 1] : [limit.requestsPerSecond, limit.burst];

  return {
    take: ({ limit, waitedMs = 0 }) =>
      command(['take', ...limitArgs(limit), 0, 0, ttlMs, ...curve, processId, Number.isFinite(waitedMs) ? Math.max(0, waitedMs) : 0, Math.max(WAITING_GRACE_MS, 4 * roundTripMs)]),
    throttled: async ({ holdMs, sentAgoMs, limit, rateLimited = true }) => {
      // On the script's clock the send was granted a round trip before `now - sentAgoMs`
      // (half before the permit reached the process, half for this report to arrive).
      // Half of it is taken off: sends granted to others in the other half still count
      // as before it, but a send granted right at a hold's end is not moved before it.
      await command(['throttle', ...limitArgs(limit), holdMs, sentAgoMs + roundTripMs / 2, ttlMs, ...curve, rateLimited ? '1' : '0']);
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
