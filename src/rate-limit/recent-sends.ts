/**
 * The times of the last few hundred sends, to count exactly how many left after a
 * given one. A 429 teaches `A = B + L·T` only if `A` counts the sends that left before
 * the throttled request; its answer comes a round trip later, and the sends of that
 * round trip are not in `A`. Estimating them from the stretch's average pace was wrong
 * by half at 300 ms of latency (in slow start the pace is far above its average), and
 * the limit learned from that was 2.4× too high.
 */

/** Sends kept: enough for one round trip at any rate this client paces. */
export const RECENT_SENDS = 1024;

/** A ring of send times. */
export interface RecentSends {
  /** Records a send at `at` (times never go back). */
  note(at: number): void;
  /** How many recorded sends came after `at`; `undefined` when the ring does not reach back that far. */
  countAfter(at: number): number | undefined;
}

export function createRecentSends(capacity = RECENT_SENDS): RecentSends {
  const times = new Float64Array(capacity);
  let size = 0;
  let next = 0;
  // Whether a send has been overwritten: only then may the ring not reach back.
  let dropped = false;
  return {
    note(at) {
      times[next] = at;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
      else dropped = true;
    },
    countAfter(at) {
      for (let n = 0; n < size; n++) {
        if (times[(next - 1 - n + capacity) % capacity]! <= at) return n;
      }
      return dropped ? undefined : size;
    },
  };
}
