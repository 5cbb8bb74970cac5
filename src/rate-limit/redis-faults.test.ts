/**
 * A Redis that misbehaves (issue 23, item 5): one that accepts the connection and never
 * answers, one still loading its data (`-LOADING`), one answering `-ERR` to everything,
 * and a redis-server stopped by its PID. Every call still goes out, within about one
 * command time-out of the first; the client warns once (no URL, no password), paces
 * locally, and `hero.close()` returns promptly whatever Redis does.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient } from '../index.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer } from '../../test/helpers/redis-server.js';

const API_KEY = 'hk_test_redis_faults_51c0ffee';
const PASSWORD = 'redis-fault-s3cret';

/** A TCP endpoint on 127.0.0.1 that accepts connections and answers each chunk it reads with `reply` (or nothing). */
async function fakeRedis(reply: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', () => {
      if (reply !== undefined) socket.write(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://:${PASSWORD}@127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Six calls through a client sharing its limit through `redisUrl`: how long they took, the warnings, how long close() took. */
async function callsThrough(api: FaultServer, redisUrl: string) {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.message);
  process.on('warning', onWarning);
  const hero = createHeroClient({ apiKey: API_KEY, practiceGroupId: '4242', baseUrl: api.url, env: { HERO_RATE_LIMIT_REDIS_URL: redisUrl } });
  const before = api.requests.length;
  const startedAt = performance.now();
  try {
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => hero.raw.GET('/v1/me/capabilities')));
    const callsMs = performance.now() - startedAt;
    await new Promise((resolve) => setImmediate(resolve));
    const closingAt = performance.now();
    await hero.close();
    return { results, callsMs, closeMs: performance.now() - closingAt, sent: api.requests.length - before, warnings: warnings.filter((w) => w.startsWith('Hero rate limit')) };
  } finally {
    process.off('warning', onWarning);
  }
}

describe('a Redis that misbehaves: calls go out within about one command time-out, close() is prompt', () => {
  let api: FaultServer;
  beforeAll(async () => {
    api = await startFaultServer();
  });
  afterAll(() => api.close());

  const cases: [string, string | undefined][] = [
    ['accepts the connection and never answers', undefined],
    ['answers -LOADING to everything', '-LOADING Redis is loading the dataset in memory\r\n'],
    ['answers -ERR to everything', '-ERR unknown command\r\n'],
  ];
  for (const [name, reply] of cases) {
    it(`a Redis that ${name}`, async () => {
      const redis = await fakeRedis(reply);
      try {
        const { results, callsMs, closeMs, sent, warnings } = await callsThrough(api, redis.url);
        expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
        expect(sent).toBe(6);
        // One command time-out (1 s) for the first, then local pacing: not maxWaitMs (300 s).
        expect(callsMs).toBeLessThan(2500);
        expect(closeMs).toBeLessThan(1500);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).not.toContain(PASSWORD);
        expect(warnings[0]).not.toContain('127.0.0.1');
      } finally {
        await redis.close();
      }
    });
  }

  it.skipIf(redisUnavailableReason() !== undefined)('a redis-server stopped (SIGSTOP) before the first call, and one stopped mid-run', async () => {
    const redis = await startRedisServer();
    try {
      process.kill(redis.pid, 'SIGSTOP');
      const cold = await callsThrough(api, redis.url);
      expect(cold.results.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(cold.callsMs).toBeLessThan(2500);
      expect(cold.closeMs).toBeLessThan(1500);
      process.kill(redis.pid, 'SIGCONT');

      // Connected and sharing, then Redis stops answering.
      const hero = createHeroClient({ apiKey: API_KEY, practiceGroupId: '4242', baseUrl: api.url, env: { HERO_RATE_LIMIT_REDIS_URL: redis.url } });
      await hero.raw.GET('/v1/me/capabilities');
      expect(hero.rateLimitSnapshot()?.mode).toBe('shared');
      process.kill(redis.pid, 'SIGSTOP');
      const startedAt = performance.now();
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => hero.raw.GET('/v1/me/capabilities')));
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(performance.now() - startedAt).toBeLessThan(2500);
      const closingAt = performance.now();
      await hero.close();
      expect(performance.now() - closingAt).toBeLessThan(1500);
    } finally {
      try {
        process.kill(redis.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      await redis.stop();
    }
  });
});
