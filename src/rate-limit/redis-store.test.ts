/**
 * The shared store against a real redis-server (started here on a free port, stopped by
 * PID). Skips loudly where redis-server is not installed; under CI it must run.
 */
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient } from '../index.js';
import { findClosedPort, startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { HeroConfigError } from '../errors.js';
import { defaultRateLimitKey } from './options.js';
import { cutKnownMargin, FULL_KNOWN_MARGIN } from './known-limit.js';
import { initialLearnedRate, learnedRateAt, learnFromThrottle } from './learned-rate.js';
import { clusterSlotPrefix, createRedisRateLimitStore } from './redis-store.js';
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

  it('holds every process when one reports a throttle, and keeps other keys apart', async () => {
    const a = store('hold');
    const b = store('hold');
    const other = store('another-limit');
    await a.take({ limit: undefined });
    await a.throttled({ holdMs: 1000, sentAgoMs: 5, limit: undefined });

    const wait = await b.take({ limit: undefined });
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(await other.take({ limit: undefined })).toBe(0);
  });

  it('at a known limit, a throttle moves the fleet a few per cent under it once per episode, as known-limit.ts does', async () => {
    const a = store('known-margin');
    const b = store('known-margin');
    const limit = { requestsPerSecond: 10, burst: 4 };
    expect(await a.take({ limit })).toBe(0);
    await a.throttled({ holdMs: 0, sentAgoMs: 0, limit });
    const first = await inspect.hgetall('known-margin');
    expect(Number(first.kf)).toBeCloseTo(cutKnownMargin(FULL_KNOWN_MARGIN, 0).factor, 9);
    // The other process's answer to a request sent before that throttle: same episode.
    await b.throttled({ holdMs: 0, sentAgoMs: 1000, limit });
    expect((await inspect.hgetall('known-margin')).kf).toBe(first.kf);
    // A later episode cuts again, from where the margin had climbed back to.
    await sleep(20);
    await b.throttled({ holdMs: 0, sentAgoMs: 0, limit });
    const second = await inspect.hgetall('known-margin');
    const elapsed = Number(second.kcut) - Number(first.kcut);
    const expected = cutKnownMargin({ factor: Number(first.kf), cutAt: 0 }, elapsed).factor;
    expect(Number(second.kf)).toBeCloseTo(expected, 6);
    expect(Number(second.kf)).toBeLessThan(Number(first.kf));
    // Pacing follows it: each send moves the schedule on by 1000 / (10 × factor) ms, not 100.
    await sleep(1000);
    expect(await a.take({ limit })).toBe(0);
    const tat1 = Number(await inspect.hget('known-margin', 'tat'));
    expect(await a.take({ limit })).toBe(0);
    const tat2 = Number(await inspect.hget('known-margin', 'tat'));
    const factor = Number((await inspect.hgetall('known-margin')).kf);
    expect(tat2 - tat1).toBeGreaterThan(100 / factor - 1);
    expect(tat2 - tat1).toBeLessThanOrEqual(100 / factor + 0.01);
    // A 503 with Retry-After holds, but an outage is not a rate: the margin stays.
    await a.throttled({ holdMs: 0, sentAgoMs: 0, limit, rateLimited: false });
    expect((await inspect.hgetall('known-margin')).kf).toBe(second.kf);
  });

  it("counts exactly the fleet's sends before the throttled one, not those of the answer's round trip (recent-sends.ts)", async () => {
    const a = store('exact');
    const b = store('exact');
    let sentAt = 0;
    for (let taken = 0; taken < 10; ) {
      const wait = await (taken % 2 ? a : b).take({ limit: undefined });
      if (wait > 0) await sleep(wait);
      else if (++taken === 7) sentAt = Date.now();
    }
    await sleep(20);
    // The 7th send was throttled; its answer comes now, after three more sends.
    await a.throttled({ holdMs: 1000, sentAgoMs: Date.now() - sentAt, limit: undefined });
    const state = await inspect.hgetall('exact');
    expect(Number(state.psent)).toBe(7);
  });

  it('shares what is learned, with the formulas of learned-rate.ts: one 429 bounds the limit, two estimate it', async () => {
    const a = store('learned');
    const b = store('learned');
    // 20 sends from the two processes, each waiting as told.
    for (let taken = 0; taken < 20; ) {
      const wait = await (taken % 2 ? a : b).take({ limit: undefined });
      if (wait > 0) await sleep(wait);
      else taken++;
    }
    await sleep(600);
    await b.throttled({ holdMs: 0, sentAgoMs: 0, limit: undefined });

    const first = await inspect.hgetall('learned');
    expect(Number(first.psent)).toBe(20);
    const stretchMs = Number(first.pms);
    expect(stretchMs).toBeGreaterThan(600);
    // The bound learned-rate.ts takes from that stretch (sent at slow start's rate then).
    const local = learnFromThrottle(initialLearnedRate(0), stretchMs, 20, learnedRateAt(initialLearnedRate(0), stretchMs), 0);
    expect(Number(first.bound)).toBeCloseTo(local.bound, 6);
    expect(Number(first.est)).toBe(0);

    // A second report of the same episode (sent before it) changes nothing.
    await a.throttled({ holdMs: 0, sentAgoMs: 1000, limit: undefined });
    const learned = ({ bound, est, pms, psent, cont, episode }: Record<string, string>) => ({ bound, est, pms, psent, cont, episode });
    expect(learned(await inspect.hgetall('learned'))).toEqual(learned(first));

    // A longer second stretch: the Lua script's estimate is learnFromThrottle's.
    for (let taken = 0; taken < 60; ) {
      const wait = await a.take({ limit: undefined });
      if (wait > 0) await sleep(wait);
      else taken++;
    }
    await a.throttled({ holdMs: 0, sentAgoMs: 0, limit: undefined });
    const second = await inspect.hgetall('learned');
    const sent = Number(second.psent);
    const expected = learnFromThrottle(local, Number(second.pms), sent, learnedRateAt(local, Number(second.pms)), 0);
    expect(Number(second.pms)).toBeGreaterThan(stretchMs + 1000);
    expect(Number(second.est)).toBeGreaterThan(0);
    expect(Number(second.est)).toBeCloseTo(expected.estimate, 6);
    expect(Number(second.bound)).toBeCloseTo(expected.bound, 6);

    // A 429 on the first send after the hold (the bucket did not refill: someone else is sending): AIMD, as in learned-rate.ts.
    for (let wait = await a.take({ limit: undefined }); wait > 0; wait = await a.take({ limit: undefined })) await sleep(wait);
    await a.throttled({ holdMs: 0, sentAgoMs: 0, limit: undefined });
    const third = await inspect.hgetall('learned');
    expect(third.cont).toBe('1');
    expect(Number(third.est)).toBe(0);
    expect(learnFromThrottle(expected, 1, 1, Number(third.bound), 0).contended).toBe(true);
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
    // At a known limit the times of recent sends are not kept (nothing is learned from them).
    expect(keys).toEqual([fingerprinted, `{${fingerprinted}}:waiting`].sort());
    const waiting = await inspect.hgetall(`{${fingerprinted}}:waiting`);
    const [entry] = Object.entries(waiting);
    expect(entry?.[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry?.[1]).toMatch(/^[0-9.]+:[0-9.]+$/);
    const everything = JSON.stringify([keys, waiting, await inspect.hgetall(fingerprinted)]);
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
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, API_URL: api.url, REDIS_URL: redis.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });

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
