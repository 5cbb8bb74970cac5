import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, type NormalizedRateLimit } from '../rate-limit/options.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import { DEFAULT_RETRY } from './options.js';
import { createRateController, startPacedCall, type RatePermit } from './rate-controller.js';

/** A manual clock: timers fire only when the test advances time. */
function fakeTime() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, delayMs: number) => {
      const id = nextId++;
      timers.set(id, { at: now + delayMs, fn });
      return id;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    /** Moves time to `to`, firing due timers in order, letting promises settle between them. */
    async advanceTo(to: number) {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        const due = [...timers.entries()].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = to;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const limit = (overrides: Partial<NormalizedRateLimit>): NormalizedRateLimit => ({ ...DEFAULT_RATE_LIMIT, ...overrides });

async function settle<T>(value: T | Promise<T>): Promise<T> {
  return value;
}

describe('rate controller', () => {
  it('never has more than maxInFlight permits out; a freed slot goes to the next waiter', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ maxInFlight: 2 }), time);
    const first = (await settle(controller.acquire({ retry: false, maxWaitMs: Infinity })))!;
    await settle(controller.acquire({ retry: false, maxWaitMs: Infinity }));
    let third: RatePermit | undefined;
    void settle(controller.acquire({ retry: false, maxWaitMs: Infinity })).then((permit) => (third = permit));
    await time.advanceTo(10_000);

    expect(third).toBeUndefined();
    expect(controller.snapshot()).toMatchObject({ inFlight: 2, queued: 1 });
    first.done();
    await time.advanceTo(10_001);
    expect(third).toBeDefined();
    expect(controller.snapshot()).toMatchObject({ inFlight: 2, queued: 0 });
  });

  it('paces at a known limit: permits come out one interval apart after the burst', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ requestsPerSecond: 10, burst: 4 }), time);
    const grantedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      void settle(controller.acquire({ retry: false, maxWaitMs: Infinity })).then((permit) => {
        grantedAt.push(time.now());
        permit?.done();
      });
    }
    await time.advanceTo(1000);
    expect(grantedAt).toEqual([0, 0, 100, 200, 300]);
  });

  it('holds every waiting call for the Retry-After of one throttled call, but not the throttled call itself', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ requestsPerSecond: 100, burst: 10 }), time);
    const throttled = (await settle(controller.acquire({ retry: false, maxWaitMs: Infinity })))!;
    const ownHoldUntil = throttled.done(1000);
    expect(ownHoldUntil).toBe(1000);
    expect(controller.snapshot().holding).toBe(true);

    let otherAt: number | undefined;
    void settle(controller.acquire({ retry: false, maxWaitMs: Infinity })).then(() => (otherAt = time.now()));
    // The throttled call slept its own Retry-After in the transport; it goes first.
    const retried = await settle(controller.acquire({ retry: true, ownHoldUntil, maxWaitMs: Infinity }));
    expect(retried).toBeDefined();
    await time.advanceTo(999);
    expect(otherAt).toBeUndefined();
    await time.advanceTo(1000);
    expect(otherAt).toBe(1000);
  });

  it('at a known limit, a 429 moves the client a little under it; a 503 with Retry-After only holds it', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ requestsPerSecond: 100, burst: 10 }), time);
    const call = () => startPacedCall(controller, { signal: undefined, deadlineAt: Infinity, deadlineMs: Infinity, now: time.now, maxWaitMs: 60_000, retry: DEFAULT_RETRY, random: () => 0.5 });
    const outage = call();
    expect(await outage.acquire()).toBe(true);
    outage.settle({ kind: 'status', status: 503, retryAfterMs: 1000 });
    expect(controller.snapshot()).toMatchObject({ requestsPerSecond: 100, holding: true });
    await time.advanceTo(2000);
    const limited = call();
    expect(await limited.acquire()).toBe(true);
    limited.settle({ kind: 'status', status: 429, retryAfterMs: 1000 });
    expect(controller.snapshot().requestsPerSecond).toBeCloseTo(95, 6);
  });

  it('rejects a queued call with its signal reason when cancelled, and frees its place', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ maxInFlight: 1 }), time);
    await settle(controller.acquire({ retry: false, maxWaitMs: Infinity }));
    const cancel = new AbortController();
    const waiting = settle(controller.acquire({ signal: cancel.signal, retry: false, maxWaitMs: Infinity }));
    cancel.abort(new Error('stop'));

    await expect(waiting).rejects.toThrow('stop');
    expect(controller.snapshot().queued).toBe(0);
  });

  it('gives up with undefined when the wait limit passes first', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ maxInFlight: 1 }), time);
    await settle(controller.acquire({ retry: false, maxWaitMs: Infinity }));
    let result: RatePermit | undefined | 'pending' = 'pending';
    void settle(controller.acquire({ retry: false, maxWaitMs: 500 })).then((permit) => (result = permit));
    await time.advanceTo(499);
    expect(result).toBe('pending');
    await time.advanceTo(500);
    expect(result).toBeUndefined();
    expect(controller.snapshot().queued).toBe(0);
  });

  it('takes sends from the store while it answers', async () => {
    const time = fakeTime();
    const takes: unknown[] = [];
    const store: RateLimitStore = {
      take: async (request) => {
        takes.push(request.limit);
        return 0;
      },
      throttled: async () => {},
      close: async () => {},
    };
    const controller = createRateController(limit({ store, requestsPerSecond: 5, burst: 2 }), time);
    await settle(controller.acquire({ retry: false, maxWaitMs: Infinity }));

    // Half the agreed burst: the other half absorbs jitter.
    expect(takes).toEqual([{ requestsPerSecond: 5, burst: 1 }]);
    expect(controller.snapshot().mode).toBe('shared');
  });

  it('falls back to local pacing when the store fails, warns once without its error text, and never fails the call', async () => {
    const time = fakeTime();
    const warnings: string[] = [];
    const store: RateLimitStore = {
      take: () => Promise.reject(new Error('connect ECONNREFUSED redis://:s3cret@10.0.0.1')),
      throttled: () => Promise.reject(new Error('down')),
      close: async () => {},
    };
    const controller = createRateController(limit({ store }), { ...time, warn: (message) => warnings.push(message) });
    for (let i = 0; i < 3; i++) {
      const permit = await settle(controller.acquire({ retry: false, maxWaitMs: Infinity }));
      expect(permit).toBeDefined();
      permit!.done();
    }

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('s3cret');
    expect(controller.snapshot().mode).toBe('local');
  });

  it('closes a store it owns, and only then', async () => {
    let closed = 0;
    const store: RateLimitStore = { take: async () => 0, throttled: async () => {}, close: async () => void closed++ };
    await createRateController(limit({ store, ownsStore: false })).close();
    expect(closed).toBe(0);
    await createRateController(limit({ store, ownsStore: true })).close();
    expect(closed).toBe(1);
  });

  it("a retry waits out another call's longer hold, not just its own", async () => {
    const time = fakeTime();
    const controller = createRateController(limit({}), time);
    const a = (await settle(controller.acquire({ retry: false, maxWaitMs: Infinity })))!;
    const b = (await settle(controller.acquire({ retry: false, maxWaitMs: Infinity })))!;
    b.done(3000);
    const ownHoldUntil = a.done(1000);
    expect(ownHoldUntil).toBe(1000);
    await time.advanceTo(1000);
    let retried: RatePermit | undefined;
    void settle(controller.acquire({ retry: true, ownHoldUntil, maxWaitMs: Infinity })).then((permit) => (retried = permit));
    await time.advanceTo(2999);
    expect(retried).toBeUndefined();
    await time.advanceTo(3001);
    expect(retried).toBeDefined();
  });

  it('learns nothing locally from sends the shared store granted, so a fallback starts afresh', async () => {
    const time = fakeTime();
    let down = false;
    const store: RateLimitStore = {
      take: async () => {
        if (down) throw new Error('down');
        return 0;
      },
      throttled: async () => {},
      close: async () => {},
    };
    const controller = createRateController(limit({ store }), { ...time, warn: () => {} });
    for (let i = 0; i < 3; i++) {
      const permit = (await settle(controller.acquire({ retry: false, maxWaitMs: Infinity })))!;
      permit.done(10);
      await time.advanceTo(100 * (i + 1));
    }
    down = true;
    await settle(controller.acquire({ retry: false, maxWaitMs: Infinity }));
    // Local pacing after the fallback is slow start, not a rate "learned" from stretches it never saw.
    expect(controller.snapshot()).toMatchObject({ mode: 'local' });
    await time.advanceTo(2000);
    // Slow start (20/s doubling every 300 ms) is past 1,000/s by now; a rate "learned" from 429s with nothing counted would be near 10/s.
    expect(controller.snapshot().requestsPerSecond).toBeGreaterThan(500);
  });
});
