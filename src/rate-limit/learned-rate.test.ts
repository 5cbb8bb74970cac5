import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterSend, DEFAULT_LEARNED_RATE, EMPTY_LEVEL, fitLimit, initialLearnedRate, learnedRate, learnFromEpisode, stepFor } from './learned-rate.js';

/** Send times a token bucket (`rate`/s holding `burst`, at `level` at 0) accepts, for a client sending at `times`. */
function served(rate: number, burst: number, level: number, times: readonly number[]): boolean[] {
  let tokens = level;
  let last = 0;
  return times.map((t) => {
    tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
    last = t;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  });
}

describe('fitting the limit', () => {
  it('recovers a token bucket from the sends it accepted, sent faster than it refills', () => {
    const times = Array.from({ length: 300 }, (_, i) => i * 10); // 100/s against 50/s
    const refused = served(50, 10, 1, times);
    const fit = fitLimit({ times, refused, startAt: 0, startLevel: 1 }, 10).limit;
    expect(fit).toBeGreaterThan(49);
    expect(fit).toBeLessThanOrEqual(50.5);
  });

  it('never fits above the real limit, whatever the pattern of sending (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 300 }), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 5, maxLength: 300 }), (rate, burst, gaps) => {
        let t = 0;
        const times = gaps.map((gap) => (t += gap));
        const refused = served(rate, burst, 0.5, times);
        expect(fitLimit({ times, refused, startAt: 0, startLevel: 0.5 }, burst).limit).toBeLessThanOrEqual(rate * 1.0001);
      }),
    );
  });
});

describe('learned state', () => {
  it('is unlimited until the first episode, which starts slow start no faster than two bucketfuls a second', () => {
    const start = initialLearnedRate(0);
    expect(learnedRate(start)).toBe(DEFAULT_LEARNED_RATE.maxRps);
    const times = Array.from({ length: 10 }, (_, i) => i / 10);
    const slow = learnFromEpisode(start, { times, refused: times.map((_, i) => i >= 3), startAt: 0, startLevel: Infinity }, 0.5, 5);
    expect(slow.bucket).toBe(3);
    expect(learnedRate(slow)).toBe(6);
  });

  it('grows by sending, not by waiting: a step per send doubles the rate per doubling time of sending at it', () => {
    let state = { ...learnFromEpisode(initialLearnedRate(0), { times: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], refused: [...Array(10).fill(false), true], startAt: 0, startLevel: Infinity }, 0, 0), rps: 20 };
    expect(learnedRate(state)).toBe(20);
    // An hour with no send: still 20.
    expect(learnedRate(afterSend(state, 3_600_000))).toBeCloseTo(20 + stepFor(DEFAULT_LEARNED_RATE.startDoublingMs), 9);
    // Sending at the rate for one doubling time (about 20/s × 0.3 s × growing) roughly doubles it.
    let t = 0;
    while (t < DEFAULT_LEARNED_RATE.startDoublingMs) {
      t += 1000 / learnedRate(state);
      state = afterSend(state, t);
    }
    expect(learnedRate(state)).toBeGreaterThan(38);
    expect(learnedRate(state)).toBeLessThan(42);
  });

  it('keeps a fitted rate within a few per cent when the 429s of an episode were stray ones that passed for evidence', () => {
    const fitted = { unlimited: false, fitted: true, rps: 40, doublingMs: 2000, flatUntil: 30_000, bucket: 10, emptyAt: 0, quietMs: 0 };
    // Sending at 40/s for 2 s; three stray 429s in the last second, the rest accepted.
    const times = Array.from({ length: 80 }, (_, i) => i * 25);
    // (With none refused at all, the fit is the rate sent at: nothing changes.)
    const untouched = learnFromEpisode(fitted, { times, refused: times.map(() => false), startAt: 0, startLevel: EMPTY_LEVEL }, 1500, 2000);
    expect(untouched.rps).toBe(40);
    const stray = learnFromEpisode(fitted, { times, refused: times.map((_, i) => i === 60 || i === 70 || i === 79), startAt: 0, startLevel: EMPTY_LEVEL }, 1500, 2000);
    expect(stray.rps).toBeGreaterThan(40 * 0.95);
    expect(stray.rps).toBeLessThanOrEqual(40);
    // The same sends against a 30/s bucket: most of the last ones refused, the rate comes down to it.
    const refused = served(30, 10, 0.5, times);
    const limited = learnFromEpisode(fitted, { times, refused, startAt: 0, startLevel: EMPTY_LEVEL }, 0, 2000);
    expect(limited.rps).toBeLessThan(30);
    expect(limited.rps).toBeGreaterThan(30 * 0.9);
  });
});

