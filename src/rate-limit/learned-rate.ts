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
  margin: 0.98,
  plateauMs: 20_000,
  probeDoublingMs: 2000,
  minRps: 0.5,
  maxRps: 10_000,
});

/** A fit at least this fraction of the rate sent at (the margin: what the client keeps under a limit anyway) shows no limit below it. */
export const STRAY_FIT = 0.98;

/** Fewest accepted sends a stretch needs for a fit. */
export const MIN_FIT_SENDS = 16;

/** Slow start begins at no more than this many of the start's bucketfuls per second. */
export const START_BUCKETS_PER_SECOND = 2;

/** What has been learned. */
export interface LearnedRateState {
  /** True until the first evidence of a limit: the rate is unlimited. */
  readonly unlimited: boolean;
  /** True once a limit has been fitted (after slow start). */
  readonly fitted: boolean;
  /** The rate in force, requests/s. */
  readonly rps: number;
  /** From `flatUntil` on, sending at the rate doubles it this often (ms), or once per two round trips if longer. */
  readonly doublingMs: number;
  /** The rate stays flat until this time (ms). */
  readonly flatUntil: number;
  /** The server's bucket `B`, as far as known (requests). */
  readonly bucket: number;
  /** When the last episode was acted on: the next fit starts there. */
  readonly emptyAt: number;
  /**
   * How long before `emptyAt` the last 429 was, ms: the bucket was empty then and has
   * refilled since at the limit (a client that paused before the evidence came in).
   */
  readonly quietMs: number;
}

/** The state of a client that has seen no evidence of a limit yet, starting at `now`. */
export function initialLearnedRate(now: number): LearnedRateState {
  return { unlimited: true, fitted: false, rps: Infinity, doublingMs: Infinity, flatUntil: now, bucket: Infinity, emptyAt: now, quietMs: 0 };
}

/** The allowed rate (requests/s); `maxRps` or more means unlimited. */
export function learnedRate(state: LearnedRateState, params: LearnedRateParams = DEFAULT_LEARNED_RATE): number {
  return state.unlimited ? params.maxRps : Math.min(params.maxRps, Math.max(params.minRps, state.rps));
}

/**
 * The state after a send at `now`: past the plateau, the rate grows by a step. With
 * `roundTripMs` (how long Hero takes to answer), never faster than doubling every two
 * round trips: a 429 says the rate is too high only a round trip after the send, and the
 * rate must not have doubled meanwhile.
 */
export function afterSend(state: LearnedRateState, now: number, roundTripMs = 0, params: LearnedRateParams = DEFAULT_LEARNED_RATE): LearnedRateState {
  if (state.unlimited || now < state.flatUntil || state.rps >= params.maxRps) return state;
  return { ...state, rps: state.rps + stepFor(Math.max(state.doublingMs, ROUND_TRIPS_PER_DOUBLING * roundTripMs)) };
}

/** Slow start and probing double the rate no faster than once per this many round trips. */
export const ROUND_TRIPS_PER_DOUBLING = 2;

/** The step per send that doubles the rate every `doublingMs` of sending at it: dR/dsend = ln 2 / doubling time. */
export function stepFor(doublingMs: number): number {
  return (Math.LN2 * 1000) / doublingMs;
}

/** The sends of a stretch, oldest first. */
export interface Stretch {
  readonly times: readonly number[];
  /** Which sends were refused (took no token); omitted when not known (all taken as accepted). */
  readonly refused?: readonly boolean[] | undefined;
  /** Tokens in the bucket at `startAt` (`Infinity`: full); before the refill since the last 429, for {@link learnFromEpisode}. */
  readonly startLevel: number;
  readonly startAt: number;
}

/** What {@link fitLimit} found: the limit, and the bucket it needed (more than believed, when the sends showed it). */
export interface Fit {
  readonly limit: number;
  readonly bucket: number;
}

/**
 * The least refill rate (requests/s) at which a token bucket holding `bucket`, at
 * `startLevel` tokens at `startAt`, had a token for every accepted send of the
 * stretch: a lower bound of the limit whatever the pattern of sending. When no rate
 * explains the sends (more went through at once than the level and the bucket allow),
 * the guesses were low: the level is raised, then the bucket, until one does.
 */
export function fitLimit(stretch: Stretch, bucket: number, params: LearnedRateParams = DEFAULT_LEARNED_RATE): Fit {
  const feasible = (rps: number, level0: number, cap: number): boolean => hadTokens(stretch, stretch.startAt, rps, level0, cap);
  let level = stretch.startLevel;
  let cap = bucket;
  while (!feasible(params.maxRps, level, cap)) {
    if (level < cap) level = Math.min(cap, Math.floor(level) + 1);
    else level = cap = cap + 1;
  }
  if (feasible(params.minRps, level, cap)) return { limit: params.minRps, bucket: cap };
  let low = params.minRps;
  let high = params.maxRps;
  // Bisection in log space: 40 steps pin the rate to far better than a send's worth.
  for (let step = 0; step < 40; step++) {
    const mid = Math.sqrt(low * high);
    if (feasible(mid, level, cap)) high = mid;
    else low = mid;
  }
  return { limit: high, bucket: cap };
}

/**
 * Whether a bucket refilling at `rps` (at most `cap` tokens, `level0` at `from`) had a token
 * for every accepted send of `sends` (a send found with 0.999 tokens counts: rounding).
 */
