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
 * in between, then `A = B + L·T`, whatever the sending rate was along the way
 * (provided it never fell under `L`: a full bucket overflows, and `A` reads low). Two
 * stretches of different lengths give both unknowns: `L = ΔA/ΔT`.
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
 * - One point: sending restarts at `firstBeta ×` the lower of `A/T` and the rate sent at,
 *   climbs back over `climbMs`, then probes above it, so the second 429 comes within
 *   seconds, after a stretch of a different length.
 * - Estimated: `margin × L`, flat for `plateauMs`, then probing, so a raised limit is
 *   found in the end; each further 429 refines the estimate.
 * - Shared (others send on the same limit without sharing a store): AIMD, as TCP
 *   senders sharing a link do, with the same additive increase in every client.
 */

/** Tuning of the learned rate. Numbers chosen with `npm run sim:rate-limit` and checked on the bench. */
export interface LearnedRateParams {
  /** Rate at the very start, requests/s. */
  readonly initialRps: number;
  /** Slow start doubles the rate this often, ms. */
  readonly doublingMs: number;
  /** After a 429 without an estimate: the fraction of the bound sending restarts at. */
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
  /** After a first 429 with nothing sent to measure: restart from this fraction of the rate allowed. */
  readonly backoff: number;
  /**
   * Once others share the limit: additive increase, requests/s per second. The same
   * number in every client (not scaled to what each measured), so clients that learn
   * alone converge to fair shares, as TCP's AIMD does.
   */
  readonly shareIncreaseRps: number;
  /** Once others share the limit: the fraction of the rate sent at that sending restarts at after a 429. */
  readonly shareBeta: number;
  /** The rate that drained the bucket is above the limit, but not by much: the limit is taken to be at least this fraction of it. */
  readonly ceilingFraction: number;
  /** A stretch whose `A/T` is under this fraction of the estimate means others share the limit. */
  readonly contention: number;
  /** Rate never goes below this, requests/s. */
  readonly minRps: number;
  /** Above this the rate is treated as unlimited, requests/s. */
  readonly maxRps: number;
}

export const DEFAULT_LEARNED_RATE: LearnedRateParams = Object.freeze({
  initialRps: 20,
  doublingMs: 300,
  firstBeta: 0.9,
  climbMs: 10_000,
  margin: 0.98,
  plateauMs: 30_000,
  probePerSecond: 0.005,
  probeCubic: 0.001,
  backoff: 0.7,
  contention: 0.9,
  shareIncreaseRps: 0.5,
  shareBeta: 0.7,
  ceilingFraction: 0.85,
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
}

/** The state of a client that has not been throttled yet, starting at `now`. */
export function initialLearnedRate(now: number): LearnedRateState {
  return { epochAt: now, bound: 0, estimate: 0, pointMs: 0, pointSent: 0, contended: false };
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
    rate = state.bound * params.shareBeta + (params.shareIncreaseRps * t) / 1000;
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
// Two points give the limit only from stretches this long and this far apart: over
// shorter ones a few sends more or less (the network, other clients) swing the slope.
export const MIN_POINT_MS = 500;
export const MIN_APART_MS = 1000;

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
  const measurable = stretchMs >= MIN_STRETCH_MS && sent >= 2;
  const measured = measurable ? (sent * 1000) / stretchMs : rateBefore;
  // Never above the rate sent at: right after a hold the bucket's burst inflates A/T.
  const bound = Math.max(params.minRps, Math.min(measured, rateBefore));
  const aimd = (): LearnedRateState => ({ ...state, epochAt: holdUntil, bound: Math.max(params.minRps, rateBefore), estimate: 0, contended: true });
  // Others share the limit when a 429 comes straight after a hold (the bucket did not
  // refill while this client waited), or over a stretch in which this client got well
  // under its estimate. What it measures then is its share, which moves with theirs:
  // from here on AIMD from the rate it sent at, as TCP senders sharing a link do.
  if (state.contended || (!measurable && state.bound > 0) || (state.estimate > 0 && measured < state.estimate * params.contention)) return aimd();
  if (!measurable) {
    // The very first 429, with nothing sent to measure: slow down from what was allowed.
    return { ...state, epochAt: holdUntil, bound: Math.max(params.minRps, rateBefore * params.backoff) };
  }
  // The rate that drained the bucket is above the limit, but not far above it (the
  // climb is gentle): a floor for the estimate when the stretch began under the limit
  // (the full bucket overflowed meanwhile, so A/T and the slope read low).
  const floor = params.ceilingFraction * rateBefore;
  const apart = Math.abs(stretchMs - state.pointMs);
  if (Math.min(stretchMs, state.pointMs) >= MIN_POINT_MS && apart >= Math.max(MIN_APART_MS, 0.2 * Math.max(stretchMs, state.pointMs))) {
    const slope = ((sent - state.pointSent) * 1000) / (stretchMs - state.pointMs);
    // A slope far under what this client sent is not one bucket seen by one client.
    if (slope < 0.5 * bound) return aimd();
    const estimate = Math.max(params.minRps, Math.min(rateBefore, Math.max(Math.min(slope, bound), floor)));
    return { ...state, epochAt: holdUntil, bound, estimate, pointMs: stretchMs, pointSent: sent, contended: false };
  }
  if (state.estimate > 0) {
    // Throttled again after a stretch like the last: the estimate was high.
    const estimate = Math.max(params.minRps, Math.min(rateBefore, state.estimate * params.margin * params.margin));
    return { ...state, epochAt: holdUntil, bound, estimate, pointMs: stretchMs, pointSent: sent, contended: false };
  }
  // No estimate yet, and this stretch cannot be paired with the last point: climb again
  // from lower, keeping the longer of the two points to pair with a later stretch.
  const keep = stretchMs < state.pointMs;
  return { ...state, epochAt: holdUntil, bound, pointMs: keep ? state.pointMs : stretchMs, pointSent: keep ? state.pointSent : sent };
}
