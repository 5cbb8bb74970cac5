/**
 * The learned sending rate: what the client believes Hero accepts, found from 429s
 * alone. Pure functions of a small state and `now`, shared by the local schedule
 * (local-schedule.ts) and the Redis store's Lua script (redis-store.ts mirrors these
 * formulas), so one process and a fleet learn the same way.
 *
 * The model is the limiter most gateways run: a token bucket of `L` requests/s holding
 * `B`. Its one observable is the moment it runs dry. If it was full at the start of a
 * stretch of sending (the start of a job, or the end of a 429's hold: a Retry-After is
 * long enough to refill it) and the first 429 came `T` after, with `A` sends accepted
 * in between, then `A = B + L·T`, whatever the sending rate was along the way. One
 * such point only bounds the limit (`L ≤ A/T`, as `B ≥ 0`); two stretches of different
 * lengths give both unknowns: `L = ΔA/ΔT`. The client then sends just under `L`.
 *
 * Why not a CUBIC curve, as AWS SDK's adaptive retry mode uses (and this client did):
 * here every 429 holds the whole client for its Retry-After (a second, while the
 * bucket refills in a fifth of that), so each probe above the limit costs about a
 * second of sending. CUBIC finds the limit by probing again and again; measuring it
 * takes two 429s, after which the client probes only slowly.
 *
 * The phases:
 * - Slow start (no 429 yet): the rate doubles every `doublingMs` from `initialRps`, so a
 *   job finds the limit within a second without first firing its whole in-flight window.
 * - One point: sending restarts at `firstBeta × A/T` and climbs back to `A/T` over
 *   `climbMs` (and on above it, slowly: other clients may have drained the bucket), so
 *   the second 429, which gives the limit, comes within seconds.
 * - Estimated: `margin × L`, flat for `plateauMs`, then rising by `probePerSecond`, so a
 *   raised limit is found in the end and each further 429 refines the estimate.
 */

/** Tuning of the learned rate. Numbers chosen with `npm run sim:rate-limit` and checked on the bench. */
export interface LearnedRateParams {
  /** Rate at the very start, requests/s. */
  readonly initialRps: number;
  /** Slow start doubles the rate this often, ms. */
  readonly doublingMs: number;
  /** After the first 429: the fraction of the bound `A/T` sending restarts at. */
  readonly firstBeta: number;
  /** After the first 429: time to climb back to the bound, ms. */
  readonly climbMs: number;
  /** Fraction of the estimated limit the client sends at. */
  readonly margin: number;
  /** Time the estimated rate stays flat before probing above it, ms. */
  readonly plateauMs: number;
  /** Growth of the rate when probing: a fraction of it per second, plus `probeCubic` per s³. */
  readonly probePerSecond: number;
  readonly probeCubic: number;
  /** Estimate after a 429 that came straight after a hold (the bucket did not refill): this fraction of the rate. */
  readonly backoff: number;
  /** Once others share the limit: additive increase per second, as a fraction of the highest `A/T` seen. */
  readonly shareIncrease: number;
  /** A 429 of a request sent at no more than this × `margin × estimate` (not probing) means others share the limit. */
  readonly contention: number;
  /** Rate never goes below this, requests/s. */
  readonly minRps: number;
  /** Above this the rate is treated as unlimited, requests/s. */
  readonly maxRps: number;
}

export const DEFAULT_LEARNED_RATE: LearnedRateParams = Object.freeze({
  initialRps: 20,
  doublingMs: 300,
  firstBeta: 0.8,
  climbMs: 4000,
  margin: 0.98,
  plateauMs: 30_000,
  probePerSecond: 0.005,
  probeCubic: 0.001,
  backoff: 0.7,
  contention: 1.001,
  shareIncrease: 0.2,
  minRps: 0.5,
  maxRps: 10_000,
});

/** What has been learned. */
export interface LearnedRateState {
  /** Start of the current stretch (ms): the bucket is believed full then. */
  readonly epochAt: number;
  /** `A/T` of the last 429, requests/s; 0 before the first (slow start). */
  readonly bound: number;
  /** The estimated limit `L`, requests/s; 0 until two 429s gave it. */
  readonly estimate: number;
  /** `T` (ms) and `A` of the last 429's stretch; `pointMs` 0 when there is none. */
  readonly pointMs: number;
  readonly pointSent: number;
  /** True once a 429 came while sending under the estimate: others share the limit, so AIMD. */
  readonly contended: boolean;
  /** The highest `A/T` seen, requests/s: the scale of the additive increase. */
  readonly peak: number;
}

