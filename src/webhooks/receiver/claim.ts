/**
 * The claim protocol on top of a {@link WebhookDeliveryStore}: take the processing lease
 * (waiting, bounded, while another receiver holds it), renew it while the handler runs,
 * then write the done marker, or release the lease when the handler throws.
 *
 * What this guarantees while the store is up: no two receivers run the handler for one
 * delivery at the same time, and once a handler returned and its done marker is written,
 * the delivery is not run again for as long as it would verify. A receiver that dies
 * mid-handler leaves a lease that expires after `leaseMs`; the delivery then runs again on
 * Hero's retry, so a handler cut off halfway must be safe to run again (as it must be in any
 * system without a transaction spanning the handler and the store).
 */
import { nodeCrypto } from '../../lazy-builtins.js';
import type { WebhookDeliveryStore } from './delivery-store.js';
import type { WebhookDeliveryProblem } from './options.js';

/** What {@link acquireDelivery} got. */
export type Acquired =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'done' }
  | { readonly kind: 'in_progress' }
  | { readonly kind: 'store_failed'; readonly error: unknown };

/** How {@link runUnderLease} ended. */
export interface LeaseRun {
  /** The handler's error when it threw. */
  readonly failed: boolean;
  readonly error?: unknown;
  readonly problems: readonly WebhookDeliveryProblem[];
}

// Polls while another receiver holds the lease: soon at first (most handlers are quick), then every 250 ms.
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 250;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lease of `key`, or learns it is done. While another receiver holds it, asks
 * again with backoff until `waitMs` passed: the holder completes (`done`), releases or
 * dies (its lease expires and this caller takes it), or the wait ends (`in_progress`).
 */
export async function acquireDelivery(store: WebhookDeliveryStore, key: string, leaseMs: number, waitMs: number): Promise<Acquired> {
  // Tokens start with "p:" so none can equal the store's "done" marker.
  const token = `p:${nodeCrypto().randomUUID()}`;
  const giveUpAt = Date.now() + waitMs;
  let delayMs = FIRST_POLL_MS;
  for (;;) {
    let claim;
    try {
      claim = await store.claim(key, token, leaseMs);
    } catch (error) {
      return { kind: 'store_failed', error };
    }
    if (claim === 'claimed') return { kind: 'claimed', token };
    if (claim === 'done') return { kind: 'done' };
    const leftMs = giveUpAt - Date.now();
    if (leftMs <= 0) return { kind: 'in_progress' };
    await sleep(Math.min(delayMs, leftMs));
    delayMs = Math.min(delayMs * 2, MAX_POLL_MS);
  }
}

/**
 * Runs `handler` while holding the lease: renews it every third of `leaseMs`, aborts
 * `signal` if it is lost, then completes (done marker) or releases it. Store failures after
 * the handler ran are reported as problems, never as the handler's failure.
 */
export async function runUnderLease(
  store: WebhookDeliveryStore,
  key: string,
  token: string,
  times: { readonly leaseMs: number; readonly doneTtlMs: number },
  handler: (signal: AbortSignal) => Promise<unknown>,
): Promise<LeaseRun> {
  const problems: WebhookDeliveryProblem[] = [];
  const lost = new AbortController();
  let renewedAt = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> = Promise.resolve();

  const loseLease = () => {
    if (lost.signal.aborted) return;
    problems.push('lease_lost');
    lost.abort(new Error('this receiver lost the delivery\'s lease; another receiver may run it'));
  };
  const scheduleRenewal = () => {
    timer = setTimeout(() => {
      renewing = (async () => {
        try {
          if (await store.renew(key, token, times.leaseMs)) renewedAt = Date.now();
          else loseLease();
        } catch {
          // A failed renewal is not yet a lost lease: the previous one may still be running.
          if (Date.now() - renewedAt >= times.leaseMs) loseLease();
        }
        if (!stopped && !lost.signal.aborted) scheduleRenewal();
      })();
    }, times.leaseMs / 3);
    timer.unref();
  };
  scheduleRenewal();

  let failed = false;
  let error: unknown;
  try {
    await handler(lost.signal);
  } catch (thrown) {
    failed = true;
    error = thrown;
  }
  stopped = true;
  clearTimeout(timer);
  await renewing;

  try {
    const ok = failed ? await store.release(key, token) : await store.complete(key, token, times.doneTtlMs);
    if (!ok && !lost.signal.aborted) problems.push('lease_lost');
  } catch {
    problems.push(failed ? 'release_failed' : 'done_marker_failed');
  }
  return failed ? { failed, error, problems } : { failed, problems };
}
