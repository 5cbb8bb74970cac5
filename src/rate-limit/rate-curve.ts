/**
 * The learned sending rate: what the client believes Hero will accept, as a pure
 * function of time since the last throttle. Shared by the local controller and the
 * Redis store's Lua script (which mirrors these formulas), so one process and a
 * fleet learn the same way.
 *
 * Shape (after TCP CUBIC, RFC 9438, and AWS SDK's adaptive retry mode, which applies
 * CUBIC to a client-side token bucket):
 * - Before any throttle, "slow start": the rate doubles every `doublingMs` from
 *   `initialRps`, so a job finds the limit within a second or two without first
 *   firing its whole in-flight window at Hero.
 * - On a throttle, the rate that was actually achieved just before it becomes the
 *   ceiling `wMax`; sending restarts at `beta × wMax` and climbs back along a cubic
 *   curve that flattens as it nears `wMax`, where it lingers before probing above.
 *
 * What we do better than AWS's `DefaultRateLimiter`: `wMax` is the measured goodput,
 * not the (often much higher) rate the bucket allowed, so the first decrease lands
 * near the real limit instead of far above it; the curve is scaled to `wMax`, so the
 * plateau lasts seconds at any limit; and a 429 holds the whole client for its
 * `Retry-After` rather than only the call that got it.
 */

/** Tuning of the learned rate. Numbers chosen on the rate-limit bench (docs/performance.md). */
export interface RateCurveParams {
  /** Rate at the very start, requests/s. */
  readonly initialRps: number;
  /** Slow start doubles the rate this often. */
  readonly doublingMs: number;
  /** Fraction of `wMax` sending restarts at after a throttle. */
  readonly beta: number;
  /** Fraction of `wMax` the curve levels out at before probing above it. */
  readonly plateau: number;
  /** Cubic growth scale, per s³, relative to `wMax`. */
  readonly cubicScale: number;
  /**
   * Additive increase, requests/s per second since the throttle. The cubic is scaled to
   * each process's own ceiling; this term is the same for all, so processes that learn
   * alone converge to fair shares instead of keeping the shares luck gave them.
   */
  readonly additivePerSecond: number;
  /** Rate never goes below this, requests/s. */
  readonly minRps: number;
  /** Above this the rate is treated as unlimited, requests/s. */
  readonly maxRps: number;
}

export const DEFAULT_RATE_CURVE: RateCurveParams = Object.freeze({
  initialRps: 20,
  doublingMs: 300,
  beta: 0.95,
  plateau: 0.99,
  cubicScale: 0.0002,
  additivePerSecond: 0.3,
  minRps: 0.5,
  maxRps: 10_000,
});

/** Learned state: `wMax === 0` means no throttle seen yet (slow start). */
export interface RateCurveState {
  /** Time (ms) the current curve starts: creation, or the end of the last hold. */
  readonly epochAt: number;
  /** Ceiling found at the last throttle, requests/s; 0 before the first one. */
  readonly wMax: number;
}

/** The allowed rate (requests/s) at `now` on the curve `state`. */
export function rateAt(state: RateCurveState, now: number, params: RateCurveParams = DEFAULT_RATE_CURVE): number {
  const t = Math.max(0, now - state.epochAt);
  if (state.wMax === 0) {
    return Math.min(params.maxRps, params.initialRps * 2 ** (t / params.doublingMs));
  }
  const k = Math.cbrt((params.plateau - params.beta) / params.cubicScale);
  const s = t / 1000 - k;
  const rate = state.wMax * (params.plateau + params.cubicScale * s * s * s) + (params.additivePerSecond * t) / 1000;
  return Math.min(params.maxRps, Math.max(params.minRps, rate));
}
