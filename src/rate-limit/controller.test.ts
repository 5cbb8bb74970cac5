import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../transport/options.js';
import { HeroClientClosedError } from './client-closed-error.js';
import { createRateController, START_WINDOW, type RateController, type RatePermit } from './controller.js';
import { DEFAULT_RATE_LIMIT, type NormalizedRateLimit } from './options.js';
import { startPacedCall } from './paced-call.js';
import type { RateLimitStore } from './store.js';

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

/** A permit granted at once (not a promise), or a test failure. */
function now(value: RatePermit | undefined | Promise<RatePermit | undefined>): RatePermit {
  if (value instanceof Promise || value === undefined) throw new Error('expected a permit at once');
  return value;
}

const acquire = (controller: RateController, maxWaitMs = Infinity) => controller.acquire({ retry: false, maxWaitMs });

describe('rate controller: no limit in sight', () => {
  it('grants a permit at once, not a promise, while nothing waits and a slot is free (no timer hop per call)', () => {
    const controller = createRateController(limit({}), fakeTime());
    for (let i = 0; i < 1000; i++) now(acquire(controller)).done({ kind: 'answered' });
    expect(controller.snapshot()).toMatchObject({ requestsPerSecond: Infinity, inFlight: 0, queued: 0 });
  });

  it("opens a fresh client's start window by one per answer, to maxInFlight, with no pacing in time", async () => {
    const time = fakeTime();
    const controller = createRateController(limit({}), time);
    const first = Array.from({ length: START_WINDOW }, () => now(acquire(controller)));
    let next: RatePermit | undefined;
    void settle(acquire(controller)).then((permit) => (next = permit));
    await time.advanceTo(0);
    expect(next).toBeUndefined();
    first[0]!.done({ kind: 'answered' });
    await time.advanceTo(0);
    // One answer freed its slot and opened one more: the waiter and a new call go at once.
    expect(next).toBeDefined();
    // Round trip by round trip (all in flight answered each time), the window doubles until fully open.
    const inFlightPerRound: number[] = [];
    let outstanding = [...first.slice(1), now(acquire(controller))];
    for (let round = 0; round < 6 && controller.snapshot().inFlight < DEFAULT_RATE_LIMIT.maxInFlight; round++) {
      const answering = outstanding;
      outstanding = [];
      answering.forEach((permit) => permit.done({ kind: 'answered' }));
      for (;;) {
        const permit = acquire(controller);
        if (permit instanceof Promise) {
          void permit.then((granted) => granted && outstanding.push(granted));
          break;
        }
        outstanding.push(permit!);
      }
      inFlightPerRound.push(controller.snapshot().inFlight);
    }
    expect(inFlightPerRound.at(-1)).toBe(DEFAULT_RATE_LIMIT.maxInFlight);
    // Four to 64: five round trips (the first answer came on its own).
    expect(inFlightPerRound.length).toBeLessThanOrEqual(Math.ceil(Math.log2(DEFAULT_RATE_LIMIT.maxInFlight / START_WINDOW)) + 1);
    for (let i = 1; i < inFlightPerRound.length; i++) expect(inFlightPerRound[i]).toBeGreaterThan(inFlightPerRound[i - 1]!);
  });

  it('holds nobody for a stray 429: the other calls go on at once, the rate stays unlimited', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({}), time);
    const call = () => startPacedCall(controller, { signal: undefined, deadlineAt: Infinity, deadlineMs: Infinity, now: time.now, maxWaitMs: 60_000, retry: DEFAULT_RETRY, random: () => 0.5 });
    for (let i = 0; i < 100; i++) {
      const paced = call();
      expect(paced.acquire()).toBe(true);
      paced.settle(i === 50 ? { kind: 'status', status: 429, retryAfterMs: 1000 } : undefined);
    }
    expect(controller.snapshot().requestsPerSecond).toBe(Infinity);
    expect(call().acquire()).toBe(true);
  });

  it('leaves a 503 with Retry-After to the retry policy: it is not a rate', () => {
    const time = fakeTime();
    const controller = createRateController(limit({}), time);
    const paced = startPacedCall(controller, { signal: undefined, deadlineAt: Infinity, deadlineMs: Infinity, now: time.now, maxWaitMs: 60_000, retry: DEFAULT_RETRY, random: () => 0.5 });
    for (let i = 0; i < 40; i++) {
      expect(paced.acquire()).toBe(true);
      const outage = { kind: 'status', status: 503, retryAfterMs: 1000 } as const;
      paced.settle(outage);
      expect(paced.throttleDecision(outage)).toBeUndefined();
    }
    expect(controller.snapshot().requestsPerSecond).toBe(Infinity);
  });
});

