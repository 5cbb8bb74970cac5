/**
 * Re-spaces sends after their `sending` record. The rate controller hands out permits at the
 * limit's pace, and the journal's record comes after the permit, just before the send. When a
 * record is slow (a disk sync or a Redis answer held up tens of ms on a busy machine), the
 * permits granted meanwhile all wait on it and would then leave together: a burst the server
 * counts against its bucket, answered with 429 and a `Retry-After` that holds the whole client
 * (a second lost per 429 at a known limit). The gate lets sends leave no faster than twice the
 * rate in force, with the configured burst (at least 2, so a late timer never slows the steady
 * pace): a pile-up drains in half the time it took to form, and never as one burst. Not at the
 * rate itself: permits keep coming at that rate, so a backlog would never drain and would hold
 * the bulk job's slots. When records are quick, sends arrive already spaced and nothing waits.
 */

// How much faster than the rate in force a backlog of held-up sends may drain.
const DRAIN_FACTOR = 1;

/** The rate in force and the burst the limit allows; `undefined` when the client does not pace. */
export type Pacing = () => { readonly requestsPerSecond: number; readonly burst: number } | undefined;

/** `pass()` resolves when the caller may send. */
export function createSendGate(pacing: Pacing | undefined, now: () => number = () => performance.now()): () => Promise<void> {
  // GCRA: the theoretical arrival time of the next send.
  let tat = -Infinity;
  return async function pass(): Promise<void> {
    for (;;) {
      const pace = pacing?.();
      if (pace === undefined || !(pace.requestsPerSecond > 0) || !Number.isFinite(pace.requestsPerSecond)) return;
      const interval = 1000 / (pace.requestsPerSecond * DRAIN_FACTOR);
      const at = now();
      const allowedAt = tat - (Math.max(2, pace.burst) - 1) * interval;
      if (at >= allowedAt) {
        tat = Math.max(tat, at) + interval;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(allowedAt - at))));
    }
  };
}
