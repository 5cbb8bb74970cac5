/**
 * The Redis webhook store, and receivers sharing it, against a real redis-server started
 * here on a free 127.0.0.1 port and stopped by PID. Every wait on Redis is bounded: a server
 * that is down, paused (SIGSTOP) or silent costs a delivery at most the configured time-out.
 */
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroConfigError } from '../../errors.js';
import { storeContract } from '../../../test/helpers/delivery-store-contract.js';
import { findClosedPort } from '../../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js';
import { confirmedBody, deliveryRequest, signDelivery } from '../../../test/helpers/webhook-deliveries.js';
import { createWebhookHandler, type WebhookHandler } from './create-webhook-handler.js';
import type { WebhookDeliveryStore } from './delivery-store.js';
import type { WebhookDeliveryReport } from './options.js';
import { importIoredis } from './redis-client.js';
import { createRedisWebhookStore } from './redis-store.js';

const skipReason = redisUnavailableReason();
const signingKey = 'redis-receiver-signing-key-do-not-log';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `run` took, and what it gave. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T | undefined; error: unknown }> {
  const startedAt = performance.now();
  try {
    const result = await run();
    return { ms: performance.now() - startedAt, result, error: undefined };
  } catch (error) {
    return { ms: performance.now() - startedAt, result: undefined, error };
  }
}

