/**
 * One process's sending schedule: a GCRA token bucket ("virtual scheduling", ITU-T
 * I.371) whose rate is either the partner's known limit or the learned rate of
 * learned-rate.ts, plus the hold a 429 puts on the whole client. Pure and synchronous:
 * time comes in as `now`, so it is unit-tested without timers.
 */
import { cutKnownMargin, FULL_KNOWN_MARGIN, knownFactorAt, type KnownMargin } from './known-limit.js';
import { createRecentSends } from './recent-sends.js';
import { DEFAULT_LEARNED_RATE, initialLearnedRate, learnedRateAt, learnFromThrottle, type LearnedRateParams, type LearnedRateState } from './learned-rate.js';

/** The schedule one client (or, through a store, one fleet) sends on. */
export interface RateSchedule {
  /**
   * Takes a send at `now` if the bucket and any hold allow it and returns `undefined`;
   * otherwise takes nothing and returns the earliest time worth asking again.
   * Nothing is booked ahead, so a rate lowered meanwhile applies to every waiter.
   * A call that already waited out a hold itself passes that hold's end as
   * `ownHoldUntil`: for it the hold is over, and it is scheduled as if at its end.
   */
  tryTake(now: number, ownHoldUntil?: number): number | undefined;
  /**
   * Records a throttle (429, or 503 with Retry-After) of a request sent at `sentAt`:
   * holds every send until `now + holdMs` and, once per episode, learns from it (unless
   * `learn` is false: the send was not taken from this schedule, so its stretch here
   * says nothing). `rateLimited` is false for a 503 with Retry-After: it holds and
   * teaches the learned rate, but does not move the client under a known limit.
   * Returns the time the hold ends.
   */
  throttled(sentAt: number, holdMs: number, now: number, learn?: boolean, rateLimited?: boolean): number;
  /** The rate in force at `now`, requests/s (`Infinity` when unlimited). */
  rateAt(now: number): number;
  /** End of the current hold (ms), or 0. */
  readonly holdUntil: number;
}

/** Settings of {@link createLocalSchedule}. */
export interface LocalScheduleOptions {
  /** Known limit, requests/s; omitted to learn it. */
  readonly requestsPerSecond?: number | undefined;
  /** Sends allowed back to back at the known rate. @default 1 */
  readonly burst?: number | undefined;
  /** Learning. @default DEFAULT_LEARNED_RATE */
  readonly learning?: LearnedRateParams | undefined;
}

// Back-to-back sends the learned schedule allows: a tenth of a second's worth. Until
// the first throttle at least 5, so a handler's handful of parallel calls never
// waits for the pacer; after it, processes that each learn alone must not all burst
// at the end of their holds.
export const LEARNED_BURST_SECONDS = 0.1;
export const START_BURST = 5;
// No send for this long (or two intervals, if longer) and the server's bucket is taken
// to be full again: a new stretch starts (and slow start, if nothing is learned yet).
export const IDLE_RESET_MS = 1000;

/**
 * Back-to-back sends the client allows itself at a known limit with burst `burst`:
 * half of it. Sending whole bursts exactly at the limit leaves nothing for jitter
 * (a send delayed in the network or a stalled server lands on an empty bucket), and
 * every 429 then holds the whole client for its Retry-After.
 */
export function sendingBurst(burst: number): number {
  return Math.max(1, Math.ceil(burst / 2));
}

/**
 * The same for a fleet sharing one schedule through a store: a quarter of it. A permit
 * from the store reaches Hero only after the answer has crossed back to the process and
 * through its event loop; one process stalled for a moment (GC, a busy host) sends late,
 * bunched with the others' on-time sends. The server's slack of `burst - sendingBurst`
 * tokens must cover that stall: at 50/s burst 10, 140 ms instead of 100 ms.
 */
export function sharedSendingBurst(burst: number): number {
  return Math.max(1, Math.ceil(burst / 4));
}

