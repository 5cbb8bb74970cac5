/**
 * One process's sending schedule: a GCRA token bucket ("virtual scheduling", ITU-T
 * I.371) whose rate is either the partner's known limit or the learned rate of
 * learned-rate.ts (unlimited until the first evidence of a limit). Pure and
 * synchronous: time comes in as `now`, so it is unit-tested without timers.
 */
import { cutKnownMargin, FULL_KNOWN_MARGIN, knownFactorAt, type KnownMargin } from './known-limit.js';
import { FITTED_EVIDENCE, FITTED_SLOW_EVIDENCE, judgeThrottles, STRICT_EVIDENCE } from './evidence.js';
import { createRecentSends, type SendsBetween } from './recent-sends.js';
import { afterSend, DEFAULT_LEARNED_RATE, EMPTY_LEVEL, initialLearnedRate, learnedRate, learnFromEpisode, type LearnedRateParams, type LearnedRateState } from './learned-rate.js';

/** The schedule one client (or, through a store, one fleet) sends on. */
export interface RateSchedule {
  /**
   * Takes a send at `now` if the bucket allows it and returns `undefined`; otherwise
   * takes nothing and returns the earliest time worth asking again. Nothing is booked
   * ahead, so a rate lowered meanwhile applies to every waiter. `roundTripMs` (how long
   * Hero takes to answer) slows the learned rate's growth when Hero is far away.
   */
  tryTake(now: number, roundTripMs?: number): number | undefined;
  /** Number of the send the last successful {@link tryTake} took, for {@link refused}. */
  readonly lastSend: number;
  /**
   * Send number `send` got a 429 at `now`. When the sends of the second before it show
   * the client's own rate caused it (evidence.ts), learns from the episode (at a known
   * limit, moves a little under it) and returns true; a stray 429 changes nothing.
   */
  refused(send: number, now: number): boolean;
  /** The same for a 429 known only by the time its request was sent (a fleet's, through a store): the nearest send not yet refused. */
  refusedAt(sentAt: number, now: number): boolean;
  /** The rate in force at `now`, requests/s (`Infinity` when unlimited). */
  rateAt(now: number): number;
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

// Back-to-back sends the learned schedule allows: a tenth of a second's worth, and no
// more than half the bucket the server showed.
export const LEARNED_BURST_SECONDS = 0.1;

/**
 * Back-to-back sends the client allows itself at a known limit with burst `burst`:
 * half of it. Sending whole bursts exactly at the limit leaves nothing for jitter
 * (a send delayed in the network or a stalled server lands on an empty bucket).
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

/** Back-to-back sends at a learned `rate` against a bucket believed to hold `bucket`. */
export function learnedBurst(rate: number, bucket: number): number {
  return Math.max(1, Math.min(bucket / 2, rate * LEARNED_BURST_SECONDS));
}

/** The sends of `window` after `time` (those at or before it belong to an episode already acted on). */
function afterTime(window: SendsBetween, time: number): SendsBetween {
  let first = 0;
  while (first < window.times.length && window.times[first]! <= time) first++;
  return first === 0 ? window : { times: window.times.slice(first), refused: window.refused.slice(first), reached: window.reached };
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
  let lastSend = -1;
  // The unpaced start's stretch, up to where it ran dry: once all its answers are in, its
  // accepted sends count the bucket better than when it was judged (the network may
  // reorder a wave's sends, and some answers were still on their way).
  let startEpisode: { readonly from: number; readonly to: number } | undefined;
  const sends = createRecentSends();
  // Sends up to this time belong to an episode already acted on.
  let episodeAt = -Infinity;
  const currentRate = (at: number): number => (known === undefined ? learnedRate(state, learning) : known * knownFactorAt(knownMargin, at));

  const take = (now: number, roundTripMs: number): undefined => {
    lastSend = sends.note(now);
    if (known === undefined) state = afterSend(state, now, roundTripMs, learning);
    return undefined;
  };

  return {
    get lastSend() {
      return lastSend;
    },

    rateAt: (at) => {
      const rate = currentRate(at);
      return rate >= learning.maxRps ? Infinity : rate;
    },
    tryTake(at, roundTripMs = 0) {
      const rate = currentRate(at);
      if (rate >= learning.maxRps) {
        tat = at;
        return take(at, roundTripMs);
      }
      const interval = 1000 / rate;
      const burst = known !== undefined ? knownBurst : learnedBurst(rate, state.bucket);
      // A send may run up to (burst - 1) intervals ahead of the schedule.
      const allowedAt = tat - (burst - 1) * interval;
      if (allowedAt > at) return allowedAt;
      tat = Math.max(tat, at) + interval;
      return take(at, roundTripMs);
    },
    refusedAt(sentAt, at) {
      const send = sends.nearest(sentAt);
      return send !== undefined && this.refused(send, at);
    },
    refused(send, at) {
      const sentAt = sends.refuse(send);
      if (sentAt === undefined || sentAt <= episodeAt) return false;
      const rules = known === undefined && !state.unlimited && state.fitted ? [FITTED_EVIDENCE, FITTED_SLOW_EVIDENCE] : [STRICT_EVIDENCE];
      let dryAt: number | undefined;
      for (const rule of rules) {
        dryAt ??= judgeThrottles(afterTime(sends.between(Math.max(sentAt - rule.windowMs, episodeAt), sentAt), episodeAt), rule);
      }
      if (dryAt === undefined) return false;
      episodeAt = at;
      if (known !== undefined) {
        // Throttled at the known limit: stay a little further under it (known-limit.ts).
        knownMargin = cutKnownMargin(knownMargin, at);
      } else {
        // Up to this 429, refusals skipped: its sends after the bucket ran dry went at the
        // limit, which is what pins the fit down.
        const stretch = sends.between(state.emptyAt, sentAt);
        let start: SendsBetween | undefined;
        if (startEpisode !== undefined) {
          const shown = sends.between(startEpisode.from, startEpisode.to);
          if (shown.reached && shown.refused.some((r) => !r)) start = shown;
          startEpisode = undefined;
        }
        if (state.unlimited) startEpisode = { from: state.emptyAt, to: at };
        // Past the ring's reach the stretch starts at its oldest send, with the bucket taken
        // as full (the cautious guess); else empty at the last 429 and refilled since (learned-rate.ts).
        const startAt = stretch.reached ? state.emptyAt : (stretch.times[0] ?? dryAt);
        const startLevel = stretch.reached ? EMPTY_LEVEL : Infinity;
        state = learnFromEpisode(state, { ...stretch, startAt, startLevel }, dryAt, at, start, learning);
      }
      // No burst straight after: the server's bucket is empty.
      const rate = currentRate(at);
      if (rate < learning.maxRps) tat = Math.max(tat, at) + (1000 / rate) * ((known !== undefined ? knownBurst : learnedBurst(rate, state.bucket)) - 1);
      return true;
    },
  };
}