export function hadTokens(sends: Omit<Stretch, 'startAt' | 'startLevel'>, from: number, rps: number, level0: number, cap: number): boolean {
  let level = Math.min(cap, level0);
  let at = from;
  for (let i = 0; i < sends.times.length; i++) {
    const t = sends.times[i]!;
    level = Math.min(cap, level + (rps * (t - at)) / 1000);
    at = t;
    if (sends.refused?.[i]) continue;
    if (level < 0.999) return false;
    level -= 1;
  }
  return true;
}

/**
 * The least bucket (requests) that, full at the first send, had a token for every
 * accepted send of `start` at a refill of `rps`: what the unpaced start shows of the
 * bucket, once a rate is known. (What got through alone overstates it when the start
 * took long, on a distant server or a busy host: the bucket refilled meanwhile.)
 */
export function bucketFor(start: Omit<Stretch, 'startAt' | 'startLevel'>, rps: number): number {
  const accepted = start.times.filter((_, i) => !start.refused?.[i]).length;
  const feasible = (cap: number): boolean => hadTokens(start, start.times[0] ?? 0, rps, cap, cap);
  let low = 1;
  let high = Math.max(1, accepted);
  if (feasible(low)) return low;
  for (let step = 0; step < 30; step++) {
    const mid = (low + high) / 2;
    if (feasible(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * What a 429 episode the client's rate caused teaches, at `now`. `stretch` holds the
 * sends from the last episode (`state.emptyAt`; for the first, the start) up to the 429
 * that made it evidence; the bucket ran dry at `dryAt`. `start`, at the first fit: the
 * unpaced start's sends, all their answers in, which show the bucket.
 */
export function learnFromEpisode(
  state: LearnedRateState,
  stretch: Stretch,
  dryAt: number,
  now: number,
  start?: Omit<Stretch, 'startAt' | 'startLevel'>,
  params: LearnedRateParams = DEFAULT_LEARNED_RATE,
): LearnedRateState {
  // The next fit starts now, the bucket empty at the last 429 and refilled since.
  const lastRefusedAt = stretch.times.findLast((_, i) => stretch.refused?.[i] === true) ?? dryAt;
  const next = { emptyAt: now, quietMs: Math.max(0, now - lastRefusedAt) };
  if (state.unlimited) {
    // Unpaced, what got through before it ran dry is about what the bucket held.
    const accepted = stretch.times.filter((t, i) => t <= dryAt && !stretch.refused?.[i]).length;
    const bucket = Math.max(1, accepted);
    // A small bucket (or a small share of one) says the limit may be small too: start no faster than two bucketfuls a second.
    return { unlimited: false, fitted: false, rps: Math.min(params.startRps, START_BUCKETS_PER_SECOND * bucket), doublingMs: params.startDoublingMs, flatUntil: now, bucket, ...next };
  }
  const accepted = stretch.times.filter((_, i) => !stretch.refused?.[i]).length;
  const rateBefore = learnedRate(state, params);
  // Too few sends since the last episode to fit a bucket (or a share of one others also
  // drain): what got through since, and at least a tenth slower.
  if (accepted < MIN_FIT_SENDS) {
    const since = Math.max(1, (stretch.times.at(-1) ?? now) - stretch.startAt);
    const got = (accepted * 1000) / since;
    return { ...state, fitted: true, rps: Math.max(params.minRps, Math.min(rateBefore * 0.9, params.margin * got)), doublingMs: params.probeDoublingMs, flatUntil: now + params.plateauMs, ...next };
  }
  // The level the stretch began at is what refilled since the last 429: known only up to
  // the limit itself, so a few rounds (each lowers what the last raised).
  const fitFrom = (bucket: number): Fit => {
    let fit = fitLimit(stretch, bucket, params);
    for (let round = 0; round < FIT_ROUNDS && stretch.startLevel !== Infinity; round++) {
      fit = fitLimit({ ...stretch, startLevel: stretch.startLevel + (fit.limit * state.quietMs) / 1000 }, bucket, params);
    }
    return fit;
  };
  // At the first fit, the bucket the start showed before its first 429 first, then in turn
  // the least bucket the start shows at that rate and the rate that bucket gives, until the
  // two agree. (Both are lower bounds that trade against each other, so they can agree at
  // more than one rate; starting from the start's first 429, the higher, not the lowest.)
  let fit = fitFrom(start === undefined ? state.bucket : Math.max(1, acceptedBeforeFirstRefusal(start)));
  for (let round = 0; start !== undefined && round < FIT_ROUNDS; round++) fit = fitFrom(bucketFor(start, fit.limit));
  // 429s that fit no lower limit than the rate sent at were not the rate's after all (stray
  // ones, enough to pass for evidence): nothing changes, so the rate Hero has been
  // accepting stays in force (or slow start goes on). (Stray refusals free a little room in
  // the fit, so a fitted rate may still lose a few per cent to them, until the next probe.)
  if (fit.limit >= rateBefore * STRAY_FIT) return { ...state, ...next };
  return { ...state, fitted: true, bucket: fit.bucket, rps: Math.max(params.minRps, params.margin * fit.limit), doublingMs: params.probeDoublingMs, flatUntil: now + params.plateauMs, ...next };
}

/** Sends accepted before the first refused one. */
function acceptedBeforeFirstRefusal(sends: Omit<Stretch, 'startAt' | 'startLevel'>): number {
  const first = sends.refused?.indexOf(true) ?? -1;
  return first < 0 ? sends.times.length : first;
}

/** Tokens taken to be in an empty bucket (it refused a send: fewer than one). */
export const EMPTY_LEVEL = 0.5;
/** Rounds of the fit's fixed point. */
export const FIT_ROUNDS = 3;
