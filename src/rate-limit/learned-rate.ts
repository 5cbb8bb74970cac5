/**
 * The learned sending rate: what the client believes Hero accepts, found from 429s
 * alone. Pure functions of a small state and `now`, used by the local schedule
 * (local-schedule.ts) and by the Redis store (whose script computes only the rate
 * formula, {@link learnedRateAt}; the fit runs in the process that reported the 429s).
 * Only 429 episodes the client's own rate caused (evidence.ts) reach it; a stray 429
 * teaches nothing.
 *
 * The model is the limiter most gateways run: a token bucket of `L` requests/s holding
 * `B`. It refuses only when empty, and every send it accepts took a token. So the sends
 * of a stretch that ended in a 429 bound `L` from below: the bucket must have refilled
 * fast enough for every one of them. The client fits that bound
 * ({@link fitLimit}) to the stretch since the last episode, when the bucket was empty,
 * whatever the sending rate was along the way, and paces just under it.
 *
 * The rate grows only by sending at it: each send adds a fixed step, which doubles the
 * rate every `…DoublingMs` while the client sends as fast as allowed (the rate-based
 * form of TCP's slow start), and not at all while the client waits or idles, so a
 * rate nobody used is never taken as safe.
 *
 * The phases:
 * - Unlimited (no evidence yet): no pacing at all.
 * - Slow start (after the first evidence): from `startRps`, doubling every
 *   `startDoublingMs` of sending, so the limit is found within a second or two; what got
 *   through before the first 429, unpaced, is taken as the bucket's size `B`.
 * - Fitted: `margin × L`, flat for `plateauMs`, then doubling every `probeDoublingMs`
 *   of sending, so a raised limit (or a share others freed) is found in the end; each
 *   episode fits again.
 */

/** Tuning of the learned rate. Numbers chosen with `npm run sim:rate-limit` and checked on the bench. */
export interface LearnedRateParams {
  /** Rate slow start begins at after the first evidence, requests/s. */
  readonly startRps: number;
  /** Slow start doubles the rate this often, ms. */
  readonly startDoublingMs: number;
  /** Fraction of the fitted limit the client sends at. */
  readonly margin: number;
  /** Time the fitted rate stays flat before probing above it, ms. */
  readonly plateauMs: number;
  /** When probing, the rate doubles this often, ms. */
  readonly probeDoublingMs: number;
  /** Rate never goes below this, requests/s. */
  readonly minRps: number;
  /** Above this the rate is treated as unlimited, requests/s. */
  readonly maxRps: number;
}

export const DEFAULT_LEARNED_RATE: LearnedRateParams = Object.freeze({
  startRps: 20,
  startDoublingMs: 300,
  margin: Number(process.env.MARGIN ?? 0.98),
  plateauMs: Number(process.env.PLATEAU ?? 20_000),
  probeDoublingMs: Number(process.env.PROBE ?? 2000),
  minRps: 0.5,
  maxRps: 10_000,
});

/** Slow start begins at no more than this many of the start's bucketfuls per second. */
export const START_BUCKETS_PER_SECOND = Number(process.env.SBPS ?? 2);

/** What has been learned. */
export interface LearnedRateState {
  /** True until the first evidence of a limit: the rate is unlimited. */
  readonly unlimited: boolean;
  /** True once a limit has been fitted (after slow start). */
  readonly fitted: boolean;
  /** The rate in force, requests/s. */
  readonly rps: number;
  /** Each send from `flatUntil` on adds this to the rate, requests/s. */
  readonly stepRps: number;
  /** The rate stays flat until this time (ms). */
  readonly flatUntil: number;
  /** The server's bucket `B`, as far as known (requests). */
  readonly bucket: number;
  /** When the bucket was last seen empty (the last episode): the next fit starts there. */
  readonly emptyAt: number;
}

/** The state of a client that has seen no evidence of a limit yet, starting at `now`. */
export function initialLearnedRate(now: number): LearnedRateState {
  return { unlimited: true, fitted: false, rps: Infinity, stepRps: 0, flatUntil: now, bucket: Infinity, emptyAt: now };
}

