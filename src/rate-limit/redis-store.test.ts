/**
 * The shared store against a real redis-server (started here on a free port, stopped by
 * PID). Skips loudly where redis-server is not installed; under CI it must run.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient } from '../index.js';
import { findClosedPort, startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { runScript } from '../../test/helpers/run-script.js';
import { HeroConfigError } from '../errors.js';
import { defaultRateLimitKey } from './options.js';
import { cutKnownMargin, FULL_KNOWN_MARGIN } from './known-limit.js';
import { DEFAULT_LEARNED_RATE, EMPTY_LEVEL, learnFromEpisode, START_BUCKETS_PER_SECOND, stepFor } from './learned-rate.js';
import { RATE_LIMIT_SCRIPT, scriptParams } from './redis-script.js';
import { createRedisRateLimitStore } from './redis-store.js';
import { clusterSlotPrefix } from './redis-options.js';
import type { RateLimitStore } from './store.js';

const skipReason = redisUnavailableReason();
const API_KEY = 'hk_test_redis_9f3b2c7d1e8a4f60';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipReason !== undefined)('Redis rate-limit store (real redis-server)', () => {
  let redis: RedisServer;
  let inspect: Redis;
  let api: FaultServer;
  const stores: RateLimitStore[] = [];
  const store = (key: string): RateLimitStore => {
    const created = createRedisRateLimitStore({ url: redis.url, key });
    stores.push(created);
    return created;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    inspect = new Redis(redis.url);
    api = await startFaultServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    inspect.disconnect();
    await api.close();
    await redis.stop();
  });
  beforeEach(async () => {
    await inspect.flushall();
    api.reset();
  });

  it('gives two processes one bucket at a known limit: the burst is shared, not doubled', async () => {
    const a = store('shared-known');
    const b = store('shared-known');
    const limit = { requestsPerSecond: 1, burst: 3 };
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.push(await a.take({ limit }));
      waits.push(await b.take({ limit }));
    }

    expect(waits.filter((w) => w === 0)).toHaveLength(3);
    expect(waits.slice(3).every((w) => w > 900)).toBe(true);
  });

  it("serves the fleet's oldest waiting call first, and forgets a process that stopped asking", async () => {
    const young = store('fifo');
    const old = store('fifo');
    const limit = { requestsPerSecond: 20, burst: 1 };
    expect(await young.take({ limit, waitedMs: 0 })).toBe(0);
    // The bucket is empty: the old call is told when to come back, and takes its place in the queue.
    const wait = await old.take({ limit, waitedMs: 1000 });
    expect(wait).toBeGreaterThan(0);
    await sleep(wait + 5);
    // The slot is free, but it belongs to the older call: the younger process is refused...
    expect(await young.take({ limit, waitedMs: 10 })).toBeGreaterThan(0);
    // ...and the older one gets it.
    expect(await old.take({ limit, waitedMs: 1100 })).toBe(0);

    // A process that stops asking (it exited, its calls were cancelled) holds nobody up for long.
    expect(await old.take({ limit, waitedMs: 5000 })).toBeGreaterThan(0);
    await sleep(200);
    expect(await young.take({ limit, waitedMs: 10 })).toBe(0);
  });

  it('never livelocks when processes under-report how long they waited: the first to ask keeps its place', async () => {
    const a = store('fifo-zero');
    const b = store('fifo-zero');
    const limit = { requestsPerSecond: 50, burst: 1 };
    let taken = 0;
    const deadline = Date.now() + 2000;
    // Both always say "waited 0"; a place that moved back on every ask would refuse both forever.
    while (taken < 20 && Date.now() < deadline) {
      for (const s of [a, b]) {
        const wait = await s.take({ limit, waitedMs: 0 });
        if (wait === 0) taken++;
      }
      await sleep(5);
    }
    expect(taken).toBe(20);
  });

  /** Takes `n` sends from `from` (waiting as told), reporting each as refused when `refuse(i)` says so; returns the 429 reports' answers. */
  async function sendAs(from: RateLimitStore, n: number, refuse: (i: number) => boolean, limit?: { requestsPerSecond: number; burst: number }): Promise<void> {
    for (let i = 0; i < n; ) {
      const wait = await from.take({ limit });
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      const sentAt = performance.now();
      await sleep(2);
      if (refuse(i)) await from.throttled({ sentAgoMs: performance.now() - sentAt, limit });
      i++;
    }
  }

  it('shares nothing but the limit: a stray 429 changes nothing for the fleet, and other keys stay apart', async () => {
    const a = store('stray');
    const other = store('another-limit');
    await sendAs(a, 40, (i) => i === 20);
    const state = await inspect.hgetall('stray');
    expect(state.unl).toBe('1');
    expect(await a.take({ limit: undefined })).toBe(0);
    expect(await other.take({ limit: undefined })).toBe(0);
    // The 429 is marked on the send it belongs to, nothing else.
    expect((await inspect.lrange('{stray}:sent', 0, -1)).filter((t) => t.endsWith('!'))).toHaveLength(1);
  });

  it("judges 429s on the fleet's sends: most of one process's recent sends refused starts slow start for every process", async () => {
    const a = store('fleet-evidence');
    const b = store('fleet-evidence');
    await sendAs(a, 10, () => false);
    await sendAs(b, 8, () => true);
    const state = await inspect.hgetall('fleet-evidence');
    expect(state.unl).toBe('0');
    // What got through before the bucket ran dry, unpaced: the bucket, and slow start from two of it a second.
    expect(Number(state.bkt)).toBe(10);
    const start = Math.min(DEFAULT_LEARNED_RATE.startRps, START_BUCKETS_PER_SECOND * 10);
    // (Plus a step for each send taken after it: slow start grows by sending.)
    expect(Number(state.rps)).toBeGreaterThanOrEqual(start);
    expect(Number(state.rps)).toBeLessThan(start + 8 * stepFor(DEFAULT_LEARNED_RATE.startDoublingMs));
    // Both processes are paced now.
    const waits = [await a.take({ limit: undefined }), await b.take({ limit: undefined }), await a.take({ limit: undefined })];
    expect(waits.some((w) => w > 0)).toBe(true);
  });

  /**
   * Runs the script's 'throttle' op at a fixed `now` (the script reads Redis's clock
   * otherwise) on a prepared state and list of sends, and returns the state it leaves.
   */
  async function throttleAt(key: string, state: Record<string, string>, sends: readonly string[], sentAt: number, now: number): Promise<Record<string, string>> {
    await inspect.del(key, `{${key}}:sent`);
    await inspect.hset(key, state);
    await inspect.rpush(`{${key}}:sent`, ...sends);
    const script = RATE_LIMIT_SCRIPT.replace('local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000', `local now = ${now}`);
    await inspect.eval(script, 3, key, `{${key}}:waiting`, `{${key}}:sent`, 'throttle', '', 1, 3_600_000, ...scriptParams(), now - sentAt);
    return inspect.hgetall(key);
  }

  it('learns as learned-rate.ts does from the same sends: the Lua script mirrors learnFromEpisode and fitLimit', async () => {
    const t0 = 1_800_000_000_000;
    // The unpaced start: 12 through, then refused; slow start from the evidence at +84.
    const start = Array.from({ length: 20 }, (_, i) => t0 + i * 4);
    const startList = start.map((t, i) => `${t}${i >= 12 ? '!' : ''}`);
    // Slow start from +84: accepted every ~25 ms, then refusals from the 36th send on.
    const slow = Array.from({ length: 40 }, (_, i) => t0 + 90 + i * 20 - i * i * 0.12);
    const slowList = slow.map((t, i) => `${t}${i >= 35 && i < 39 ? '!' : ''}`);
    const state = { tat: String(t0), ep: String(t0 + 84), unl: '0', fit: '0', rps: '120', dbl: '300', flat: String(t0 + 84), bkt: '12', empty: String(t0 + 84), sf: String(t0), st: String(t0 + 84), quiet: '8', kf: '1', kcut: '0' };
    const now = slow[39]! + 3;
    const lua = await throttleAt('mirror', state, [...startList, ...slowList], slow[39]!, now);

    const learned = learnFromEpisode(
      { unlimited: false, fitted: false, rps: 120, doublingMs: 300, flatUntil: t0 + 84, bucket: 12, emptyAt: t0 + 84, quietMs: 8 },
      { times: slow, refused: slow.map((_, i) => i >= 35), startAt: t0 + 84, startLevel: EMPTY_LEVEL },
      slow[35]!,
      now,
      { times: start, refused: start.map((_, i) => i >= 12) },
    );
    expect(lua.fit).toBe('1');
    expect(Number(lua.rps)).toBeCloseTo(learned.rps, 6);
    expect(Number(lua.bkt)).toBeCloseTo(learned.bucket, 6);
    expect(Number(lua.quiet)).toBeCloseTo(learned.quietMs, 3);

    // Fitted, then a short stretch with most sends refused: what got through since, and at least a tenth slower.
    const fitted = { ...state, fit: '1', rps: String(learned.rps), bkt: String(learned.bucket), ep: String(now), empty: String(now), sf: '', st: '', quiet: String(learned.quietMs) };
    const short = Array.from({ length: 12 }, (_, i) => now + 10 + i * 15);
    const shortList = short.map((t, i) => `${t}${i >= 8 && i < 11 ? '!' : ''}`);
    const later = short[11]! + 2;
    const lua2 = await throttleAt('mirror', fitted, [...startList, ...slowList.map((v) => v.replace(/!$/, '')), ...shortList], short[11]!, later);
    const learned2 = learnFromEpisode(
      { ...learned },
      { times: short, refused: short.map((_, i) => i >= 8), startAt: now, startLevel: EMPTY_LEVEL },
      short[8]!,
      later,
    );
    expect(Number(lua2.rps)).toBeCloseTo(learned2.rps, 6);
    expect(Number(lua2.rps)).toBeLessThan(learned.rps);
  });

  it('at a known limit, evidence moves the fleet a few per cent under it once per episode, as known-limit.ts does', async () => {
    const a = store('known-margin');
    const b = store('known-margin');
    const limit = { requestsPerSecond: 50, burst: 8 };
    await sendAs(a, 10, () => false, limit);
    // One refusal: stray, nothing moves.
    await sendAs(b, 10, (i) => i === 3, limit);
    expect(Number((await inspect.hgetall('known-margin')).kf)).toBe(1);
    await sendAs(b, 8, () => true, limit);
    const first = await inspect.hgetall('known-margin');
    expect(Number(first.kf)).toBeCloseTo(cutKnownMargin(FULL_KNOWN_MARGIN, 0).factor, 9);
    // Pacing follows it: each send moves the schedule on by 1000 / (50 × factor) ms, not 20
    // (Redis keeps times to a tenth of a millisecond).
    await sleep(300);
    expect(await a.take({ limit })).toBe(0);
    const tat1 = Number(await inspect.hget('known-margin', 'tat'));
    expect(await a.take({ limit })).toBe(0);
    const tat2 = Number(await inspect.hget('known-margin', 'tat'));
    const factor = Number((await inspect.hgetall('known-margin')).kf);
    expect(tat2 - tat1).toBeGreaterThan(20 / factor - 0.15);
    expect(tat2 - tat1).toBeLessThanOrEqual(20 / factor + 0.15);
  });

  it('keys the shared limit by practice group and a fingerprint of the API key, never the key itself', async () => {
    const hero = createHeroClient({ apiKey: API_KEY, practiceGroupId: '4242', baseUrl: api.url, env: { HERO_RATE_LIMIT_REDIS_URL: redis.url } });
    await hero.raw.GET('/v1/me/capabilities');
    // A send with patient data, at the learned rate (so the send times are kept too).
    await hero.messages.send({ patient_id: '156', message_type: 'sms', message_string: 'private words 9434765919' });
    await hero.close();
    expect(api.requests).toHaveLength(2);

    const key = defaultRateLimitKey(API_KEY, '4242');
    expect(key).toMatch(/^hero:rate:4242:[0-9a-f]{16}$/);
    // The schedule, and the times of recent sends (recent-sends.ts): numbers only.
    expect((await inspect.keys('*')).sort()).toEqual([key, `{${key}}:sent`].sort());
    const sent = await inspect.lrange(`{${key}}:sent`, 0, -1);
    expect(sent).toHaveLength(2);
    expect(sent.every((time) => /^[0-9.]+$/.test(time))).toBe(true);
    const everything = JSON.stringify([await inspect.keys('*'), await inspect.hgetall(key), sent]);
    for (const secret of [API_KEY, API_KEY.slice(0, 12), 'private words', '9434765919']) expect(everything).not.toContain(secret);
  });

  it("keeps nothing of the caller's in the fleet queue either: a process id and times, under the fingerprinted key", async () => {
    const hero = createHeroClient({
      apiKey: API_KEY,
      practiceGroupId: '4242',
      baseUrl: api.url,
      env: { HERO_RATE_LIMIT_REDIS_URL: redis.url },
      rateLimit: { requestsPerSecond: 2, burst: 1 },
    });
    const calls = Array.from({ length: 3 }, () => hero.messages.send({ patient_id: '156', message_type: 'sms', message_string: 'private words 9434765919' }));
    // The first call is sent at once; the others wait in the fleet queue for their slots.
    await sleep(150);
    const keys = (await inspect.keys('*')).sort();
    const fingerprinted = defaultRateLimitKey(API_KEY, '4242');
    // The schedule, the fleet queue and the times of recent sends: numbers and a random process id.
    expect(keys).toEqual([fingerprinted, `{${fingerprinted}}:sent`, `{${fingerprinted}}:waiting`].sort());
    const waiting = await inspect.hgetall(`{${fingerprinted}}:waiting`);
    const [entry] = Object.entries(waiting);
    expect(entry?.[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry?.[1]).toMatch(/^[0-9.]+:[0-9.]+$/);
    const everything = JSON.stringify([keys, waiting, await inspect.hgetall(fingerprinted), await inspect.lrange(`{${fingerprinted}}:sent`, 0, -1)]);
    for (const secret of [API_KEY, API_KEY.slice(0, 12), 'private words', '9434765919']) expect(everything).not.toContain(secret);
    await Promise.allSettled(calls);
    await hero.close();
  });

  it('uses HERO_RATE_LIMIT_KEY when set', async () => {
    const hero = createHeroClient({
      apiKey: API_KEY,
      practiceGroupId: '4242',
      baseUrl: api.url,
      env: { HERO_RATE_LIMIT_REDIS_URL: redis.url, HERO_RATE_LIMIT_KEY: 'fleet:recall-campaign' },
    });
    await hero.raw.GET('/v1/me/capabilities');
    await hero.close();
    expect((await inspect.keys('*')).sort()).toEqual(['fleet:recall-campaign', '{fleet:recall-campaign}:sent']);
  });

  it('never fails a call when Redis is unreachable: paces locally and warns once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    const deadPort = await findClosedPort();
    const hero = createHeroClient({
      apiKey: API_KEY,
      practiceGroupId: '4242',
      baseUrl: api.url,
      env: { HERO_RATE_LIMIT_REDIS_URL: `redis://:redis-s3cret@127.0.0.1:${deadPort}` },
    });
    try {
      for (let i = 0; i < 5; i++) await hero.raw.GET('/v1/me/capabilities');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await hero.close();
      process.off('warning', onWarning);
    }

    expect(api.requests).toHaveLength(5);
    const ours = warnings.filter((w) => w.startsWith('Hero rate limit'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).not.toContain('redis-s3cret');
  });

  it('lets a worker process exit on its own after hero.close()', async () => {
    const script = `
      import { createHeroClient } from './src/index.ts';
      const hero = createHeroClient({ apiKey: 'k-worker', practiceGroupId: '4242', baseUrl: process.env.API_URL, env: { HERO_RATE_LIMIT_REDIS_URL: process.env.REDIS_URL } });
      for (let i = 0; i < 3; i++) await hero.raw.GET('/v1/me/capabilities');
      if (hero.rateLimitSnapshot()?.mode !== 'shared') throw new Error('not shared');
      await hero.close();
    `;
    const { code, stderr } = await runScript(script, { API_URL: api.url, REDIS_URL: redis.url });

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(api.requests).toHaveLength(3);
  });
});

