/**
 * Pacing at a known limit (the partner agreement's `requestsPerSecond`) and the one
 * thing it still learns: how far under that limit to stay.
 *
 * Sent evenly at exactly `L`, requests leave no room for jitter when the server's
 * bucket is small: with a burst of 1 (the default when none is given, and how a
 * fixed-window or sliding-log limiter behaves) a request that arrives a millisecond
 * early is refused, and every refusal holds the whole client for its Retry-After. On
 * the simulator at 5 requests/s, burst 1 and 1 ms of jitter, pacing exactly at the
 * limit drew 36% 429s and 0.26 of the limit. So a throttle at a known limit (once
 * per episode) lowers the rate sent at by a few per cent, down to half the limit,
 * and it climbs back slowly: where the server has room (a real burst) no 429 ever
 * comes and the limit is paced exactly; where it has none, the client settles just
 * under it. It also covers a limit lower than the agreement says, or other clients
 * on the same key outside the fleet.
 */

/** Each throttle at a known limit multiplies the rate sent at by this. */
export const KNOWN_BACKOFF = 0.95;
/** The rate sent at never goes under this fraction of the known limit. */
export const KNOWN_FLOOR = 0.5;
/** After a throttle the fraction climbs back towards 1 by this much per second. */
export const KNOWN_RECOVERY_PER_SECOND = 0.001;

/** How far under the known limit to send. */
export interface KnownMargin {
  /** Fraction of the known limit sent at, right after the last throttle. */
  readonly factor: number;
  /** When the last throttle cut it (ms); the fraction recovers from then. */
  readonly cutAt: number;
}

export const FULL_KNOWN_MARGIN: KnownMargin = Object.freeze({ factor: 1, cutAt: 0 });

/** The fraction of the known limit to send at, at `now`. */
export function knownFactorAt(margin: KnownMargin, now: number): number {
  if (margin.factor >= 1) return 1;
  return Math.min(1, margin.factor + (KNOWN_RECOVERY_PER_SECOND * Math.max(0, now - margin.cutAt)) / 1000);
}

/** The margin after a throttle at `now` (call once per episode). */
export function cutKnownMargin(margin: KnownMargin, now: number): KnownMargin {
  return { factor: Math.max(KNOWN_FLOOR, knownFactorAt(margin, now) * KNOWN_BACKOFF), cutAt: now };
}
