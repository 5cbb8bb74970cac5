import { describe, expect, it } from 'vitest';
import { createLocalSchedule } from './local-schedule.js';
import { DEFAULT_RATE_CURVE, rateAt } from './rate-curve.js';

/** Takes as many sends as the schedule allows at `now`. */
function drain(schedule: ReturnType<typeof createLocalSchedule>, now: number, max = 1000): number {
  let taken = 0;
  while (taken < max && schedule.tryTake(now) === undefined) taken++;
  return taken;
}

describe('known limit', () => {
  it('allows half the burst at once (the rest absorbs jitter), then one per 1/rate, and says when the next one may go', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);

    expect(drain(schedule, 0)).toBe(5);
    expect(schedule.tryTake(0)).toBe(20);
    expect(drain(schedule, 20)).toBe(1);
    // Over the next second exactly 50 more.
    let taken = 0;
    for (let t = 21; t <= 1020; t++) taken += drain(schedule, t);
    expect(taken).toBe(50);
  });

  it('paces at burst 1 by default', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 4 }, 0);
    expect(drain(schedule, 0)).toBe(1);
    expect(schedule.tryTake(0)).toBe(250);
  });
});

describe('throttle', () => {
  it('holds every send until the Retry-After has passed, then allows the burst again', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);
    drain(schedule, 0);
    expect(schedule.throttled(0, 1000, 5)).toBe(1005);

    expect(schedule.tryTake(500)).toBe(1005);
    expect(schedule.tryTake(1004)).toBe(1005);
    expect(drain(schedule, 1005)).toBe(5);
  });

  it('lets the call that waited out its own hold through, scheduled as if at the end of the hold', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);
    const holdUntil = schedule.throttled(0, 2000, 0);

    expect(schedule.tryTake(10)).toBe(holdUntil);
    expect(schedule.tryTake(10, holdUntil)).toBeUndefined();
    // A later hold is not the call's own: it waits again.
    const later = schedule.throttled(10, 3000, 10);
    expect(schedule.tryTake(20, holdUntil)).toBe(later);
  });

  it('lowers the learned rate once per episode: answers to requests sent before the decrease do not lower it again', () => {
    const schedule = createLocalSchedule({}, 0);
    // Slow start, then sends at whatever the schedule allows, all answered at once.
    for (let t = 0; t < 3000; t++) for (let n = drain(schedule, t, 2); n > 0; n--) schedule.succeeded(t);
    const before = schedule.rateAt(3000);
    schedule.throttled(2990, 1000, 3000);
    const after = schedule.rateAt(4000);
    schedule.throttled(2995, 1000, 3001);
    schedule.throttled(2999, 1000, 3002);

    expect(after).toBeLessThan(before);
    expect(schedule.rateAt(4002)).toBeCloseTo(after, 0);
  });

  it('restarts just below the rate Hero accepted, not the (higher) rate the bucket allowed or the client sent', () => {
    const schedule = createLocalSchedule({}, 0);
    // 80 sends/s for 3 s while the allowed rate climbs far above it; Hero accepts half.
    for (let i = 0; i < 240; i++) {
      schedule.tryTake(i * 12.5);
      if (i % 2 === 0) schedule.succeeded(i * 12.5);
    }
    expect(schedule.rateAt(3000)).toBeGreaterThan(200);
    schedule.throttled(2975, 1000, 3000);

    const restart = schedule.rateAt(4000);
    expect(restart).toBeGreaterThan(40 * DEFAULT_RATE_CURVE.beta * 0.9);
    expect(restart).toBeLessThan(40);
  });

  it('keeps a known limit as it is after a throttle', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);
    schedule.throttled(0, 1000, 0);
    expect(schedule.rateAt(5000)).toBe(50);
  });
});

describe('rate curve', () => {
  it('doubles during slow start and is unlimited past maxRps', () => {
    const start = { epochAt: 0, wMax: 0 };
    expect(rateAt(start, 0)).toBe(DEFAULT_RATE_CURVE.initialRps);
    expect(rateAt(start, DEFAULT_RATE_CURVE.doublingMs)).toBeCloseTo(2 * DEFAULT_RATE_CURVE.initialRps);
    expect(createLocalSchedule({}, 0).rateAt(60_000)).toBe(Infinity);
  });

  it('starts at beta × wMax after a throttle, levels out near wMax, then probes above it', () => {
    const state = { epochAt: 0, wMax: 100 };
    const c = DEFAULT_RATE_CURVE;
    const k = Math.cbrt((c.plateau - c.beta) / c.cubicScale) * 1000;
    expect(rateAt(state, 0)).toBeCloseTo(100 * c.beta);
    // The plateau, plus the additive increase that lets lone learners converge to fair shares.
    expect(rateAt(state, k)).toBeCloseTo(100 * c.plateau + (c.additivePerSecond * k) / 1000);
    expect(rateAt(state, 3 * k)).toBeGreaterThan(100);
  });
});
