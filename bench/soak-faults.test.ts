import { describe, expect, it } from 'vitest';
import { FAULT_PERCENT, isProcessed, pickFault, seededRandom } from './soak-faults.js';

describe('soak fault mix', () => {
  it('injects faults into about 10% of requests, each near its planned share', () => {
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    const draws = 200_000;
    for (let i = 0; i < draws; i++) {
      const kind = pickFault(random());
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    expect((counts.get('ok') ?? 0) / draws).toBeCloseTo(0.9, 2);
    for (const [kind, percent] of Object.entries(FAULT_PERCENT)) {
      expect(((counts.get(kind) ?? 0) / draws) * 100).toBeCloseTo(percent, 0);
    }
  });

  it('counts as processed only what Hero would have acted on', () => {
    expect(isProcessed('rate-limited')).toBe(false);
    expect(isProcessed('unavailable')).toBe(false);
    expect(isProcessed('reset-before-processing')).toBe(false);
    for (const kind of ['ok', 'server-error', 'reset-after-processing', 'slow', 'timeout'] as const) expect(isProcessed(kind)).toBe(true);
  });

  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const c = seededRandom(2);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
