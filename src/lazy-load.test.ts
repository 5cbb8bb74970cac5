/**
 * Code loaded on first use (the bulk runner, the campaign runner, the journals' I/O, the
 * webhook receiver, telemetry spans) can fail to load: its files changed under a running
 * process, or file handles ran out. The caller gets a HeroError with the loader's error as
 * `cause`, and the next use loads again instead of failing for the life of the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createHeroClient } from './client.js';
import { HeroError } from './errors.js';
import { runBulk } from './run-bulk.js';
import { createFileJournal } from './campaign/file-journal.js';
import { createRedisJournal } from './campaign/redis-journal.js';
import { createWebhookHandler } from './webhooks/receiver/create-webhook-handler.js';
import { createObserveCall } from './telemetry/observe.js';
import { createRedisRateLimitStore } from './rate-limit/redis-store.js';
import { createInMemoryTelemetry } from '../test/helpers/otel.js';
import { confirmedBody, deliveryRequest, signDelivery } from '../test/helpers/webhook-deliveries.js';

// The modules whose next load fails (each vi.mock factory runs again after a failure, as Node's loader does).
const failing = vi.hoisted(() => new Set<string>());
const loadOrFail = async <T>(name: string, importOriginal: () => Promise<T>): Promise<T> => {
  if (failing.delete(name)) throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
  return importOriginal();
};
vi.mock('./bulk-runner.js', (original) => loadOrFail('bulk-runner', original));
vi.mock('./campaign/run-campaign.js', (original) => loadOrFail('run-campaign', original));
vi.mock('./campaign/file-journal-files.js', (original) => loadOrFail('file-journal-files', original));
vi.mock('./campaign/redis-journal-store.js', (original) => loadOrFail('redis-journal-store', original));
vi.mock('./webhooks/receiver/receive.js', (original) => loadOrFail('receive', original));
vi.mock('./telemetry/observe-call.js', (original) => loadOrFail('observe-call', original));
vi.mock('./rate-limit/redis-connection.js', (original) => loadOrFail('redis-connection', original));

const dir = mkdtempSync(join(tmpdir(), 'hero-lazy-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => failing.clear());

async function failure(work: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(work)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

function expectLoadFailure(error: unknown, what: string): void {
  expect(error).toBeInstanceOf(HeroError);
  expect((error as Error).message).toContain(what);
  expect((error as Error).message).toContain('restart');
  expect((error as Error).cause).toBeInstanceOf(Error);
}

const client = () =>
  createHeroClient({ apiKey: 'hk_test_lazy', practiceGroupId: '1', baseUrl: 'http://127.0.0.1:9', env: {}, rateLimit: false, fetch: () => Promise.resolve(Response.json({})) });

describe('a chunk that fails to load', () => {
  it('runBulk and hero.bulk reject with a HeroError, and run on the next call', async () => {
    failing.add('bulk-runner');
    expectLoadFailure(await failure(() => runBulk([1], async (n) => n)), 'the bulk runner');
    failing.add('bulk-runner');
    expectLoadFailure(await failure(() => client().bulk([1], async (n) => n)), 'the bulk runner');
    expect((await runBulk([1], async (n) => n)).succeeded).toBe(1);
    expect((await client().bulk([1], async (n) => n)).succeeded).toBe(1);
  });

  it('a campaign rejects with a HeroError (runner or journal), and runs on the next call', async () => {
    const journal = createFileJournal(join(dir, 'lazy.journal'));
    const run = () => client().bulk(['a'], async (k) => k, { journal, key: (k) => k, markSending: 'before-task' });
    failing.add('run-campaign');
    expectLoadFailure(await failure(run), 'the campaign runner');
    failing.add('file-journal-files');
    expectLoadFailure(await failure(run), 'the file journal');
    failing.add('file-journal-files');
    expectLoadFailure(await failure(() => journal.status()), 'the file journal');
    expect((await run()).sent).toBe(1);
    failing.add('redis-journal-store');
    // Nothing listens on port 9: the load is what fails, before any connection.
    expectLoadFailure(await failure(() => createRedisJournal({ redisUrl: 'redis://127.0.0.1:9', campaign: 'lazy' }).status()), 'the Redis journal');
  });

  it('the webhook handler: close() rejects with a HeroError, a delivery is answered 500, and the next delivery and close() load it', async () => {
    const closing = createWebhookHandler({ signingKey: 'lazy-key', on: {} });
    failing.add('receive');
    expectLoadFailure(await failure(() => closing.close()), 'the webhook receiver');
    const handled: string[] = [];
    const handler = createWebhookHandler({ signingKey: 'lazy-key', on: { 'appointment.confirmed': (event) => void handled.push(event.id) }, onDelivery: () => {} });
    failing.add('receive');
    expect((await handler.fetch(deliveryRequest(signDelivery(confirmedBody('1'), 'lazy-key')))).status).toBe(500);
    expect((await handler.fetch(deliveryRequest(signDelivery(confirmedBody('2'), 'lazy-key')))).status).toBe(200);
    expect(handled).toEqual(['2']);
    await handler.close();
    await closing.close();
  });

  it('the shared rate limit: the call fails with a HeroError, the next call loads the store, and close() resolves either way', async () => {
    // A client that never becomes ready: the loaded store gives up within commandTimeoutMs, with its own error.
    const redis = { status: 'connecting', defineCommand: () => {}, quit: async () => 'OK', disconnect: () => {}, on: () => undefined };
    const take = { limit: undefined };
    // First a store whose code never loaded (a module, once loaded, stays loaded): close() has nothing to close.
    const neverLoaded = createRedisRateLimitStore({ client: redis, key: 'hero:rate:lazy-load-2', commandTimeoutMs: 20 });
    failing.add('redis-connection');
    expectLoadFailure(await failure(() => neverLoaded.take(take)), 'the shared rate limit');
    await expect(neverLoaded.close()).resolves.toBeUndefined();
    const store = createRedisRateLimitStore({ client: redis, key: 'hero:rate:lazy-load', commandTimeoutMs: 20 });
    failing.add('redis-connection');
    expectLoadFailure(await failure(() => store.take(take)), 'the shared rate limit');
    const next = await failure(() => store.take(take));
    expect(String((next as Error | undefined)?.message)).not.toContain('could not be loaded');
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('telemetry: the call fails with a HeroError, and the next call loads it', async () => {
    const call = { method: 'GET', template: '/v1/locations', operationId: 'listLocations', url: 'http://127.0.0.1:1/v1/locations' };
    // An SDK's providers, so the loaded code has something to observe (with none registered, a call gets no observer).
    const otel = createInMemoryTelemetry();
    const observe = createObserveCall({ required: false, tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    failing.add('observe-call');
    expectLoadFailure(await failure(() => observe(call)), 'telemetry');
    const observer = await observe(call);
    expect(observer).toBeDefined();
    await otel.shutdown();
  });
});