describe.skipIf(skipReason !== undefined)('Redis webhook store (real redis-server)', () => {
  let redis: RedisServer;
  let inspect: Redis;
  const closers: Array<() => Promise<unknown>> = [];
  const store = (options: Partial<Parameters<typeof createRedisWebhookStore>[0]> = {}): WebhookDeliveryStore => {
    const created = createRedisWebhookStore({ url: redis.url, ...options });
    closers.push(() => created.close!());
    return created;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    inspect = new Redis(redis.url);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    inspect?.disconnect();
    await redis?.stop();
  });

  describe('contract', () => {
    storeContract(() => ({ store: () => store(), elapse: sleep, leaseMs: 150, doneTtlMs: 600 }));
  });

  describe('receivers sharing it', () => {
    beforeEach(async () => {
      await inspect.flushall();
    });

    it('runs each delivery once when copies reach two receivers at the same time', async () => {
      const handled: string[] = [];
      const receivers = [0, 1].map(() => {
        const receiver = createWebhookHandler({
          signingKey,
          redisUrl: redis.url,
          on: {
            'appointment.confirmed': async (event) => {
              await sleep(5);
              handled.push(event.id);
            },
          },
        });
        closers.push(() => receiver.close());
        return receiver;
      });
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const delivery = signDelivery(confirmedBody(`d${i}`), signingKey);
          const answers = await Promise.all([0, 1, 0, 1].map((r) => receivers[r]!.fetch(deliveryRequest(delivery))));
          statuses.push(...answers.map((a) => a.status));
        }),
      );
      expect(handled.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `d${i}`).sort());
      expect(new Set(statuses)).toEqual(new Set([200]));
    });

    it('keeps only digests in Redis: no body, no signing key, expiring keys', async () => {
      const receiver = createWebhookHandler({ signingKey, redisUrl: redis.url, on: { 'appointment.confirmed': () => {} } });
      closers.push(() => receiver.close());
      await receiver.fetch(deliveryRequest(signDelivery(confirmedBody('9434765919'), signingKey)));
      const keys = await inspect.keys('*');
      expect(keys).toEqual([expect.stringMatching(/^hero:webhook:[0-9a-f]{32}$/)]);
      expect(await inspect.get(keys[0]!)).toBe('done');
      const ttl = await inspect.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(600_000);
      expect(ttl).toBeLessThanOrEqual(660_000);
      const dump = JSON.stringify([keys, await inspect.get(keys[0]!)]);
      expect(dump).not.toContain('9434765919');
      expect(dump).not.toContain(signingKey);
    });

    it('uses a client you pass, and leaves it open on close', async () => {
      const client = new Redis(redis.url);
      const shared = createRedisWebhookStore({ client, keyPrefix: 'mine:' });
      const receiver = createWebhookHandler({ signingKey, store: shared, on: { 'appointment.confirmed': () => {} } });
      expect((await receiver.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey)))).status).toBe(200);
      await receiver.close();
      expect(await client.keys('mine:*')).toHaveLength(1);
      client.disconnect();
    });
  });

  describe('when Redis is paused (SIGSTOP): every command is bounded', () => {
    it('fails a claim within commandTimeoutMs, answers 503, and recovers when Redis resumes', async () => {
      const reports: WebhookDeliveryReport[] = [];
      const receiver = createWebhookHandler({
        signingKey,
        store: store({ commandTimeoutMs: 300 }),
        onDelivery: (r) => reports.push(r),
        on: { 'appointment.confirmed': () => {} },
      });
      closers.push(() => receiver.close());
      expect((await receiver.fetch(deliveryRequest(signDelivery(confirmedBody('warm'), signingKey)))).status).toBe(200);
      process.kill(redis.pid, 'SIGSTOP');
      let paused: Awaited<ReturnType<typeof timed<Response>>>;
      try {
        paused = await timed(() => receiver.fetch(deliveryRequest(signDelivery(confirmedBody('paused'), signingKey))));
      } finally {
        process.kill(redis.pid, 'SIGCONT');
      }
      expect(paused.result?.status).toBe(503);
      expect(paused.ms).toBeLessThan(2_000);
      await sleep(100);
      expect((await receiver.fetch(deliveryRequest(signDelivery(confirmedBody('resumed'), signingKey)))).status).toBe(200);
      expect(reports.map((r) => r.outcome)).toEqual(['handled', 'store_unavailable', 'handled']);
    });

    it('paused mid-delivery (after the claim, while the handler runs): answered 200 within the time-outs, the problem reported, a copy after it resumes not run again', async () => {
      const reports: WebhookDeliveryReport[] = [];
      const handled: string[] = [];
      const receiver = createWebhookHandler({
        signingKey,
        store: store({ commandTimeoutMs: 300 }),
        leaseMs: 900,
        inProgressWaitMs: 0,
        onDelivery: (r) => reports.push(r),
        on: {
          'appointment.confirmed': async (event) => {
            handled.push(event.id);
            process.kill(redis.pid, 'SIGSTOP');
            await sleep(400);
          },
        },
      });
      closers.push(() => receiver.close());
      const delivery = signDelivery(confirmedBody('mid'), signingKey);
      let first: Awaited<ReturnType<typeof timed<Response>>>;
      try {
        first = await timed(() => receiver.fetch(deliveryRequest(delivery)));
      } finally {
        process.kill(redis.pid, 'SIGCONT');
      }
      expect(first.result?.status).toBe(200);
      // The handler's 400 ms, a renewal and the done marker each bounded by 300 ms.
      expect(first.ms).toBeLessThan(1_500);
      expect(reports[0]).toMatchObject({ outcome: 'handled', problems: expect.arrayContaining(['done_marker_failed']) });
      await sleep(50);
      // The done marker that timed out was still queued on the connection: Redis wrote it on resuming,
      // so a copy now is a duplicate and the handler is not run again.
      const copy = await receiver.fetch(deliveryRequest(delivery));
      expect(copy.status).toBe(200);
      expect(reports[1]).toMatchObject({ outcome: 'duplicate' });
      expect(handled).toEqual(['mid']);
    });
  });
});

