/**
 * The times of the last sends, and which of them Hero refused with a 429: what a 429 is
 * judged by (evidence.ts) and what the learned rate fits a token bucket to
 * (learned-rate.ts). A ring, written once per send.
 */

/** Sends kept: a second of sending at up to this rate, and several seconds at the rates Hero's limits are likely to have. */
export const RECENT_SENDS = 1024;

/** A ring of send times. */
export interface RecentSends {
  /** Records a send at `at` (times never go back); returns its number, for {@link refuse}. */
  note(at: number): number;
  /** Marks send number `send` as refused (a 429): it took no token. Returns its time, or `undefined` once it has left the ring. */
  refuse(send: number): number | undefined;
  /** Number of the send not yet refused whose time is nearest `at` (a fleet knows a 429's send only by its time), or `undefined`. */
  nearest(at: number): number | undefined;
  /** The sends at or after `from` and at or before `to`, oldest first; `reached` is false when the ring no longer holds every send since `from`. */
  between(from: number, to: number): SendsBetween;
}

/** What {@link RecentSends.between} returns. */
export interface SendsBetween {
  readonly times: readonly number[];
  readonly refused: readonly boolean[];
  readonly reached: boolean;
}

export function createRecentSends(capacity = RECENT_SENDS): RecentSends {
  const times = new Float64Array(capacity);
  const wasRefused = new Uint8Array(capacity);
  // Number of the next send; the ring holds numbers [count - size, count).
  let count = 0;
  let size = 0;
  return {
    note(at) {
      const i = count % capacity;
      times[i] = at;
      wasRefused[i] = 0;
      if (size < capacity) size++;
      return count++;
    },
    refuse(send) {
      if (send < count - size || send >= count) return undefined;
      wasRefused[send % capacity] = 1;
      return times[send % capacity];
    },
    nearest(at) {
      let best: number | undefined;
      let bestGap = Infinity;
      for (let send = count - 1; send >= count - size; send--) {
        const t = times[send % capacity]!;
        if (t < at - bestGap) break;
        if (wasRefused[send % capacity] === 1) continue;
        const gap = Math.abs(t - at);
        if (gap < bestGap) {
          best = send;
          bestGap = gap;
        }
      }
      return best;
    },
    between(from, to) {
      let first = count;
      while (first > count - size && times[(first - 1) % capacity]! >= from) first--;
      const reached = first > count - size || count === size;
      const outTimes: number[] = [];
      const outRefused: boolean[] = [];
      for (let send = first; send < count; send++) {
        const t = times[send % capacity]!;
        if (t > to) break;
        outTimes.push(t);
        outRefused.push(wasRefused[send % capacity] === 1);
      }
      return { times: outTimes, refused: outRefused, reached };
    },
  };
}
