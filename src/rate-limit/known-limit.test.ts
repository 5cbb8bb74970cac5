import { describe, expect, it } from 'vitest';
import { cutKnownMargin, FULL_KNOWN_MARGIN, KNOWN_BACKOFF, KNOWN_FLOOR, KNOWN_RECOVERY_PER_SECOND, knownFactorAt } from './known-limit.js';

describe('known-limit margin', () => {
  it('sends at the whole known limit until a throttle', () => {
    expect(knownFactorAt(FULL_KNOWN_MARGIN, 0)).toBe(1);
    expect(knownFactorAt(FULL_KNOWN_MARGIN, 1e9)).toBe(1);
  });

  it('steps a few per cent under it per throttle, never under the floor', () => {
    let margin = cutKnownMargin(FULL_KNOWN_MARGIN, 1000);
    expect(knownFactorAt(margin, 1000)).toBeCloseTo(KNOWN_BACKOFF, 12);
    margin = cutKnownMargin(margin, 1000);
    expect(knownFactorAt(margin, 1000)).toBeCloseTo(KNOWN_BACKOFF ** 2, 12);
    for (let i = 0; i < 100; i++) margin = cutKnownMargin(margin, 1000);
    expect(knownFactorAt(margin, 1000)).toBe(KNOWN_FLOOR);
  });

  it('climbs back to the whole limit slowly, and a cut starts from where it had climbed to', () => {
    const margin = cutKnownMargin(FULL_KNOWN_MARGIN, 0);
    expect(knownFactorAt(margin, 10_000)).toBeCloseTo(KNOWN_BACKOFF + 10 * KNOWN_RECOVERY_PER_SECOND, 12);
    const recovered = (1 - KNOWN_BACKOFF) / KNOWN_RECOVERY_PER_SECOND;
    expect(knownFactorAt(margin, recovered * 1000 + 1)).toBe(1);
    expect(knownFactorAt(cutKnownMargin(margin, 10_000), 10_000)).toBeCloseTo((KNOWN_BACKOFF + 10 * KNOWN_RECOVERY_PER_SECOND) * KNOWN_BACKOFF, 12);
  });
});