describe('rate controller: a limit', () => {
  it('learns a rate once 429s make up most answers (evidence), and paces from then on', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({}), time);
    // One send at a time: three through, then refused.
    for (let i = 0; i < 3; i++) now(acquire(controller)).done({ kind: 'answered' });
    for (let i = 0; i < 4; i++) now(acquire(controller)).done({ kind: 'throttled' });
    // Four 429s are not yet evidence...
    expect(controller.snapshot().requestsPerSecond).toBe(Infinity);
    // ...five in eight sends are: slow start, at no more than two of the bucket's three a second.
    now(acquire(controller)).done({ kind: 'throttled' });
    expect(controller.snapshot().requestsPerSecond).toBe(6);
    // Paced: after at most a short burst, permits wait.
    let waited = false;
    for (let i = 0; i < 10 && !waited; i++) {
      const permit = acquire(controller);
      if (permit instanceof Promise) waited = true;
      else permit?.done({ kind: 'answered' });
    }
    expect(waited).toBe(true);
  });

  it('never has more than maxInFlight permits out; a freed slot goes to the next waiter', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ maxInFlight: 2 }), time);
    const first = now(acquire(controller));
    now(acquire(controller));
    let third: RatePermit | undefined;
    void settle(acquire(controller)).then((permit) => (third = permit));
    await time.advanceTo(10_000);

    expect(third).toBeUndefined();
    expect(controller.snapshot()).toMatchObject({ inFlight: 2, queued: 1 });
    first.done({ kind: 'answered' });
    await time.advanceTo(10_000);
    expect(third).toBeDefined();
    expect(controller.snapshot()).toMatchObject({ inFlight: 2, queued: 0 });
  });

  it('paces at a known limit from the first send: permits come out one interval apart after half the burst', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ requestsPerSecond: 10, burst: 4 }), time);
    const grantedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      void settle(acquire(controller)).then((permit) => {
        grantedAt.push(time.now());
        permit?.done({ kind: 'answered' });
      });
    }
    await time.advanceTo(1000);
    expect(grantedAt).toEqual([0, 0, 100, 200, 300]);
  });

  it('rejects a queued call with its signal reason when cancelled, and frees its place', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ maxInFlight: 1 }), time);
    now(acquire(controller));
    const cancel = new AbortController();
    const waiting = settle(controller.acquire({ signal: cancel.signal, retry: false, maxWaitMs: Infinity }));
    cancel.abort(new Error('stop'));

    await expect(waiting).rejects.toThrow('stop');
    expect(controller.snapshot().queued).toBe(0);
  });

  it('gives up with undefined when the wait limit passes first', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ maxInFlight: 1 }), time);
    now(acquire(controller));
    let result: RatePermit | undefined | 'pending' = 'pending';
    void settle(acquire(controller, 500)).then((permit) => (result = permit));
    await time.advanceTo(499);
    expect(result).toBe('pending');
    await time.advanceTo(500);
    expect(result).toBeUndefined();
    expect(controller.snapshot().queued).toBe(0);
  });
});

describe('rate controller: closing', () => {
  it('rejects every waiting call with HeroClientClosedError at once, and every later one', async () => {
    const time = fakeTime();
    const controller = createRateController(limit({ requestsPerSecond: 2 }), time);
    now(acquire(controller));
    const waiting = Array.from({ length: 5 }, () => settle(acquire(controller)));
    const outcomes = Promise.allSettled(waiting);
    await controller.close();
    const settled = await outcomes;

    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('rejected'));
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(HeroClientClosedError);
    expect(controller.snapshot().queued).toBe(0);
    await expect(settle(acquire(controller))).rejects.toBeInstanceOf(HeroClientClosedError);
  });

  it('settles the waiting calls before the store is closed, even when closing the store never finishes', async () => {
    const store: RateLimitStore = { take: () => new Promise(() => {}), throttled: async () => {}, close: () => new Promise(() => {}) };
    const controller = createRateController(limit({ store, ownsStore: true }), fakeTime());
    const waiting = settle(acquire(controller));
    void controller.close();
    await expect(waiting).rejects.toBeInstanceOf(HeroClientClosedError);
  });
});

describe('rate controller: shared store', () => {
  it('takes sends from the store while it answers, at a quarter of a known burst', async () => {
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
    const controller = createRateController(limit({ store, requestsPerSecond: 5, burst: 8 }), time);
    await settle(acquire(controller));

    expect(takes).toEqual([{ requestsPerSecond: 5, burst: 2 }]);
    expect(controller.snapshot().mode).toBe('shared');
  });

  it('reports every 429 to the store with how long ago it was sent: the store judges it for the fleet', async () => {
    const time = fakeTime();
    const reports: unknown[] = [];
    const store: RateLimitStore = { take: async () => 0, throttled: async (report) => void reports.push(report), close: async () => {} };
    const controller = createRateController(limit({ store }), time);
    const permit = (await settle(acquire(controller)))!;
    await time.advanceTo(40);
    permit.done({ kind: 'throttled' });
    expect(reports).toEqual([{ sentAgoMs: 40, limit: undefined }]);
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
      const permit = await settle(acquire(controller));
      expect(permit).toBeDefined();
      permit!.done({ kind: 'throttled' });
    }
    await time.advanceTo(10);
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
});
