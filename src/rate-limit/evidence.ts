/**
 * Whether a 429 says this client's own rate is too high, or is a stray one (a deploy
 * behind a load balancer, a proxy blip, another service on the same key) that the
 * client's rate did not cause. Sending unpaced into a real limit draws 429s on most
 * attempts; stray errors come on a small share whatever the rate. So a 429 is
 * evidence only when 429s make up a real share of the sends of the second before it:
 * how large depends on what a mistake would cost ({@link STRICT_EVIDENCE},
 * {@link FITTED_EVIDENCE}). Without evidence only the call that got the 429 waits;
 * with it, the rate is learned or lowered.
 *
 * Sends made before the last evidence belong to the episode already acted on and are
 * left out, so one episode is acted on once. Pure: the Redis script mirrors it.
 */
import type { SendsBetween } from './recent-sends.js';

/** The share is never taken over fewer sends than this: a share of a handful says little. */
export const MIN_SENDS = 32;

/** How much it takes, in the window, for 429s to be evidence. */
export interface EvidenceRule {
  /** How far back sends count, ms. */
  readonly windowMs: number;
  /** Fewest 429s. */
  readonly minThrottles: number;
  /** Least share of 429s among the sends (taken over at least {@link MIN_SENDS}). */
  readonly share: number;
}

/**
 * While nothing is known (unlimited), while the limit is being found (slow start), and
 * at a known limit: a mistake costs a slow start or a lasting cut, so stray errors must
 * never pass. At 1% stray 429s, five in a window of 32 sends or more come about once in
 * 5,000 windows.
 */
export const STRICT_EVIDENCE: EvidenceRule = Object.freeze({ windowMs: 1000, minThrottles: 5, share: 0.1 });
/**
 * Once a limit has been fitted: 429s at the fitted rate mean the limit moved (or the fit
 * was high), and a stray one taken for evidence costs only a refit at the rate being
 * sent (a few per cent, won back by the next probe).
 */
export const FITTED_EVIDENCE: EvidenceRule = Object.freeze({ windowMs: 1000, minThrottles: 3, share: 0.08 });

/**
 * Once a limit has been fitted, also over a longer window: a rate a few per cent over the
 * limit (a fit that read high, or a share others took) draws 429s too few to show in a
 * second, and they would go on for good.
 */
export const FITTED_SLOW_EVIDENCE: EvidenceRule = Object.freeze({ windowMs: 5000, minThrottles: 5, share: 0.05 });

/**
 * Judges the sends of the window ending at a throttled send (its `times` and `refused`
 * from {@link RecentSends.between}, from `max(episode end, that send − window)`):
 * the time the episode's bucket ran dry when they are evidence, else `undefined`. The
 * dry time is the earliest of the last `minThrottles` 429s, so a stray 429 earlier in
 * the window does not pass for the episode's start.
 */
export function judgeThrottles(window: SendsBetween, rule: EvidenceRule): number | undefined {
  let throttles = 0;
  let dryAt = Infinity;
  for (let i = window.times.length - 1; i >= 0; i--) {
    if (!window.refused[i]) continue;
    throttles++;
    if (throttles <= rule.minThrottles) dryAt = window.times[i]!;
  }
  if (throttles < rule.minThrottles || throttles < rule.share * Math.max(window.times.length, MIN_SENDS)) return undefined;
  return dryAt;
}
