import { describe, expect, it } from 'vitest';
import { HeroAbortError, HeroServerError, HeroTimeoutError } from '../errors.js';
import { exposeGc } from '../../test/helpers/gc.js';
import { call, createHarness, waitFor } from '../../test/helpers/transport-harness.js';
import type { RetryReason } from './types.js';
import { sleep as realSleep } from './sleep.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

// These tests wait on real timers where waiting is the point (timeouts, deadlines,
// cancel during a real backoff). Nothing asserts how fast anything was.

const collectGarbage = exposeGc();

const server = useFaultServer();

describe('per-attempt timeout', () => {
  it('gives up on a server that never answers and retries with a fresh timer for each attempt', async () => {
    server.enqueue({ type: 'hang' }, { type: 'hang' }, { type: 'respond', status: 200, body: { ok: true } });
    const reasons: RetryReason[] = [];
    const { fetch } = createHarness({ timeoutMs: 150, hooks: { onRetry: ({ reason }) => void reasons.push(reason) } });

    const response = await call(fetch, server.url, 'GET', '/v1/me');

    expect(await response.json()).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(reasons).toEqual(['timeout', 'timeout']);
  });

  it('starts the timer when an attempt starts, not when the client is built', async () => {
    const { fetch } = createHarness({ timeoutMs: 100 });
    await realSleep(250, new AbortController().signal);

    const response = await call(fetch, server.url, 'GET', '/v1/me');

    expect(response.status).toBe(200);
  });

  it('throws HeroTimeoutError (kind attempt, status 0) when the last attempt times out', async () => {
    server.setFallback({ type: 'hang' });
    const { fetch } = createHarness({ timeoutMs: 100, retry: { maxAttempts: 2 } });

    const error = await call(fetch, server.url, 'GET', '/v1/patients/1', { template: '/v1/patients/{id}' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect((error as HeroTimeoutError).kind).toBe('attempt');
    expect((error as HeroTimeoutError).timeoutMs).toBe(100);
    expect((error as HeroTimeoutError).status).toBe(0);
    expect((error as HeroTimeoutError).message).toContain('GET /v1/patients/{id}');
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a POST that timed out: the server may have acted on it', async () => {
    server.setFallback({ type: 'hang' });
    const { fetch } = createHarness({ timeoutMs: 100 });

    await expect(call(fetch, server.url, 'POST', '/v1/messages/send', { body: {} })).rejects.toBeInstanceOf(HeroTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it('also bounds reading an error body, and retries a GET whose 500 body stalls', async () => {
    server.enqueue({ type: 'stall-body', status: 500 }, { type: 'respond', status: 200 });
    const { fetch } = createHarness({ timeoutMs: 150 });

    const response = await call(fetch, server.url, 'GET', '/v1/me');

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });
});

describe('overall deadline', () => {
  it('stops at the deadline even though attempts remain, with HeroTimeoutError of kind deadline', async () => {
    server.setFallback({ type: 'hang' });
    const { fetch } = createHarness({ timeoutMs: 10_000, deadlineMs: 200, retry: { maxAttempts: 3 } });

    const error = await call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect((error as HeroTimeoutError).kind).toBe('deadline');
    expect((error as HeroTimeoutError).timeoutMs).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('cuts a later attempt short and keeps the earlier failure as the cause', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'hang' });
    const { fetch } = createHarness({ timeoutMs: 10_000, deadlineMs: 300 });

    const error = await call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect((error as HeroTimeoutError).cause).toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(2);
  });

  it('does not start a backoff that would end after the deadline; it throws the failure instead', async () => {
    server.setFallback({ type: 'respond', status: 503, headers: { 'retry-after': '10' } });
    const { fetch, sleeps } = createHarness({ deadlineMs: 2000 });

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBeInstanceOf(HeroServerError);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('caller cancel', () => {
  it('rejects with HeroAbortError (the reason as cause, nothing processed) and sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const { fetch } = createHarness();

    const error = await call(fetch, server.url, 'POST', '/v1/messages/send', { signal: controller.signal }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroAbortError);
    expect(error).toMatchObject({ cause: reason, mayHaveBeenProcessed: false });
    expect(server.requests).toHaveLength(0);
  });

  it('returns promptly with the caller reason when aborted during a long backoff', { timeout: 5000 }, async () => {
    // Retry-After 30 s: without an abortable sleep this test would time out.
    server.setFallback({ type: 'respond', status: 503, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    const { fetch } = createHarness(
      { hooks: { onRetry: () => void setTimeout(() => controller.abort(), 20) } },
      { sleep: realSleep },
    );

    const error = await call(fetch, server.url, 'POST', '/v1/messages/send', { signal: controller.signal }).catch((e: unknown) => e);

    // The one attempt was answered 503: Hero did not act, so the abort leaves nothing to check.
    expect(error).toBeInstanceOf(HeroAbortError);
    expect(error).toMatchObject({ cause: { name: 'AbortError' }, mayHaveBeenProcessed: false });
    expect(server.requests).toHaveLength(1);
  });

  it('cancels an attempt in flight and does not retry it', async () => {
    server.setFallback({ type: 'hang' });
    const controller = new AbortController();
    const { fetch } = createHarness();

    const pending = call(fetch, server.url, 'POST', '/v1/messages/send', { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => server.requests.length === 1);
    controller.abort();
    const error = await pending;

    // The request had reached the server: Hero may have acted on it.
    expect(error).toBeInstanceOf(HeroAbortError);
    expect(error).toMatchObject({ cause: { name: 'AbortError' }, mayHaveBeenProcessed: true });
    expect(server.requests).toHaveLength(1);
  });

  it('still cancels the body download of a successful response', async () => {
    server.enqueue({ type: 'stall-body', status: 200 });
    const controller = new AbortController();
    const { fetch } = createHarness();

    const response = await call(fetch, server.url, 'GET', '/v1/me', { signal: controller.signal });
    const reading = response.text();
    controller.abort();

    await expect(reading).rejects.toThrow();
  });
});

const customFetch = (request: Request): Promise<Response> => globalThis.fetch(request);

describe.each([
  ['the built-in fetch', undefined],
  ['a custom fetch', customFetch],
])('garbage collection mid-flight, with %s', (_, fetchImpl) => {
  it('still times out an attempt after a full GC while it waits', { timeout: 5000 }, async () => {
    server.setFallback({ type: 'hang' });
    const { fetch } = createHarness({ timeoutMs: 200, retry: { maxAttempts: 1 } }, { fetch: fetchImpl });

    const pending = call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e);
    await waitFor(() => server.requests.length === 1);
    collectGarbage();

    expect(await pending).toBeInstanceOf(HeroTimeoutError);
  });

  it("still honours the caller's cancel after a full GC while the attempt waits", { timeout: 5000 }, async () => {
    server.setFallback({ type: 'hang' });
    const controller = new AbortController();
    const { fetch } = createHarness({ timeoutMs: false }, { fetch: fetchImpl });

    const pending = call(fetch, server.url, 'GET', '/v1/me', { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => server.requests.length === 1);
    collectGarbage();
    controller.abort();

    expect(await pending).toMatchObject({ name: 'HeroAbortError', cause: { name: 'AbortError' }, mayHaveBeenProcessed: true });
  });
});