/** The state of a client that has not been throttled yet, starting at `now`. */
export function initialLearnedRate(now: number): LearnedRateState {
  return { epochAt: now, bound: 0, estimate: 0, pointMs: 0, pointSent: 0, contended: false, peak: 0 };
}

/**
 * Growth above a rate that has held for a while, as a fraction of it, `ms` into the
 * probe: cubic, as in CUBIC's "max probing", so it starts slowly (the limit is likely
 * near) and speeds up (a share freed by other clients, or a raised limit, is taken in
 * seconds, not minutes).
 */
function probe(ms: number, params: LearnedRateParams): number {
  if (ms <= 0) return 0;
  const s = ms / 1000;
  return params.probePerSecond * s + params.probeCubic * s * s * s;
}

/** The allowed rate (requests/s) at `now`. */
export function learnedRateAt(state: LearnedRateState, now: number, params: LearnedRateParams = DEFAULT_LEARNED_RATE): number {
  const t = Math.max(0, now - state.epochAt);
  let rate: number;
  if (state.bound === 0) {
    rate = params.initialRps * 2 ** (t / params.doublingMs);
  } else if (state.contended) {
    // AIMD: the same additive increase for every client sharing the limit, so they converge to fair shares.
    rate = state.bound * params.firstBeta + (state.peak * params.shareIncrease * t) / 1000;
  } else if (state.estimate === 0) {
    const climbed = Math.min(1, t / params.climbMs);
    rate = state.bound * (params.firstBeta + (1 - params.firstBeta) * climbed + probe(t - params.climbMs, params));
  } else {
    rate = state.estimate * (params.margin + probe(t - params.plateauMs, params));
  }
  return Math.min(params.maxRps, Math.max(params.minRps, rate));
}

// A stretch shorter than this says nothing about the limit: the 429 came straight after
// a hold, so the bucket had not refilled (a short Retry-After, or other clients).
export const MIN_STRETCH_MS = 50;

/**
 * What a 429 teaches: the request was sent `stretchMs` into the current stretch, after
 * `sent` others in it; `rateBefore` was the rate in force; the hold ends at `holdUntil`,
 * where the next stretch starts.
 */
export function learnFromThrottle(
  state: LearnedRateState,
  stretchMs: number,
  sent: number,
  rateBefore: number,
  holdUntil: number,
  params: LearnedRateParams = DEFAULT_LEARNED_RATE,
): LearnedRateState {
  if (stretchMs < MIN_STRETCH_MS || sent < 2) {
    // Nothing to measure: slow down from what was sent, keep the last point.
    const lowered = Math.max(params.minRps, rateBefore * params.backoff);
    return { ...state, epochAt: holdUntil, bound: state.bound === 0 ? lowered / params.firstBeta : state.bound, estimate: state.estimate === 0 ? 0 : lowered };
  }
  // Never above the rate sent at: right after a hold the bucket's burst inflates A/T.
  const bound = Math.min((sent * 1000) / stretchMs, rateBefore);
  let estimate = 0;
  const peak = Math.max(state.peak, bound);
  if (state.contended || (state.estimate > 0 && rateBefore <= state.estimate * params.margin * params.contention)) {
    // Throttled while sending under the estimate: others share the limit (or it fell),
    // and what this client measures is its share, which moves with theirs. From here on
    // AIMD from the rate it sent at, as TCP senders sharing a link do.
    return { ...state, epochAt: holdUntil, bound: rateBefore, estimate: 0, contended: true, peak };
  }
  const apart = Math.abs(stretchMs - state.pointMs);
  if (state.pointMs > 0 && apart >= Math.max(250, 0.2 * Math.max(stretchMs, state.pointMs))) {
    const slope = ((sent - state.pointSent) * 1000) / (stretchMs - state.pointMs);
    // B ≥ 0 means L ≤ A/T; a slope far below it is noise (or other clients), not a limit.
    estimate = Math.min(bound, Math.max(0.5 * bound, slope));
  } else if (state.estimate > 0) {
    // Throttled again after a stretch like the last: the estimate was high.
    estimate = Math.min(bound, state.estimate * params.margin * params.margin);
  }
  return { epochAt: holdUntil, bound, estimate: Math.max(estimate, estimate === 0 ? 0 : params.minRps), pointMs: stretchMs, pointSent: sent, contended: false, peak };
}