/** Creates the schedule of one process, starting at `now`. */
export function createLocalSchedule(options: LocalScheduleOptions, now: number): RateSchedule {
  const learning = options.learning ?? DEFAULT_LEARNED_RATE;
  const known = options.requestsPerSecond;
  const knownBurst = sendingBurst(options.burst ?? 1);
  let state: LearnedRateState = initialLearnedRate(now);
  let knownMargin: KnownMargin = FULL_KNOWN_MARGIN;
  // GCRA: the theoretical arrival time of the next send.
  let tat = now;
  let holdUntil = 0;
  // Throttles of requests sent before this time belong to an episode already handled.
  let episodeAt = -Infinity;
  // Sends taken in the current stretch, and when the last one was.
  let stretchSent = 0;
  let lastTakeAt = -Infinity;
  // Only the learned rate reads the send times (as in the Lua script): none kept at a known limit.
  const recentSends = known === undefined ? createRecentSends() : undefined;
  const currentRate = (at: number): number => (known === undefined ? learnedRateAt(state, at, learning) : known * knownFactorAt(knownMargin, at));

  return {
    get holdUntil() {
      return holdUntil;
    },
    rateAt: (at) => {
      const rate = currentRate(at);
      return rate >= learning.maxRps ? Infinity : rate;
    },
    tryTake(now, ownHoldUntil = 0) {
      let at = now;
      if (holdUntil > now) {
        if (ownHoldUntil < holdUntil) return holdUntil;
        at = holdUntil;
      }
      // Idle (a hold is not idleness): the bucket has refilled, and whoever else was
      // sending on the limit may have stopped.
      let rate = currentRate(at);
      if (known === undefined && at - Math.max(lastTakeAt, holdUntil) >= Math.max(IDLE_RESET_MS, 2000 / rate)) {
        state = { ...state, epochAt: at, contended: false };
        stretchSent = 0;
        rate = currentRate(at);
      }
      if (rate >= learning.maxRps) {
        tat = at;
        stretchSent++;
        lastTakeAt = at;
        // The real time, not `at` (a hold's end, possibly still ahead): the ring stays in order.
        recentSends?.note(now);
        return undefined;
      }
      const interval = 1000 / rate;
      const burst = known !== undefined ? knownBurst : Math.max(state.bound === 0 ? START_BURST : 1, rate * LEARNED_BURST_SECONDS);
      // A send may run up to (burst - 1) intervals ahead of the schedule.
      const allowedAt = tat - (burst - 1) * interval;
      if (allowedAt > at) return allowedAt;
      tat = Math.max(tat, at) + interval;
      stretchSent++;
      lastTakeAt = at;
      recentSends?.note(now);
      return undefined;
    },
    throttled(sentAt, holdMs, at, learn = true, rateLimited = true) {
      holdUntil = Math.max(holdUntil, at + holdMs);
      if (known === undefined) {
        // A request sent before the stretch began (a slow answer across an idle reset) is not in it.
        if (learn && sentAt >= episodeAt && sentAt >= state.epochAt) {
          episodeAt = at;
          const rateBefore = currentRate(sentAt);
          // Sends that left after the throttled one are not in its stretch (recent-sends.ts).
          // Past the ring's reach (over a thousand sends in one round trip), estimated at the
          // stretch's own pace (not the allowed rate, which may be far above it).
          const pace = Math.min(rateBefore, (stretchSent * 1000) / Math.max(1, at - state.epochAt));
          const after = recentSends?.countAfter(sentAt) ?? Math.round((pace * (at - sentAt)) / 1000);
          const sentBefore = Math.max(0, stretchSent - after);
          state = learnFromThrottle(state, sentAt - state.epochAt, sentBefore, rateBefore, holdUntil, learning);
        } else {
          state = { ...state, epochAt: Math.max(state.epochAt, holdUntil) };
        }
        stretchSent = 0;
      } else if (learn && rateLimited && sentAt >= episodeAt) {
        // Throttled at the known limit: stay a little further under it (known-limit.ts).
        episodeAt = at;
        knownMargin = cutKnownMargin(knownMargin, at);
      }
      // Nothing queued before the hold may go out in a burst after it.
      tat = Math.max(tat, holdUntil);
      return holdUntil;
    },
  };
}
