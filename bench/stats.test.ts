import { describe, expect, it } from 'vitest';
import { median, medianInterval, medianIntervalRank, quantile, winsorizedMeans } from './stats.js';

/** P(k ≤ Binomial(n, ½) ≤ n − k), exactly, with BigInt binomial coefficients (independent of the code under test). */
function exactCoverage(n: number, k: number): number {
  let inside = 0n;
  let coefficient = 1n; // C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k && i <= n - k) inside += coefficient;
    coefficient = (coefficient * BigInt(n - i)) / BigInt(i + 1);
  }
  // Scale before dividing so the ratio keeps its digits.
  return Number((inside * 10n ** 12n) / 2n ** BigInt(n)) / 1e12;
}

describe('bench statistics', () => {
  it('takes the median of an odd count as the middle value and of an even count as the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('reads quantiles by nearest rank without reordering the input', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(values[0]).toBe(100);
  });

  it('picks the textbook ranks for the 95% interval of a median', () => {
    // Published tables (e.g. Conover, Practical Nonparametric Statistics): n = 6 → (1, 6), 10 → (2, 9), 20 → (6, 15), 40 → (14, 27).
    expect(medianIntervalRank(5)).toBe(0);
    expect(medianIntervalRank(6)).toBe(1);
    expect(medianIntervalRank(10)).toBe(2);
    expect(medianIntervalRank(20)).toBe(6);
    expect(medianIntervalRank(40)).toBe(14);
  });

  it('chooses, for every n from 6 to 300, the tightest ranks whose exact coverage is at least 95%', () => {
    for (let n = 6; n <= 300; n++) {
      const k = medianIntervalRank(n);
      expect(exactCoverage(n, k), `n=${n} k=${k}`).toBeGreaterThanOrEqual(0.95);
      expect(exactCoverage(n, k + 1), `n=${n} k+1=${k + 1}`).toBeLessThan(0.95);
    }
  });

  it('stays finite for counts whose ½^n underflows', () => {
    const k = medianIntervalRank(5000);
    // Normal approximation: n/2 − 1.96·√n/2 ≈ 2430.7.
    expect(k).toBeGreaterThan(2425);
    expect(k).toBeLessThan(2435);
  });

  it('returns the order statistics at those ranks without reordering the input, and no interval for too few values', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20, 19, …, 1
    expect(medianInterval(values)).toEqual({ median: 10.5, low: 6, high: 15, lowRank: 6, highRank: 15 });
    expect(values[0]).toBe(20);
    const few = medianInterval([3, 1, 2]);
    expect(few.median).toBe(2);
    expect(Number.isNaN(few.low) && Number.isNaN(few.high)).toBe(true);
  });

  it('caps both samples at one pooled quantile before taking their means', () => {
    // Pooled: 1..10 and 100; the 0.9 quantile (nearest rank 10 of 11) is 10, so 100 counts as 10.
    const [a, b] = winsorizedMeans([1, 2, 3, 4, 5, 100], [6, 7, 8, 9, 10], 0.9);
    expect(a).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 10) / 6);
    expect(b).toBeCloseTo((6 + 7 + 8 + 9 + 10) / 5);
  });

  it('keeps a client that is slower throughout slower by the full amount below the cap', () => {
    const base = Array.from({ length: 1000 }, (_, i) => 100 + (i % 50));
    const slower = base.map((x) => x + 5);
    const [a, b] = winsorizedMeans(slower, base, 0.99);
    // The cap (pooled 99th percentile) is 154, so only the few slower values above it are cut.
    expect(a - b).toBeGreaterThan(4.5);
    expect(a - b).toBeLessThanOrEqual(5);
  });
});
