import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecentSends } from './recent-sends.js';
import { createLocalSchedule } from './local-schedule.js';
import { learnFromThrottle } from './learned-rate.js';

describe('recent sends', () => {
  it('counts the sends after a time exactly, and says when it cannot reach back that far', () => {
    const ring = createRecentSends(4);
    expect(ring.countAfter(0)).toBe(0);
    for (const at of [10, 20, 30]) ring.note(at);
    expect(ring.countAfter(5)).toBe(3);
    expect(ring.countAfter(20)).toBe(1);
    expect(ring.countAfter(30)).toBe(0);
    for (const at of [40, 50]) ring.note(at);
    // Holds 20..50 now: 10 has gone.
    expect(ring.countAfter(20)).toBe(3);
    expect(ring.countAfter(15)).toBeUndefined();
  });

  it('agrees with counting a plain array, at any capacity and any query (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 120 }), fc.integer({ min: -5, max: 3000 }), (capacity, gaps, query) => {
        const ring = createRecentSends(capacity);
        const all: number[] = [];
        let t = 0;
        for (const gap of gaps) {
          t += gap;
          ring.note(t);
          all.push(t);
        }
        const kept = all.slice(-capacity);
        const after = kept.filter((x) => x > query).length;
        // Reaches back past the query when it still holds a send at or before it, or holds everything sent.
        const reaches = kept.some((x) => x <= query) || all.length <= capacity;
        expect(ring.countAfter(query)).toBe(reaches ? after : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it("teaches the schedule the sends that left before the throttled one, not the round trip's after it", () => {
    // Slow start, then a 429 for the send taken at 400 ms, answered 300 ms later: the
    // sends of those 300 ms (the rate doubling meanwhile) are not in A.
    const schedule = createLocalSchedule({}, 0);
    const taken: number[] = [];
    for (let now = 0; now <= 700; now++) while (schedule.tryTake(now) === undefined) taken.push(now);
    const before = taken.filter((t) => t <= 400).length;
    expect(taken.length - before).toBeGreaterThan(10);
    const rateAt400 = schedule.rateAt(400);
    schedule.throttled(400, 1000, 700);
    // Same result as learning from the exact count.
    const expected = learnFromThrottle({ epochAt: 0, bound: 0, estimate: 0, pointMs: 0, pointSent: 0, contended: false }, 400, before, rateAt400, 1700);
    expect(schedule.rateAt(1700)).toBeCloseTo(expected.bound * 0.9, 6);
  });
});
