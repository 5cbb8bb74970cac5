import { describe, expect, it } from 'vitest';
import { simulate, type SimSettings } from './simulate.js';

// The bench's limit (50/s, burst 10, Retry-After 1) with fewer sends: each run takes well under a second.
const settings: SimSettings = { sends: 600, rate: 50, burst: 10, latencyMs: 1, jitterMs: 1, storeLatencyMs: 0.3, retryAfterMs: 1000 };
const scenario = (processes: number, concurrency: number, shared: boolean, known: boolean) => ({ name: '', processes, concurrency, shared, known });

describe('rate-limit simulator (the real controller in virtual time)', () => {
  it('paces a known limit exactly, in one process and in a fleet sharing one schedule, with no 429', async () => {
    const one = await simulate(scenario(1, 64, false, true), settings, 1);
    const fleet = await simulate(scenario(4, 64, true, true), settings, 1);

    for (const result of [one, fleet]) {
      expect(result.failed).toBe(0);
      expect(result.percent429).toBe(0);
      expect(result.goodput).toBeGreaterThan(0.98);
    }
    // The fleet's oldest call first: every call within calls in flight ÷ limit + 1 s.
    expect(fleet.p99Ms).toBeLessThanOrEqual(((4 * 64) / settings.rate + 1) * 1000);
  });

  it('learns the limit from two 429s and is repeatable for a seed', async () => {
    const first = await simulate(scenario(1, 64, false, false), settings, 3);
    const again = await simulate(scenario(1, 64, false, false), settings, 3);

    expect(first.episodes).toBe(2);
    expect(first.failed).toBe(0);
    expect(again).toEqual(first);
  });
});
