/**
 * How many items a campaign keeps started but not yet sent. An item marked `sending` but held
 * back (a slow record let permits pile up behind it, and the send gate re-spaces them) is one a
 * crash leaves for a person to check although it never left. Without a limit that pile can grow
 * to the job's concurrency; with one, the next item starts only while fewer than
 * `rate × (20 ms + twice the usual record time)` items (at least 2) are between their start and
 * their send: enough that the rate limiter always has one waiting, not more.
 *
 * In the full crash test it kept the items left `sending` at a kill to at most 9–10 (16 without it,
 * the job's concurrency; docs/campaigns.md). Not tighter: a dry queue at the rate limiter loses
 * permits, and turns into bursts at its next ones.
 */
import type { Pacing } from './send-gate.js';

// Lead the rate limiter is given beyond the time a record takes (4 sends at 200/s), so its queue rarely runs dry.
const LEAD_MS = 20;
const MIN_AHEAD = 2;

/** The feeder waits on {@link room}; items report when they start and when they leave. */
export interface FeedLimit {
  /** Resolves when another item may start, or when `signal` aborts. */
  room(signal: AbortSignal): Promise<void>;
  /** An item started. */
  started(): void;
  /** The item's first request that may change something left, or its task ended without one. */
  left(): void;
  /** How long an item's `sending` record took, ms. */
  recordTook(ms: number): void;
}

/** No limit when the client does not pace (`pacing` undefined, or an unlimited rate). */
export function createFeedLimit(pacing: Pacing | undefined): FeedLimit {
  let ahead = 0;
  let recordMs = 5;
  let wake: (() => void) | undefined;
  const limit = (): number => {
    const rate = pacing?.()?.requestsPerSecond;
    if (rate === undefined || !(rate > 0) || !Number.isFinite(rate)) return Infinity;
    return Math.max(MIN_AHEAD, Math.ceil((rate * (LEAD_MS + 2 * recordMs)) / 1000));
  };
  return {
    async room(signal) {
      while (ahead >= limit() && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            signal.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
      }
    },
    started() {
      ahead++;
    },
    left() {
      ahead--;
      wake?.();
    },
    recordTook(ms) {
      recordMs = 0.8 * recordMs + 0.2 * ms;
    },
  };
}