describe('Redis webhook store: when Redis cannot be reached', () => {
  let silent: TcpServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers: a hung Redis or a black-holed proxy.
    silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  const receiverFor = (url: string, extra: { onStoreUnavailable?: 'reject' | 'handle' } = {}) => {
    const handled: string[] = [];
    const reports: WebhookDeliveryReport[] = [];
    const receiver: WebhookHandler = createWebhookHandler({
      signingKey,
      store: createRedisWebhookStore({ url, connectTimeoutMs: 300, commandTimeoutMs: 300 }),
      onDelivery: (r) => reports.push(r),
      on: { 'appointment.confirmed': (event) => void handled.push(event.id) },
      ...extra,
    });
    return { receiver, handled, reports };
  };

  it('fails closed with 503 at once when nothing listens, and never runs the handler', async () => {
    const { receiver, handled, reports } = receiverFor(`redis://127.0.0.1:${await findClosedPort()}`);
    const first = await timed(() => receiver.fetch(deliveryRequest(signDelivery(confirmedBody('a'), signingKey))));
    const second = await timed(() => receiver.fetch(deliveryRequest(signDelivery(confirmedBody('b'), signingKey))));
    expect([first.result?.status, second.result?.status]).toEqual([503, 503]);
    expect(first.ms).toBeLessThan(2_000);
    expect(second.ms).toBeLessThan(500);
    expect(handled).toEqual([]);
    expect(reports.map((r) => r.outcome)).toEqual(['store_unavailable', 'store_unavailable']);
    await receiver.close();
  });

  it('bounds the handshake with a server that accepts and never answers', async () => {
    const { port } = silent.address() as AddressInfo;
    const { receiver } = receiverFor(`redis://127.0.0.1:${port}`);
    const stalled = await timed(() => receiver.fetch(deliveryRequest(signDelivery(confirmedBody('c'), signingKey))));
    expect(stalled.result?.status).toBe(503);
    expect(stalled.ms).toBeLessThan(2_000);
    await receiver.close();
  });

  it("runs the handler without a claim under onStoreUnavailable: 'handle'", async () => {
    const { receiver, handled, reports } = receiverFor(`redis://127.0.0.1:${await findClosedPort()}`, { onStoreUnavailable: 'handle' });
    expect((await receiver.fetch(deliveryRequest(signDelivery(confirmedBody('d'), signingKey)))).status).toBe(200);
    expect(handled).toEqual(['d']);
    expect(reports).toMatchObject([{ outcome: 'handled', problems: ['store_unavailable'] }]);
    await receiver.close();
  });

  it('names the package to install when ioredis is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'ioredis'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(importIoredis(() => Promise.reject(missing))).rejects.toThrow(HeroConfigError);
    await expect(importIoredis(() => Promise.reject(missing))).rejects.toThrow(/npm install ioredis/);
  });

  it('refuses a store without url or client, and a URL of another scheme', () => {
    expect(() => createRedisWebhookStore({})).toThrow(/needs a `url` or a `client`/);
    expect(() => createRedisWebhookStore({ url: 'localhost:6379' })).toThrow(/redis:\/\//);
    expect(() => createRedisWebhookStore({ url: 'redis://x', commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
  });

  // Node fires a longer timer after 1 ms: commandTimeoutMs 3e9 failed every command at once
  // ("did not answer within 3000000000 ms"), so every delivery was answered 503.
  it('refuses a commandTimeoutMs or connectTimeoutMs longer than a timer can wait, and takes the longest one', async () => {
    expect(() => createRedisWebhookStore({ url: 'redis://x', commandTimeoutMs: 3_000_000_000 })).toThrow(HeroConfigError);
    expect(() => createRedisWebhookStore({ url: 'redis://x', connectTimeoutMs: 3_000_000_000 })).toThrow(/connectTimeoutMs/);
    const slow = (name: string) => () => new Promise((resolve) => setTimeout(() => resolve(name === 'heroWebhookClaim' ? 1 : 0), 20));
    const client = {
      status: 'ready',
      defineCommand(this: Record<string, unknown>, name: string) {
        this[name] = slow(name);
      },
      quit: async () => 'OK',
      disconnect: () => {},
      on: () => client,
    };
    const store = createRedisWebhookStore({ client, commandTimeoutMs: 2_147_483_647, connectTimeoutMs: 2_147_483_647 });
    await expect(store.claim('k', 'p:1', 1000)).resolves.toBe('claimed');
  });
});
