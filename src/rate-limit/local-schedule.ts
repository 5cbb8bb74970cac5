/**
 * One process's sending schedule: a GCRA token bucket ("virtual scheduling", ITU-T
 * I.371) whose rate is either the partner's known limit or the learned curve of
 * rate-curve.ts, plus the hold a 429 puts on the whole client. Pure and synchronous:
 * time comes in as `now`, so it is unit-tested without timers.
 */
import { DEFAULT_RATE_CURVE, rateAt, type RateCurveParams, type RateCurveState } from './rate-curve.js';

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
   * holds every send until `now + holdMs` and, once per episode, lowers the rate.
   * Returns the time the hold ends.
   */
  throttled(sentAt: number, holdMs: number, now: number): number;
  /** Records a successful answer: the learned ceiling is what Hero actually accepted. */
  succeeded(now: number): void;
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
  /** Learning curve. @default DEFAULT_RATE_CURVE */
  readonly curve?: RateCurveParams | undefined;
}

// Successes are counted per window of this length; the rate achieved over the last
// window is estimated from this window's count and a share of the previous one (a
// sliding window counter), as the Redis script does with sends.
const WINDOW_MS = 1000;
// Fewer successes than this in the window are too few to measure a rate from.
const MIN_SAMPLES = 5;
// Back-to-back sends the learned schedule allows: a tenth of a second's worth. Until
// the first throttle at least 5, so a handler's handful of parallel calls never
// waits for the pacer; after it, processes that each learn alone must not all burst
// at the end of their holds.
const LEARNED_BURST_SECONDS = 0.1;
const START_BURST = 5;

/**
 * Back-to-back sends the client allows itself at a known limit with burst `burst`:
 * half of it. Sending whole bursts exactly at the limit leaves nothing for jitter
 * (a send delayed in the network or a stalled server lands on an empty bucket), and
 * every 429 then holds the whole client for its Retry-After.
 */
export function sendingBurst(burst: number): number {
  return Math.max(1, Math.ceil(burst / 2));
}

/** Creates the schedule of one process, starting at `now`. */
export function createLocalSchedule(options: LocalScheduleOptions, now: number): RateSchedule {
  const curve = options.curve ?? DEFAULT_RATE_CURVE;
  const known = options.requestsPerSecond;
  const knownBurst = sendingBurst(options.burst ?? 1);
  let state: RateCurveState = { epochAt: now, wMax: 0 };
  // GCRA: the theoretical arrival time of the next send.
  let tat = now;
  let holdUntil = 0;
  // Throttles of requests sent before this time belong to an episode already handled.
  let episodeAt = -Infinity;
  let windowStart = now;
  let windowCount = 0;
  let previousCount = 0;
  const currentRate = (at: number): number => known ?? rateAt(state, at, curve);

  function roll(at: number): void {
    if (at - windowStart >= 2 * WINDOW_MS) {
      previousCount = 0;
      windowCount = 0;
      windowStart = at;
    } else if (at - windowStart >= WINDOW_MS) {
      previousCount = windowCount;
      windowCount = 0;
      windowStart += WINDOW_MS;
    }
  }

  /** Successes counted over the last window (a share of the previous one included). */
  function answersInWindow(at: number): number {
    roll(at);
    return previousCount * Math.max(0, 1 - (at - windowStart) / WINDOW_MS) + windowCount;
  }

  /** Successes per second over the last window, or since the curve began when shorter. */
  function measuredRate(at: number): number {
    const sent = answersInWindow(at);
    const spanMs = Math.min(WINDOW_MS, Math.max(100, at - state.epochAt));
    return (sent * 1000) / spanMs;
  }

  return {
    get holdUntil() {
      return holdUntil;
    },
    rateAt: (at) => {
      const rate = currentRate(at);
      return rate >= curve.maxRps ? Infinity : rate;
    },
    succeeded(at) {
      roll(at);
      windowCount++;
    },
    tryTake(now, ownHoldUntil = 0) {
      let at = now;
      if (holdUntil > now) {
        if (ownHoldUntil < holdUntil) return holdUntil;
        at = holdUntil;
      }
      const rate = currentRate(at);
      if (rate >= curve.maxRps) {
        tat = at;
        return undefined;
      }
      const interval = 1000 / rate;
      const burst = known !== undefined ? knownBurst : Math.max(state.wMax === 0 ? START_BURST : 1, rate * LEARNED_BURST_SECONDS);
      // A send may run up to (burst - 1) intervals ahead of the schedule.
      const allowedAt = tat - (burst - 1) * interval;
      if (allowedAt > at) return allowedAt;
      tat = Math.max(tat, at) + interval;
      return undefined;
    },
    throttled(sentAt, holdMs, at) {
      holdUntil = Math.max(holdUntil, at + holdMs);
      if (sentAt >= episodeAt) {
        episodeAt = at;
        if (known === undefined) {
          const allowed = rateAt(state, sentAt, curve);
          // Too few answers to measure (the first burst of a job, or of several processes
          // starting together): halve what was allowed instead.
          const ceiling = answersInWindow(at) < MIN_SAMPLES ? allowed / 2 : Math.min(measuredRate(at), allowed);
          state = { epochAt: holdUntil, wMax: Math.max(curve.minRps, ceiling) };
        }
      }
      // Nothing queued before the hold may go out in a burst after it.
      tat = Math.max(tat, holdUntil);
      return holdUntil;
    },
  };
}
