/** Small statistics helpers for the bench and soak reports. */

/** Value at quantile `q` (0..1) of `values`, nearest-rank on a sorted copy; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/** Median of `values` (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` decimals, for JSON that stays readable. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A median with a distribution-free confidence interval (see {@link medianInterval}). */
export interface MedianInterval {
  readonly median: number;
  /** Lower bound; NaN when there are too few values for the confidence asked. */
  readonly low: number;
  /** Upper bound; NaN when there are too few values for the confidence asked. */
  readonly high: number;
  /** The 1-based ranks (in sorted order) of the bounds; 0 when there is no interval. */
  readonly lowRank: number;
  readonly highRank: number;
}

/**
 * Ranks k and n + 1 − k of the order-statistic confidence interval for a median of n values: the
 * largest k with P(Binomial(n, ½) ≤ k − 1) ≤ (1 − confidence) / 2, so [x(k), x(n+1−k)] covers the true
 * median with probability ≥ `confidence` whatever the distribution, for independent values.
 * Returns 0 when even [min, max] is not enough (fewer than 6 values at 95%).
 */
export function medianIntervalRank(n: number, confidence = 0.95): number {
  const tail = (1 - confidence) / 2;
  // Binomial(n, ½) pmf in log space: 0.5^n underflows beyond n ≈ 1070.
  let logPmf = -n * Math.LN2;
  let cdf = 0;
  let k = 0;
  for (let i = 0; i <= n >> 1; i++) {
    cdf += Math.exp(logPmf);
    if (cdf > tail) break;
    k = i + 1;
    logPmf += Math.log(n - i) - Math.log(i + 1);
  }
  return k;
}

/**
 * Median of `values` and a distribution-free (order-statistic) confidence interval for it: no
 * assumption of normality, which per-round ratios on a shared machine do not meet (rounds hit by
 * another job's burst make a long tail).
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  const sorted = Float64Array.from(values).sort();
  const k = medianIntervalRank(sorted.length, confidence);
  return {
    median: median(values),
    low: k === 0 ? Number.NaN : sorted[k - 1]!,
    high: k === 0 ? Number.NaN : sorted[sorted.length - k]!,
    lowRank: k,
    highRank: k === 0 ? 0 : sorted.length + 1 - k,
  };
}

/**
 * Means of `a` and of `b` after capping every value at the `q` quantile of both together
 * (winsorising): a few calls that caught a major GC or another process's interrupt weigh
 * milliseconds against a median of hundreds of µs, and land on either client at random. One
 * cap for both, so a client that is slower throughout still shows it in full.
 */
export function winsorizedMeans(a: ArrayLike<number>, b: ArrayLike<number>, q: number): [number, number] {
  const pooled = new Float64Array(a.length + b.length);
  pooled.set(Array.from(a));
  pooled.set(Array.from(b), a.length);
  const cap = quantile(Array.from(pooled), q);
  const cappedMean = (values: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += Math.min(values[i]!, cap);
    return values.length === 0 ? Number.NaN : sum / values.length;
  };
  return [cappedMean(a), cappedMean(b)];
}
