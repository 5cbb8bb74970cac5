import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { KNOWN_BACKOFF } from './known-limit.js';
import { createLocalSchedule, type RateSchedule } from './local-schedule.js';

/** Takes as many sends as the schedule allows at `now`. */
function drain(schedule: RateSchedule, now: number, max = 1000): number {
  let taken = 0;
  while (taken < max && schedule.tryTake(now) === undefined) taken++;
  return taken;
}

/**
 * A client that sends whenever the schedule allows (up to `perMs` sends a millisecond)
 * against a server: a token bucket of `rate`/s holding `burst` (0 = no limit) that also
 * answers `stray` of requests with a 429 whatever the rate. Answers come back at once.
 * Returns the 429s of the limit in each second, and the schedule.
 */
function run(options: { rate: number; burst: number; stray?: number; seconds: number; known?: boolean; perMs?: number }) {
  const { rate, burst, stray = 0, seconds, perMs = 1 } = options;
  const schedule = createLocalSchedule(options.known ? { requestsPerSecond: rate, burst } : {}, 0);
  const random = seededRandom(3);
  let tokens = burst;
  let last = 0;
  const limited = Array.from({ length: seconds }, () => 0);
  let accepted = 0;
  let evidence = 0;
  for (let t = 0; t < seconds * 1000; t++) {
    tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
    last = t;
    for (let n = 0; n < perMs && schedule.tryTake(t) === undefined; n++) {
      const send = schedule.lastSend;
      if (random() < stray) {
        if (schedule.refused(send, t)) evidence++;
      } else if (rate === 0 || tokens >= 1) {
        tokens -= 1;
        accepted++;
      } else {
        limited[Math.floor(t / 1000)]!++;
        if (schedule.refused(send, t)) evidence++;
      }
    }
  }
  return { schedule, limited, accepted, evidence };
}

describe('known limit', () => {
  it('allows half the burst at once (the rest absorbs jitter), then one per 1/rate, and says when the next one may go', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);

    expect(drain(schedule, 0)).toBe(5);
    expect(schedule.tryTake(0)).toBe(20);
    expect(drain(schedule, 20)).toBe(1);
    let taken = 0;
    for (let t = 21; t <= 1020; t++) taken += drain(schedule, t);
    expect(taken).toBe(50);
  });

  it('paces at burst 1 by default', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 4 }, 0);
    expect(drain(schedule, 0)).toBe(1);
    expect(schedule.tryTake(0)).toBe(250);
  });

  it('moves a few per cent under the limit only on evidence, once per episode; a stray 429 changes nothing', () => {
    const schedule = createLocalSchedule({ requestsPerSecond: 50, burst: 10 }, 0);
    const sends: number[] = [];
    for (let t = 0; t < 2000; t += 20) if (schedule.tryTake(t) === undefined) sends.push(schedule.lastSend);
    expect(schedule.refused(sends[50]!, 1010)).toBe(false);
    expect(schedule.rateAt(1010)).toBe(50);
    // The last ten sends refused: the rate caused them.
    const judged = sends.slice(-10).map((send) => schedule.refused(send, 2010));
    expect(judged.filter(Boolean)).toHaveLength(1);
    expect(schedule.rateAt(2010)).toBeCloseTo(50 * KNOWN_BACKOFF, 6);
  });

  it('at burst 1 against a server with no room for jitter, settles under the limit instead of drawing 429s', () => {
    // Server: GCRA with burst 1; each request reaches it 0–3 ms late, at random.
    const rate = 20;
    const interval = 1000 / rate;
    let serverTat = 0;
    const schedule = createLocalSchedule({ requestsPerSecond: rate }, 0);
    const random = seededRandom(7);
    let now = 0;
    let rejectedLate = 0;
    for (let sent = 0; sent < 2000; ) {
      const next = schedule.tryTake(now);
      if (next !== undefined) {
        now = next;
        continue;
      }
      sent++;
      const arrival = now + random() * 3;
      if (arrival < serverTat) {
        if (sent > 1000) rejectedLate++;
        schedule.refused(schedule.lastSend, arrival);
      } else {
        serverTat = arrival + interval;
      }
    }
    // Paced exactly at the limit about half of these would be refused.
    expect(rejectedLate).toBeLessThanOrEqual(40);
    expect(schedule.rateAt(now)).toBeGreaterThan(rate * 0.8);
  });
});

describe('learned rate', () => {
  it('is unlimited until there is evidence: no pacing at all, whatever stray 429s come', () => {
    const { schedule, evidence, accepted } = run({ rate: 0, burst: 0, stray: 0.01, seconds: 5, perMs: 20 });
    expect(evidence).toBe(0);
    expect(accepted).toBeGreaterThan(5000 * 20 * 0.98);
    expect(schedule.rateAt(5000)).toBe(Infinity);
  });

  it('against a token bucket, finds the limit within a few per cent and then draws (almost) no 429s', () => {
    const { schedule, limited } = run({ rate: 50, burst: 10, seconds: 20, perMs: 64 });
    // The unpaced start and the slow start draw their 429s in the first two seconds...
    expect(limited[0]! + limited[1]!).toBeGreaterThan(0);
    // ...and then, until the plateau ends, none.
    expect(limited.slice(3, 19).reduce((a, b) => a + b, 0)).toBe(0);
    expect(schedule.rateAt(19_000)).toBeGreaterThan(50 * 0.94);
    expect(schedule.rateAt(19_000)).toBeLessThanOrEqual(50);
  });

  it('finds the limit through 1% stray 429s just the same, and the stray ones never lower it', () => {
    const clean = run({ rate: 200, burst: 40, seconds: 10, perMs: 64 });
    const noisy = run({ rate: 200, burst: 40, stray: 0.01, seconds: 10, perMs: 64 });
    expect(noisy.schedule.rateAt(9000)).toBeGreaterThan(200 * 0.94);
    expect(noisy.schedule.rateAt(9000)).toBeGreaterThan(clean.schedule.rateAt(9000) * 0.97);
  });

  it('sends no burst straight after evidence: the server bucket is empty', () => {
    const schedule = createLocalSchedule({}, 0);
    const sends = Array.from({ length: 40 }, () => (schedule.tryTake(0), schedule.lastSend));
    for (const send of sends.slice(10)) schedule.refused(send, 1);
    expect(schedule.rateAt(1)).toBeLessThan(Infinity);
    expect(drain(schedule, 1)).toBeLessThanOrEqual(1);
  });
});
