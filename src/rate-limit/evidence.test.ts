import { describe, expect, it } from 'vitest';
import { FITTED_EVIDENCE, judgeThrottles, MIN_SENDS, STRICT_EVIDENCE } from './evidence.js';

/** A window of `n` sends 1 ms apart, the ones at `refusedAt` (indexes) refused. */
function window(n: number, refusedAt: readonly number[]) {
  return { times: Array.from({ length: n }, (_, i) => i), refused: Array.from({ length: n }, (_, i) => refusedAt.includes(i)), reached: true };
}

describe('judging a 429', () => {
  it('takes stray 429s for what they are: one in a hundred sends is never evidence', () => {
    expect(judgeThrottles(window(100, [17]), STRICT_EVIDENCE)).toBeUndefined();
    expect(judgeThrottles(window(100, [17]), FITTED_EVIDENCE)).toBeUndefined();
    // Even three in a hundred, well spread, are not evidence until a limit has been fitted.
    expect(judgeThrottles(window(100, [5, 50, 95]), STRICT_EVIDENCE)).toBeUndefined();
  });

  it('takes most sends refused, as unpaced sending into a real limit draws, for evidence', () => {
    const sends = window(24, [10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    // The bucket ran dry at the earliest of the last five 429s, not at an earlier one.
    expect(judgeThrottles(sends, STRICT_EVIDENCE)).toBe(19);
  });

  it('never judges a share over fewer sends than MIN_SENDS: five 429s in five sends are not yet a share', () => {
    const few = window(5, [0, 1, 2, 3, 4]);
    expect(judgeThrottles(few, STRICT_EVIDENCE)).toBe(0);
    expect(STRICT_EVIDENCE.minThrottles).toBeGreaterThanOrEqual(STRICT_EVIDENCE.share * MIN_SENDS);
    expect(judgeThrottles(window(5, [0, 1, 2, 3]), STRICT_EVIDENCE)).toBeUndefined();
  });

  it('once a limit is fitted, takes a few 429s at the fitted rate for evidence', () => {
    const sends = window(36, [30, 33, 35]);
    expect(judgeThrottles(sends, STRICT_EVIDENCE)).toBeUndefined();
    expect(judgeThrottles(sends, FITTED_EVIDENCE)).toBe(30);
  });
});