/** The allowed rate (requests/s); `maxRps` or more means unlimited. */
export function learnedRate(state: LearnedRateState, params: LearnedRateParams = DEFAULT_LEARNED_RATE): number {
  return state.unlimited ? params.maxRps : Math.min(params.maxRps, Math.max(params.minRps, state.rps));
}

/** The state after a send at `now`: the rate grows by a step, past the plateau. */
export function afterSend(state: LearnedRateState, now: number, params: LearnedRateParams = DEFAULT_LEARNED_RATE): LearnedRateState {
  if (state.unlimited || now < state.flatUntil || state.rps >= params.maxRps) return state;
  return { ...state, rps: state.rps + state.stepRps };
}

/** The step per send that doubles the rate every `doublingMs` of sending at it: dR/dsend = ln 2 / doubling time. */
export function stepFor(doublingMs: number): number {
  return (Math.LN2 * 1000) / doublingMs;
}

/** The sends of a stretch, oldest first. */
export interface Stretch {
  readonly times: readonly number[];
  /** Which sends were refused (took no token); omitted when not known (all taken as accepted). */
  readonly refused?: readonly boolean[] | undefined;
  /** Tokens in the bucket at `times[0]`'s stretch start (`startAt`). */
  readonly startLevel: number;
  readonly startAt: number;
}

/**
 * The least refill rate (requests/s) at which a token bucket holding `bucket`, at
 * `startLevel` tokens at `startAt`, had a token for every accepted send of the
 * stretch: a lower bound of the limit whatever the pattern of sending.
 */
export function fitLimit(stretch: Stretch, bucket: number, params: LearnedRateParams = DEFAULT_LEARNED_RATE): number {
  const { times, refused, startLevel, startAt } = stretch;
  const feasible = (rps: number): boolean => {
    let level = Math.min(bucket, startLevel);
    let at = startAt;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      level = Math.min(bucket, level + (rps * (t - at)) / 1000);
      at = t;
      if (refused?.[i]) continue;
      // A little slack for rounding: a send that finds 0.999 tokens was accepted on time.
      if (level < 0.999) return false;
      level -= 1;
    }
    return true;
  };
  if (feasible(params.minRps)) return params.minRps;
  if (!feasible(params.maxRps)) {
    // Sends closer together at the start than the guessed level allows: the bucket held
    // more then. Fit again from the least level that lets them through.
    if (startLevel >= bucket) return params.maxRps;
    return fitLimit({ ...stretch, startLevel: Math.min(bucket, Math.floor(startLevel) + 1) }, bucket, params);
  }
  let low = params.minRps;
  let high = params.maxRps;
  // Bisection in log space: 40 steps pin the rate to far better than a send's worth.
  for (let step = 0; step < 40; step++) {
    const mid = Math.sqrt(low * high);
    if (feasible(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * What a 429 episode the client's rate caused teaches, at `now`. `stretch` holds the
 * sends from the last time the bucket was empty (`state.emptyAt`; for the first episode,
 * the start) up to the 429 that made it evidence; the bucket ran dry at `dryAt`.
 */
export function learnFromEpisode(state: LearnedRateState, stretch: Stretch, dryAt: number, now: number, params: LearnedRateParams = DEFAULT_LEARNED_RATE): LearnedRateState {
  if (state.unlimited) {
    // Unpaced, what got through before it ran dry is what the bucket held.
    const accepted = stretch.times.filter((t, i) => t <= dryAt && !stretch.refused?.[i]).length;
    const bucket = Math.max(1, accepted);
    // A small bucket (or a small share of one) says the limit may be small too: start no faster than two bucketfuls a second.
    return { unlimited: false, fitted: false, rps: Math.min(params.startRps, START_BUCKETS_PER_SECOND * bucket), stepRps: stepFor(params.startDoublingMs), flatUntil: now, bucket, emptyAt: now };
  }
  const limit = fitLimit(stretch, state.bucket, params);
  return { ...state, fitted: true, rps: Math.max(params.minRps, params.margin * limit), stepRps: stepFor(params.probeDoublingMs), flatUntil: now + params.plateauMs, emptyAt: now };
}