describe('clusterSlotPrefix (no Redis needed)', () => {
  it("keeps the store's keys in the key's Redis Cluster hash slot, or refuses a key that cannot be", () => {
    expect(clusterSlotPrefix('hero:rate:4242:abc')).toBe('{hero:rate:4242:abc}');
    expect(clusterSlotPrefix('fleet:{recall}:x')).toBe('fleet:{recall}:x');
    expect(clusterSlotPrefix('{a}{b}')).toBe('{a}{b}');
    // Redis hashes these whole (empty or no tag), and a wrapped copy would hash differently.
    expect(() => clusterSlotPrefix('a}b')).toThrow(HeroConfigError);
    expect(() => clusterSlotPrefix('x{}{y}')).toThrow(HeroConfigError);
    expect(() => clusterSlotPrefix('')).toThrow(HeroConfigError);
    expect(() => clusterSlotPrefix('a}b')).toThrow(/without a Redis hash tag/);
  });

  it('puts every key it accepts in the same slot as its companions, and refuses only keys with "}" (property)', () => {
    // Redis Cluster's rule (cluster-spec, "Hash tags"): the text between the first `{`
    // and the first `}` after it, if not empty; else the whole key.
    const hashed = (key: string): string => {
      const open = key.indexOf('{');
      const close = open < 0 ? -1 : key.indexOf('}', open + 1);
      return close > open + 1 ? key.slice(open + 1, close) : key;
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', ':'), minLength: 1, maxLength: 12 }), (key) => {
        let prefix: string;
        try {
          prefix = clusterSlotPrefix(key);
        } catch (error) {
          expect(error).toBeInstanceOf(HeroConfigError);
          expect(key).toContain('}');
          return;
        }
        expect(hashed(`${prefix}:waiting`)).toBe(hashed(key));
        expect(hashed(`${prefix}:sent`)).toBe(hashed(key));
      }),
      { numRuns: 500 },
    );
  });
});
