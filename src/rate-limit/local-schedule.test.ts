import { describe, expect, it } from 'vitest';
import { KNOWN_BACKOFF } from './known-limit.js';
import { createLocalSchedule } from './local-schedule.js';
import { DEFAULT_LEARNED_RATE, initialLearnedRate, learnedRateAt, learnFromThrottle } from './learned-rate.js';

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

  it('learns once per episode: answers to requests sent before the first 429 of it change nothing', () => {
    const schedule = createLocalSchedule({}, 0);
    for (let t = 0; t < 700; t++) drain(schedule, t, 2);
    const before = schedule.rateAt(700);
    schedule.throttled(690, 1000, 700);
    const after = schedule.rateAt(1700);
    schedule.throttled(695, 1000, 701);
    schedule.throttled(699, 1000, 702);

    expect(after).toBeLessThan(before);
    expect(schedule.rateAt(1702)).toBeCloseTo(after, 0);
  });

  it('against a token bucket, finds the limit from two 429s and then sends just under it', () => {
    // A server bucket of 50/s holding 10, full at the start; the client sends whenever allowed.
    const schedule = createLocalSchedule({}, 0);
    let tokens = 10;
    let last = 0;
    const throttles: number[] = [];
    let resumeAt = 0;
    for (let t = 0; t < 20_000; t++) {
      tokens = Math.min(10, tokens + ((t - last) * 50) / 1000);
      last = t;
      if (t < resumeAt) continue;
      while (schedule.tryTake(t) === undefined) {
        if (tokens >= 1) tokens -= 1;
        else {
          throttles.push(t);
          resumeAt = schedule.throttled(t, 1000, t);
          break;
        }
      }
    }
    // Two 429s to measure it; then within 2.5% of it, with no more 429s for the rest of the 20 s.
    expect(throttles.length).toBe(2);
    const rate = schedule.rateAt(19_000);
    expect(rate).toBeGreaterThan(50 * 0.95);
    expect(rate).toBeLessThan(50 * 1.025);
  });

  it('after a throttle at a known limit, sends a few per cent under it (once per episode) and climbs back slowly', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);
    expect(schedule.rateAt(0)).toBe(50);
    schedule.throttled(0, 1000, 10);
    expect(schedule.rateAt(10)).toBeCloseTo(50 * KNOWN_BACKOFF, 9);
    // A late answer to a request sent before that throttle is the same episode.
    schedule.throttled(5, 1000, 20);
    expect(schedule.rateAt(20)).toBeCloseTo(50 * KNOWN_BACKOFF, 2);
    // A request sent after it, throttled: a new episode.
    schedule.throttled(2000, 1000, 2010);
    expect(schedule.rateAt(2010)).toBeLessThan(50 * KNOWN_BACKOFF * KNOWN_BACKOFF * 1.01);
    expect(schedule.rateAt(600_000)).toBe(50);
  });

  it('keeps a known limit after a 503 with Retry-After (an outage is not a rate) or a send the shared store granted', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);
    schedule.throttled(0, 5000, 10, true, false);
    schedule.throttled(6000, 5000, 6010, false, true);
    expect(schedule.rateAt(6010)).toBe(50);
    expect(schedule.holdUntil).toBe(11_010);
  });

  it('at a known limit with burst 1 against a server with no room for jitter, settles under the limit instead of drawing 429s', () => {
    // Server: GCRA with burst 1 (each request must arrive a whole interval after the
    // last accepted one); each request reaches it 0–3 ms late, at random.
    const rate = 20;
    const interval = 1000 / rate;
    let serverTat = 0;
    const schedule = createLocalSchedule({ requestsPerSecond: rate }, 0);
    let seed = 7;
    const jitter = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 3;
    let now = 0;
    let rejectedLate = 0;
    for (let sent = 0; sent < 2000; ) {
      const next = schedule.tryTake(now);
      if (next !== undefined) {
        now = next;
        continue;
      }
      sent++;
      const arrival = now + jitter();
      if (arrival < serverTat) {
        if (sent > 1000) rejectedLate++;
        schedule.throttled(now, 1000, arrival);
      } else {
        serverTat = arrival + interval;
      }
    }
    // Paced exactly at the limit about half of these would be refused.
    expect(rejectedLate).toBeLessThanOrEqual(5);
    expect(schedule.rateAt(now)).toBeGreaterThan(rate * 0.8);
  });
});

