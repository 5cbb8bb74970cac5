import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecentSends } from './recent-sends.js';

describe('recent sends', () => {
  it('returns the sends between two times with their refusals, and says when it no longer reaches back', () => {
    const ring = createRecentSends(4);
    const sends = [10, 20, 30].map((at) => ring.note(at));
    expect(ring.refuse(sends[1]!)).toBe(20);
    expect(ring.between(0, 100)).toEqual({ times: [10, 20, 30], refused: [false, true, false], reached: true });
    expect(ring.between(15, 20)).toEqual({ times: [20], refused: [true], reached: true });
    for (const at of [40, 50]) ring.note(at);
    // Holds 20..50 now: 10 has gone, so it no longer knows it holds every send from 20 on (only from after it).
    expect(ring.between(20, 100).reached).toBe(false);
    expect(ring.between(21, 100).reached).toBe(true);
    expect(ring.between(15, 100)).toEqual({ times: [20, 30, 40, 50], refused: [true, false, false, false], reached: false });
    // A send that has left the ring cannot be refused any more.
    expect(ring.refuse(sends[0]!)).toBeUndefined();
  });

  it('finds the send nearest a time, skipping those already refused (a fleet knows a 429 only by its time)', () => {
    const ring = createRecentSends();
    for (const at of [10, 20, 30, 40]) ring.note(at);
    expect(ring.nearest(22)).toBe(1);
    ring.refuse(1);
    expect(ring.nearest(22)).toBe(2);
    expect(ring.nearest(1000)).toBe(3);
    expect(createRecentSends().nearest(5)).toBeUndefined();
  });

  it('agrees with filtering a plain array, at any capacity and any query (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 120 }), fc.integer({ min: -5, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (capacity, gaps, from, span) => {
        const ring = createRecentSends(capacity);
        const all: number[] = [];
        let t = 0;
        for (const gap of gaps) {
          t += gap;
          ring.note(t);
          all.push(t);
        }
        const kept = all.slice(-capacity);
        const got = ring.between(from, from + span);
        expect(got.times).toEqual(kept.filter((x) => x >= from && x <= from + span));
        expect(got.reached).toBe(all.length <= capacity || kept.some((x) => x < from));
      }),
    );
  });
});
