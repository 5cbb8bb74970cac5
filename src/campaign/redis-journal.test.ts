/**
 * Campaigns on a Redis journal against a real redis-server (started here on a free port,
 * stopped by PID) and a server on 127.0.0.1 that reads the journal as each request arrives.
 * Workers that die are played by the journal's own scripts called with a worker id that
 * then goes silent; whole processes are killed in fleet.slow.test.ts.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../client.js';
import { HeroInputError } from '../errors.js';
import { findClosedPort } from '../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { HeroCampaignDuplicateKeyError, HeroCampaignInterruptedError, HeroCampaignJournalUnavailableError, HeroCampaignMismatchError } from './errors.js';
import { campaignFingerprint } from './keys.js';
import { createRedisJournal } from './redis-journal.js';
import { CAMPAIGN_SCRIPTS } from './redis-scripts.js';

const skipReason = redisUnavailableReason();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

describe.skipIf(skipReason !== undefined)('a campaign on a Redis journal (real redis-server)', () => {
  let redis: RedisServer;
  let inspect: Redis;
  let api: Server;
  let apiUrl: string;
  let hero: HeroClient;
  /** Per patient: how often the server processed it, and its journal state when the request arrived. */
  const processed = new Map<string, number>();
  const stateOnArrival = new Map<string, string | null>();
  let campaign = 'c0';
  let latencyMs = 0;
  const answers = new Map<string, number>();

  const keyOf = (name: string) => `hero:campaign:{${campaign}}:${name}`;
  const scripts = (worker: string) => {
    const client = inspect as unknown as Record<string, ScriptCall>;
    const keys = ['meta', 'keys', 'state', 'returned', 'workers', 'held'].map(keyOf);
    return {
      open: (fp: string, n: number, leaseMs: number) => client.heroCampaignOpen!(...keys, fp, n, worker, leaseMs, 3_600_000) as Promise<string[]>,
      load: (fp: string, start: number, ...k: string[]) => client.heroCampaignLoad!(...keys, fp, start, ...k),
      claim: (leaseMs: number) => client.heroCampaignClaim!(...keys, worker, leaseMs) as Promise<string[]>,
      mark: (index: number) => client.heroCampaignMark!(...keys, worker, index),
      settle: (index: number, status: string) => client.heroCampaignSettle!(...keys, worker, index, status, '', '0'),
    };
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    inspect = new Redis(redis.url);
    for (const [name, lua] of Object.entries(CAMPAIGN_SCRIPTS)) inspect.defineCommand(name, { numberOfKeys: 6, lua });
    api = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', async () => {
        const id = (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { patient_id?: string }).patient_id ?? '';
        stateOnArrival.set(id, await inspect.hget(keyOf('state'), id.slice(1)));
        const status = answers.get(id) ?? 200;
        if (status === 200) processed.set(id, (processed.get(id) ?? 0) + 1);
        if (latencyMs > 0) await sleep(latencyMs);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(status === 200 ? { message_id: `m-${id}` } : { error: true, statusCode: status, message: [] }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    hero = createHeroClient({ apiKey: 'hk_test_campaign_redis_1234567890', practiceGroupId: '4242', baseUrl: apiUrl, env: {}, timeoutMs: 3000, retry: { maxAttempts: 1 } });
  });
  afterAll(async () => {
    await hero?.close();
    inspect?.disconnect();
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
    await redis?.stop();
  });
  let serial = 0;
  beforeEach(() => {
    campaign = `c${++serial}`;
    processed.clear();
    stateOnArrival.clear();
    answers.clear();
    latencyMs = 0;
  });

  // Keys p0…p(n-1): the index is the key without its `p`, which the server uses to look up the state.
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}` }));
  const send = (p: { id: string }) => hero.messages.send({ patient_id: p.id, message_type: 'sms', message_string: 'Your flu vaccination is due' });
  const journal = (extra: Partial<Parameters<typeof createRedisJournal>[0]> = {}) => createRedisJournal({ redisUrl: redis.url, campaign, ...extra });
  const snapshotOfRedis = async () => Object.fromEntries(await Promise.all(['meta', 'keys', 'state', 'returned', 'workers', 'held'].map(async (k) => [k, await inspect.dump(keyOf(k))])));

  it('records each item "sending" in Redis before its request arrives, then "sent"; the report covers every item', async () => {
    const report = await hero.bulk(items(10), send, { journal: journal(), key: (p) => p.id, concurrency: 4 });

    expect(report).toMatchObject({ journal: 'redis', total: 10, sent: 10, pending: 0, complete: true, thisRun: { started: 10, sent: 10 } });
    for (const { id } of items(10)) expect(stateOnArrival.get(id), id).toMatch(/^sending\|/);
    expect(await inspect.hget(keyOf('state'), '3')).toMatch(/^sent\|/);
    expect(await inspect.hlen(keyOf('workers'))).toBe(0);
    // Kept for the retention period (90 days by default), not forever.
    expect(await inspect.pttl(keyOf('state'))).toBeGreaterThan(89 * 24 * 3600 * 1000);
  });

  it('a resumed run sends only what is left and reports the campaign whole', async () => {
    const cancel = new AbortController();
    await hero.bulk(items(6), async (p) => (p.id === 'p1' && cancel.abort(), send(p)), { journal: journal(), key: (p) => p.id, concurrency: 1, signal: cancel.signal });
    const second = await hero.bulk(items(6), send, { journal: journal(), key: (p) => p.id });
    expect(second).toMatchObject({ sent: 6, complete: true, thisRun: { started: 4 } });
    expect([...processed.values()].every((n) => n === 1)).toBe(true);
    expect(processed.size).toBe(6);
  });

  it('two workers share one campaign: every item sent once, each worker claims its own', async () => {
    latencyMs = 5;
    const other = createHeroClient({ apiKey: 'hk_test_campaign_redis_1234567890', practiceGroupId: '4242', baseUrl: apiUrl, env: {}, timeoutMs: 3000, retry: { maxAttempts: 1 } });
    try {
      const [a, b] = await Promise.all([
        hero.bulk(items(60), send, { journal: journal(), key: (p) => p.id, concurrency: 4 }),
        other.bulk(items(60), (p) => other.messages.send({ patient_id: p.id, message_type: 'sms', message_string: 'x' }), { journal: journal(), key: (p) => p.id, concurrency: 4 }),
      ]);
      expect(a.thisRun.started + b.thisRun.started).toBe(60);
      expect(a.thisRun.started).toBeGreaterThan(0);
      expect(b.thisRun.started).toBeGreaterThan(0);
      expect(processed.size).toBe(60);
      expect([...processed.values()].every((n) => n === 1)).toBe(true);
      expect(b.sent).toBe(60);
    } finally {
      await other.close();
    }
  });

  it("a dead worker's claimed items go to the others after its lease; the one it was sending becomes outcome-unknown", async () => {
    const list = items(6);
    const keys = list.map((p) => p.id);
    const dead = scripts('dead-worker');
    const fp = campaignFingerprint(campaign, keys);
    expect((await dead.open(fp, 6, 600))[0]).toBe('ok');
    await dead.load(fp, 0, ...keys);
    const claimed = [await dead.claim(600), await dead.claim(600), await dead.claim(600)].map((a) => Number(a[1]));
    expect(await dead.mark(claimed[0]!)).toBe('ok');
    // …and the worker dies: no more renewals.

    const startedAt = Date.now();
    const report = await hero.bulk(list, send, { journal: journal({ leaseMs: 1000 }), key: (p) => p.id, concurrency: 2 });

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400);
    expect(report.results[claimed[0]!]).toMatchObject({ status: 'outcome-unknown', code: 'lease-expired' });
    expect(processed.has(`p${claimed[0]}`)).toBe(false);
    expect(report).toMatchObject({ sent: 5, outcomeUnknown: 1, pending: 0, complete: true });
    expect([...processed.values()].every((n) => n === 1)).toBe(true);
  });

  it('a worker whose lease expired cannot mark its item sending, and its late report of a send is kept', async () => {
    const keys = ['p0', 'p1'];
    const fp = campaignFingerprint(campaign, keys);
    const slow = scripts('slow-worker');
    const next = scripts('next-worker');
    await slow.open(fp, 2, 300);
    await slow.load(fp, 0, ...keys);
    const a = Number((await slow.claim(300))[1]);
    const b = Number((await slow.claim(300))[1]);
    expect(await slow.mark(b)).toBe('ok');
    await sleep(400);
    await next.open(fp, 2, 10_000); // reaps the slow worker
    expect(await slow.mark(a)).toBe('lost');
    expect(await inspect.hget(keyOf('state'), String(b))).toMatch(/^outcome-unknown\|.*\|lease-expired\|/);
    expect(await slow.settle(b, 'sent')).toBe('late');
    expect(await inspect.hget(keyOf('state'), String(b))).toMatch(/^sent\|/);
    expect(await next.claim(10_000)).toEqual(['item', String(a)]);
  });

  it('retryable failures are sent again when the campaign is resumed (no live worker), not within the run', async () => {
    answers.set('p1', 503);
    answers.set('p2', 404);
    const first = await hero.bulk(items(3), send, { journal: journal(), key: (p) => p.id });
    expect(first.results.map((r) => r.status)).toEqual(['sent', 'failed', 'failed']);
    answers.clear();
    const second = await hero.bulk(items(3), send, { journal: journal(), key: (p) => p.id });
    expect(second.results.map((r) => r.status)).toEqual(['sent', 'sent', 'failed']);
    expect(second.results[2]).toMatchObject({ code: 'HeroNotFoundError 404', retryable: false, thisRun: false });
  });

  // Every key has a TTL, so a Redis under memory pressure with a volatile-* policy (ElastiCache's
  // default is volatile-lru) may evict any of them. A journal missing part of itself must be refused,
  // never read as a new campaign or as pending items.
  it.each(['meta', 'state', 'keys', 'held'])('refuses to resume a journal whose %s key was evicted, and sends nothing again', async (evicted) => {
    answers.set('p3', 400);
    const cancel = new AbortController();
    // p0 sent, p1 left "sending" by a worker that went away, p2 pending.
    await hero.bulk(items(4), async (p) => (p.id === 'p2' && cancel.abort(), send(p)), { journal: journal(), key: (p) => p.id, concurrency: 1, signal: cancel.signal });
    const ghost = scripts('ghost');
    const opened = await ghost.open(campaignFingerprint(campaign, items(4).map((p) => p.id)), 4, 60_000);
    expect(opened[0]).toBe('ok');
    const claimed = await ghost.claim(60_000);
    await ghost.mark(Number(claimed[1]));
    const before = new Map(processed);
    await inspect.del(keyOf(evicted));
    await inspect.del(keyOf('workers'));
    const resumed = hero.bulk(items(4), send, { journal: journal(), key: (p) => p.id });
    await expect(resumed).rejects.toMatchObject({ name: 'HeroCampaignError', reason: 'journal-corrupt', message: expect.stringContaining(`its ${evicted} key`) });
    expect(processed).toEqual(before);
  });

  it('status(): counts, every key in input order, workers and runs', async () => {
    answers.set('p2', 400);
    await hero.bulk(items(4), send, { journal: journal(), key: (p) => p.id });
    const status = await journal().status();
    expect(status).toMatchObject({ campaign, journal: 'redis', total: 4, sent: 3, failed: 1, pending: 0, workers: 0, runs: 1 });
    expect(status.items.map((i) => [i.key, i.status])).toEqual([
      ['p0', 'sent'],
      ['p1', 'sent'],
      ['p2', 'failed'],
      ['p3', 'sent'],
    ]);
    await expect(createRedisJournal({ redisUrl: redis.url, campaign: 'never-run' }).status()).rejects.toBeInstanceOf(HeroCampaignJournalUnavailableError);
  });

  it('takes an ioredis client of yours and leaves it open', async () => {
    const mine = new Redis(redis.url);
    try {
      const report = await hero.bulk(items(2), send, { journal: createRedisJournal({ client: mine, campaign }), key: (p) => p.id });
      expect(report.sent).toBe(2);
      expect(mine.status).toBe('ready');
    } finally {
      mine.disconnect();
    }
  });

  describe('bad input stops before anything is sent, and Redis is left as it was', () => {
    it('a journal written for another list of items', async () => {
      await hero.bulk(items(3), send, { journal: journal(), key: (p) => p.id });
      processed.clear();
      const before = await snapshotOfRedis();
      const error = await hero.bulk(items(4), send, { journal: journal(), key: (p) => p.id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroCampaignMismatchError);
      expect(processed.size).toBe(0);
      expect(await snapshotOfRedis()).toEqual(before);
    });

    it('two items with the same key (Redis never touched)', async () => {
      const error = await hero.bulk([{ id: 'p0' }, { id: 'p0' }], send, { journal: journal(), key: (p) => p.id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroCampaignDuplicateKeyError);
      expect(await inspect.exists(keyOf('meta'))).toBe(0);
    });

    it('a Redis that refuses the connection: typed error, bounded, nothing sent', async () => {
      const port = await findClosedPort();
      const startedAt = Date.now();
      const error = await hero.bulk(items(2), send, { journal: createRedisJournal({ redisUrl: `redis://user:s3cret@127.0.0.1:${port}`, campaign, connectTimeoutMs: 500 }), key: (p) => p.id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroCampaignJournalUnavailableError);
      expect((error as Error).message).not.toContain('s3cret');
      expect(Date.now() - startedAt).toBeLessThan(5000);
      expect(processed.size).toBe(0);
    });

    it('a Redis that accepts the connection and never answers the handshake: typed error within the time-out', async () => {
      const sockets: Socket[] = [];
      const silent: NetServer = createNetServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const port = (silent.address() as AddressInfo).port;
        const startedAt = Date.now();
        const error = await hero.bulk(items(2), send, { journal: createRedisJournal({ redisUrl: `redis://127.0.0.1:${port}`, campaign, connectTimeoutMs: 400 }), key: (p) => p.id }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HeroCampaignJournalUnavailableError);
        expect(Date.now() - startedAt).toBeLessThan(3000);
        expect(processed.size).toBe(0);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it.each([
      ['no options', undefined],
      ['neither redisUrl nor client', { campaign: 'x' }],
      ['an http URL', { redisUrl: 'http://127.0.0.1:6379', campaign: 'x' }],
      ['a campaign with a space', { redisUrl: 'redis://127.0.0.1:1', campaign: 'a b' }],
      ['a campaign that is not a string', { redisUrl: 'redis://127.0.0.1:1', campaign: 5 }],
      ['a lease of 1 ms', { redisUrl: 'redis://127.0.0.1:1', campaign: 'x', leaseMs: 1 }],
      ['a client that is not one', { client: {}, campaign: 'x' }],
    ])('createRedisJournal refuses %s', (_label, options) => {
      expect(() => createRedisJournal(options as never)).toThrow(HeroInputError);
    });
  });

  it('a Redis that dies mid-run stops the run: nothing more is sent, and what was sent is in the report', async () => {
    const own = await startRedisServer();
    try {
      latencyMs = 20;
      let settled = 0;
      const run = hero.bulk(items(40), async (p) => {
        const result = await send(p);
        if (++settled === 5) void own.stop();
        return result;
      }, { journal: createRedisJournal({ redisUrl: own.url, campaign, commandTimeoutMs: 500, connectTimeoutMs: 500 }), key: (p) => p.id, concurrency: 2 });
      const startedAt = Date.now();
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroCampaignInterruptedError);
      expect((error as HeroCampaignInterruptedError).source).toBe('journal');
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      const report = (error as HeroCampaignInterruptedError).report;
      // Every request the server processed is an item this run reports as sent (or unknown); none was sent unrecorded.
      const reportedSent = report.results.filter((r) => r.thisRun && (r.status === 'sent' || r.status === 'outcome-unknown')).map((r) => r.key);
      expect([...processed.keys()].every((k) => reportedSent.includes(k))).toBe(true);
      expect(processed.size).toBeLessThan(40);
    } finally {
      await own.stop();
    }
  });
});
