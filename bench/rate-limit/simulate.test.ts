import { describe, expect, it } from 'vitest';
import { simulate, type SimScenario, type SimServer, type SimSettings } from './simulate.js';

// The bench's limit (50/s, burst 10, Retry-After 1) with fewer sends: each run takes well under a second.
const settings: SimSettings = { sends: 600, storeLatencyMs: 0.3 };
const server = (extra: Partial<SimServer> = {}): SimServer => ({ rate: 50, burst: 10, latencyMs: 1, jitterMs: 1, strayPercent: 0, strayStatus: 503, strayRetryAfterMs: undefined, ...extra });
const scenario = (processes: number, concurrency: number, shared: boolean, known: boolean, extra: Partial<SimScenario> = {}): SimScenario => ({
  name: '',
  group: '',
  server: server(),
  processes,
  concurrency,
  shared,
  known,
  paced: true,
  ...extra,
});

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
    expect(fleet.p99Ms).toBeLessThanOrEqual(((4 * 64) / 50 + 1) * 1000);
  });

  it('learns the limit without being told, fails nothing, and is repeatable for a seed', async () => {
    const first = await simulate(scenario(1, 64, false, false), settings, 3);
    const again = await simulate(scenario(1, 64, false, false), settings, 3);

    expect(first.failed).toBe(0);
    expect(first.goodput).toBeGreaterThan(0.9);
    expect(again).toEqual(first);
  });

  it('keeps the limit it learned through 1% stray 503s and 429s', async () => {
    const clean = await simulate(scenario(1, 64, false, false, { server: server({ rate: 200, burst: 40 }) }), settings, 2);
    for (const strayStatus of [503, 429] as const) {
      const noisy = await simulate(scenario(1, 64, false, false, { server: server({ rate: 200, burst: 40, strayPercent: 1, strayStatus, strayRetryAfterMs: 0 }) }), settings, 2);
      expect(noisy.goodput).toBeGreaterThan(clean.goodput * 0.9);
    }
  });
});