describe('learned rate', () => {
  it('doubles during slow start and is unlimited past maxRps', () => {
    const start = initialLearnedRate(0);
    expect(learnedRateAt(start, 0)).toBe(DEFAULT_LEARNED_RATE.initialRps);
    expect(learnedRateAt(start, DEFAULT_LEARNED_RATE.doublingMs)).toBeCloseTo(2 * DEFAULT_LEARNED_RATE.initialRps);
    expect(createLocalSchedule({}, 0).rateAt(60_000)).toBe(Infinity);
  });

  it('bounds the limit by A/T after one 429, restarts below it and climbs back', () => {
    const p = DEFAULT_LEARNED_RATE;
    const state = learnFromThrottle(initialLearnedRate(0), 800, 48, 100, 1800);
    expect(state.bound).toBeCloseTo(60);
    expect(state.estimate).toBe(0);
    expect(learnedRateAt(state, 1800)).toBeCloseTo(60 * p.firstBeta);
    expect(learnedRateAt(state, 1800 + p.climbMs)).toBeCloseTo(60);
  });

  it('solves A = B + L·T from two stretches of different lengths', () => {
    // B = 10, L = 50: 0.8 s → 50 sends, 6 s → 310 sends.
    const one = learnFromThrottle(initialLearnedRate(0), 800, 50, 100, 1800);
    const two = learnFromThrottle(one, 6000, 310, 55, 8800);
    expect(two.estimate).toBeCloseTo(50);
    expect(learnedRateAt(two, 8800)).toBeCloseTo(50 * DEFAULT_LEARNED_RATE.margin);
    // Flat through the plateau, then probing above.
    expect(learnedRateAt(two, 8800 + DEFAULT_LEARNED_RATE.plateauMs)).toBeCloseTo(50 * DEFAULT_LEARNED_RATE.margin);
    expect(learnedRateAt(two, 8800 + DEFAULT_LEARNED_RATE.plateauMs + 5000)).toBeGreaterThan(50);
  });

  it('switches to AIMD when a stretch gets well under the estimate (others share the limit)', () => {
    const two = learnFromThrottle(learnFromThrottle(initialLearnedRate(0), 800, 50, 100, 1800), 6000, 310, 55, 8800);
    const shared = learnFromThrottle(two, 3000, 100, 40, 12_800);
    expect(shared.contended).toBe(true);
    expect(learnedRateAt(shared, 12_800)).toBeCloseTo(40 * DEFAULT_LEARNED_RATE.shareBeta);
    // The same additive increase for every client, in requests/s per second.
    const perSecond = learnedRateAt(shared, 13_800) - learnedRateAt(shared, 12_800);
    expect(perSecond).toBeCloseTo(DEFAULT_LEARNED_RATE.shareIncreaseRps);
  });

  it('switches to AIMD when a 429 comes straight after a hold: the bucket did not refill, someone else is sending', () => {
    const one = learnFromThrottle(initialLearnedRate(0), 800, 50, 100, 1800);
    const shared = learnFromThrottle(one, 10, 1, 45, 2810);
    expect(shared.contended).toBe(true);
  });

  it('keeps the estimate near the rate that drained the bucket when the stretch began under the limit (A/T reads low)', () => {
    // A stretch that spent most of its time under a 200/s limit: A/T 131/s, drained at 234/s.
    const one = learnFromThrottle(initialLearnedRate(0), 1254, 149, 362, 2254);
    const two = learnFromThrottle(one, 19_739, 2593, 234, 22_000);
    expect(two.estimate).toBeCloseTo(DEFAULT_LEARNED_RATE.ceilingFraction * 234);
  });

  it('never takes a bound above the rate it sent at (a burst right after a hold inflates A/T)', () => {
    const state = learnFromThrottle(initialLearnedRate(0), 300, 30, 40, 1300);
    expect(state.bound).toBe(40);
  });
});
