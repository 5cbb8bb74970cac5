/**
 * A 2xx body is read after the transport returns (openapi-fetch reads it); the attempt's
 * timer and error mapping must still hold then. Also: no listener growth with concurrency.
 * Real timers where waiting is the point; nothing asserts how fast anything was.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHeroClient } from '../client.js';
import { HeroAbortError, HeroError, HeroNetworkError, HeroTimeoutError } from '../errors.js';
import { exposeGc } from '../../test/helpers/gc.js';
import type { FaultAction } from '../../test/helpers/fault-server.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

const collectGarbage = exposeGc();

const server = useFaultServer();

const warnings: Error[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);
beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => void process.off('warning', onWarning));

function client(options: Record<string, unknown> = {}) {
  return createHeroClient({ apiKey: 'hk_test_body_guard_secret_1', practiceGroupId: '4242', env: {}, baseUrl: server.url, ...options });
}

describe('a 2xx body that stalls', () => {
  it('ends as HeroTimeoutError (attempt) under timeoutMs, and is not re-sent', async () => {
    server.setFallback({ type: 'stall-body' });
    const error = await client({ timeoutMs: 150 }).patients.get('1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect((error as HeroTimeoutError).kind).toBe('attempt');
    expect(server.requests).toHaveLength(1);
  });

  it('ends as HeroTimeoutError (deadline) under deadlineMs', async () => {
    server.setFallback({ type: 'stall-body' });
    const error = await client({ timeoutMs: 60_000, deadlineMs: 150 }).raw.GET('/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect((error as HeroTimeoutError).kind).toBe('deadline');
  });

  it('still times out when a full GC runs while the body is stalled', async () => {
    server.setFallback({ type: 'stall-body' });
    const pending = client({ timeoutMs: 200 }).raw.GET('/v1/me').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    collectGarbage();
    expect(await pending).toBeInstanceOf(HeroTimeoutError);
  });

  it('guards the read openapi-fetch makes for other parseAs values too', async () => {
    server.setFallback({ type: 'stall-body' });
    const hero = client({ timeoutMs: 150 });
    for (const parseAs of ['text', 'arrayBuffer', 'blob'] as const) {
      expect(await hero.raw.GET('/v1/me', { parseAs }).catch((e: unknown) => e)).toBeInstanceOf(HeroTimeoutError);
    }
  });

  it("the caller's cancel wins over the timer: HeroAbortError with the signal's reason as cause", async () => {
    server.setFallback({ type: 'stall-body' });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 60_000 }).raw.GET('/v1/me', { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const error = await pending;
    expect(error).toBeInstanceOf(HeroAbortError);
    expect((error as HeroAbortError).cause).toBe(reason);
  });

  it('a completed body stops the timer: the process is not kept waiting for it', async () => {
    server.setFallback({ type: 'respond', body: { ok: true } });
    // A 24-day timer left running would be visible as an active handle after the call.
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await client({ timeoutMs: 2_000_000_000 }).raw.GET('/v1/me');
    await client({ timeoutMs: 2_000_000_000 }).raw.GET('/v1/me', { parseAs: 'stream' });
    server.setFallback({ type: 'respond', status: 204 });
    await client({ timeoutMs: 2_000_000_000 }).raw.GET('/v1/me');
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
  });
});

describe('a connection reset mid-body', () => {
  it('is HeroNetworkError with the cause kept, not a raw TypeError', async () => {
    server.setFallback({ type: 'reset-mid-body' });
    const error = await client().patients.get('1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNetworkError);
    expect(error).not.toBeInstanceOf(HeroTimeoutError);
    expect((error as HeroNetworkError).message).toContain('while reading the response body');
    expect((error as HeroNetworkError).cause).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(1);
  });
});

describe('concurrency', () => {
  it('1,000 concurrent calls retrying after a 503, with and without one shared caller signal: no warning', async () => {
    // The first attempt of each call gets a 503, so all 1,000 wait in a backoff at once.
    // In memory (a stubbed global fetch, so the default send path is the one used): the
    // listeners under test live on signals, not sockets, and 2,000 loopback requests are slow on CI.
    const seen = new Set<string>();
    let sent = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      sent++;
      if (seen.has(url)) return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      seen.add(url);
      return new Response('', { status: 503 });
    });
    const hero = client({ retry: { baseDelayMs: 200, budget: false } });
    const get = hero.raw.GET as unknown as (path: string, init: object) => Promise<unknown>;
    const shared = new AbortController();
    const calls = Array.from({ length: 1000 }, (_, i) =>
      get('/v1/things/{i}', { params: { path: { i } }, ...(i % 2 === 0 ? { signal: shared.signal } : {}) }),
    );
    const results = await Promise.allSettled(calls);
    vi.unstubAllGlobals();
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1000);
    expect(sent).toBe(2000);
    expect(warnings.map((w) => w.name)).toEqual([]);
  });

  it('bounded fault mix (1,000 calls at concurrency 100): every failure is a HeroError, no warnings', async () => {
    const actions: FaultAction[] = [
      { type: 'respond', body: { ok: true } },
      { type: 'respond', body: { ok: true } },
      { type: 'respond', body: { ok: true } },
      { type: 'reset-mid-body' },
      { type: 'reset-before-body' },
      { type: 'reset-after-body' },
      { type: 'respond', status: 503 },
      { type: 'respond', status: 302, headers: { location: 'http://127.0.0.1:9/x' } },
      { type: 'respond', body: 'not json' },
    ];
    let i = 0;
    // Every 100th request stalls its body: rare enough to keep the run short.
    server.setFallback(() => (++i % 100 === 0 ? { type: 'stall-body' } : actions[i % actions.length]!));
    // A time-out generous enough for a loaded CI machine; only the stalled bodies reach it.
    const hero = client({ timeoutMs: 1500, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const outcomes = { ok: 0, heroErrors: 0, other: [] as unknown[] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 1000) {
        next++;
        try {
          await hero.raw.GET('/v1/me');
          outcomes.ok++;
        } catch (error) {
          if (error instanceof HeroError) outcomes.heroErrors++;
          else outcomes.other.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    process.off('unhandledRejection', onUnhandled);
    expect(outcomes.other).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(warnings.map((w) => w.name)).toEqual([]);
    expect(outcomes.ok + outcomes.heroErrors).toBe(1000);
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.heroErrors).toBeGreaterThan(0);
  }, 30_000);
});
