import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendGate } from './send-gate.js';

describe('the send gate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets a pile-up of held-up sends leave at the rate in force, after the burst', async () => {
    const gate = createSendGate(() => ({ requestsPerSecond: 100, burst: 3 }), () => Date.now());
    const leftAt: number[] = [];
    const start = Date.now();
    // Ten sends whose records all completed at once.
    const passes = Array.from({ length: 10 }, () => gate().then(() => leftAt.push(Date.now() - start)));
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all(passes);
    expect(leftAt.slice(0, 3)).toEqual([0, 0, 0]);
    // Then one every 10 ms: never more than the burst plus the rate in any window.
    for (let i = 3; i < 10; i++) expect(leftAt[i]).toBeGreaterThanOrEqual((i - 2) * 10);
    expect(leftAt[9]).toBeLessThanOrEqual(80);
  });

  it('never holds back sends that arrive already spaced', async () => {
    const gate = createSendGate(() => ({ requestsPerSecond: 100, burst: 1 }), () => Date.now());
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      await gate();
      expect(Date.now()).toBe(before);
      await vi.advanceTimersByTimeAsync(10);
    }
  });

  it('does nothing without pacing, or at an unlimited rate', async () => {
    for (const pacing of [undefined, () => undefined, () => ({ requestsPerSecond: Infinity, burst: 1 })]) {
      const gate = createSendGate(pacing, () => Date.now());
      const before = Date.now();
      await Promise.all(Array.from({ length: 20 }, () => gate()));
      expect(Date.now()).toBe(before);
    }
  });
});
