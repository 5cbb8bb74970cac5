import { describe, expect, it } from 'vitest';
import { median, quantile } from './stats.js';

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
});
