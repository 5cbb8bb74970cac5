/**
 * The client-wide rate controller: every attempt of every call of one client asks it
 * for a permit first and reports how it went. Until Hero shows a limit it costs
 * nothing: a permit is granted at once (not a promise) while fewer than
 * `maxInFlight` attempts are out, after a start window that opens by one per answer
 * (TCP's slow start, clocked by answers, not time: on a server a millisecond away it is
 * fully open within a few milliseconds).
 *
 * A 429 holds only the call that got it: it waits its Retry-After and goes ahead of
 * first attempts. When the sends of the second before it show the client's own rate
 * caused it (evidence.ts), the schedule also learns the rate (learned-rate.ts) or, at a
 * known limit, moves a little under it (known-limit.ts); a stray 429 changes nothing.
 *
 * With a shared store (Redis) the schedule is the fleet's: every process takes its
 * sends from the same bucket, reports its 429s there, and sees the same learned rate.
 * When the store cannot be reached the controller falls back to its own local
 * schedule, warns once, and never fails a call because of the store.
 */
import { HeroError } from '../errors.js';
import { HeroClientClosedError } from './client-closed-error.js';
import { createLocalSchedule, sharedSendingBurst, type RateSchedule } from './local-schedule.js';
import type { NormalizedRateLimit } from './options.js';
import type { RateLimitStore } from './store.js';

/** How one attempt ended, as far as pacing cares. */
export type AttemptOutcome =
  /** Any HTTP answer but a 429. */
  | { readonly kind: 'answered' }
  /** A 429. */
  | { readonly kind: 'throttled' }
  /** No answer (network failure, time-out, cancelled): says nothing about the rate. */
  | { readonly kind: 'no-answer' };

/** One attempt's right to be sent; report its outcome with {@link RatePermit.done}. */
export interface RatePermit {
  /** Frees the in-flight slot and tells the schedule how the attempt went. */
  done(outcome: AttemptOutcome): void;
}

/** Input of {@link RateController.acquire}. */
export interface AcquireOptions {
  /** Cancels the wait; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Retries go ahead of first attempts, so a throttled call is not queued twice. */
  readonly retry: boolean;
  /** How long the call has already waited for permits, ms (a retry keeps its place by age). @default 0 */
  readonly waitedMs?: number | undefined;
  /** Longest wait for a permit, ms; past it `acquire` resolves `undefined`. */
  readonly maxWaitMs: number;
}

/** The rate controller's state, as `hero.rateLimitSnapshot()` and the controller's `snapshot()` report it. */
export interface RateControllerSnapshot {
  /** Rate in force, requests/s (`Infinity` until a limit is known or learned). */
  readonly requestsPerSecond: number;
  /** Attempts sent and not yet answered. */
  readonly inFlight: number;
  /** Calls waiting for a permit. */
  readonly queued: number;
  /** `'shared'` while the store is in use, `'local'` otherwise. */
  readonly mode: 'shared' | 'local';
}

/** The controller of one client. */
export interface RateController {
  /**
   * A permit, at once when allowed (not a promise), else after waiting; `undefined` past
   * `maxWaitMs`. Rejects with {@link HeroClientClosedError} once the client is closed.
   */
  acquire(options: AcquireOptions): RatePermit | undefined | Promise<RatePermit | undefined>;
  /** The current state, for progress reports. */
  snapshot(): RateControllerSnapshot;
  /** Longest a call without a deadline waits for the rate limit in total, ms. */
  readonly maxWaitMs: number;
  /** Rejects every waiting call with {@link HeroClientClosedError}, and closes the store if this controller opened it. */
  close(): Promise<void>;
}

/** Clock and timers of the controller; replaced in unit tests. */
export interface RateControllerDeps {
  /** Monotonic time in ms. @default performance.now */
  readonly now?: () => number;
  /** Schedules `fn` after `delayMs`; returns a handle for `clearTimer`. @default setTimeout */
  readonly setTimer?: (fn: () => void, delayMs: number) => unknown;
  /** @default clearTimeout */
  readonly clearTimer?: (handle: unknown) => void;
  /** Warns once when the store fails. @default process.emitWarning */
  readonly warn?: (message: string) => void;
}

interface Waiter {
  readonly resolve: (permit: RatePermit | undefined) => void;
  readonly reject: (reason: unknown) => void;
  /** When the call started waiting (the controller's clock). */
  readonly queuedAt: number;
  cleanup: () => void;
}

/**
 * Attempts a fresh client sends before the first answers: each answer that is not a 429
 * lets one more out (the window doubles per round trip), each 429 one fewer, until
 * `maxInFlight` or evidence of a limit. Unpaced into a small bucket (burst 10), 64 at
 * once would draw 54 429s; four, doubling per round trip, draw about a dozen.
 */
export const START_WINDOW = 4;

// After the store fails, the local schedule is used this long before the store is tried again.
const STORE_RETRY_MS = 5000;

// Not unref'd: the pump's timer runs only while calls wait, and a waiting call must
// keep the process alive until it is sent.
const defaultSetTimer = (fn: () => void, delayMs: number): unknown => setTimeout(fn, delayMs);
const defaultClearTimer = (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>);
const defaultWarn = (message: string): void => process.emitWarning(message, { code: 'HERO_RATE_LIMIT_STORE' });

/** Creates the controller of one client from normalised `rateLimit` options. */
export function createRateController(options: NormalizedRateLimit, deps: RateControllerDeps = {}): RateController {
  const now = deps.now ?? (() => performance.now());
  const setTimer = deps.setTimer ?? defaultSetTimer;
  const clearTimer = deps.clearTimer ?? defaultClearTimer;
  const warn = deps.warn ?? defaultWarn;
  const local: RateSchedule = createLocalSchedule(options, now());
  const store: RateLimitStore | undefined = options.store;
  const limit = options.requestsPerSecond === undefined ? undefined : { requestsPerSecond: options.requestsPerSecond, burst: sharedSendingBurst(options.burst) };

  let inFlight = 0;
  // Smoothed time Hero takes to answer, ms (TCP's SRTT, gain 1/8): slows the learned rate's growth when Hero is far away.
  let roundTripMs = 0;
  // A known limit is paced from the first send; the start window is for a client that knows nothing.
  let window = options.requestsPerSecond === undefined ? Math.min(START_WINDOW, options.maxInFlight) : options.maxInFlight;
  // Retries first, then first attempts, each in arrival order.
  const retryQueue: Waiter[] = [];
  const firstQueue: Waiter[] = [];
  let timer: unknown;
  let timerAt = Infinity;
  let pumping = false;
  let closed = false;
  let warned = false;
  let usingStore = store !== undefined;
  let retryStoreAt = Infinity;

  const queued = (): number => retryQueue.length + firstQueue.length;
  const head = (): Waiter | undefined => retryQueue[0] ?? firstQueue[0];
  const shiftHead = (): Waiter | undefined => retryQueue.shift() ?? firstQueue.shift();
  const slotFree = (): boolean => inFlight < window;

  function storeFailed(error: unknown): void {
    usingStore = false;
    retryStoreAt = now() + STORE_RETRY_MS;
    if (!warned) {
      warned = true;
      // Only our own messages are shown: a driver's could carry the Redis URL and its password.
      const why = error instanceof HeroError ? error.message : 'the shared store did not answer';
      warn(`Hero rate limit: ${why}. This process paces on its own meanwhile (no call fails for it) and tries the store again every ${STORE_RETRY_MS / 1000} s.`);
    }
  }

  /** Reports a 429 to the store, which judges it for the fleet. */
  function reportToStore(sentAt: number, at: number): void {
    try {
      store!.throttled({ sentAgoMs: at - sentAt, limit }).catch(storeFailed);
    } catch (error) {
      storeFailed(error);
    }
  }

  /** A permit; `send` is the local schedule's number of it (-1 when the store granted it). */
  function permit(send: number): RatePermit {
    inFlight++;
    const sentAt = now();
    let released = false;
    return {
      done(outcome) {
        if (released) return;
        released = true;
        inFlight--;
        if (outcome.kind !== 'no-answer') roundTripMs += (now() - sentAt - roundTripMs) / 8;
        if (outcome.kind === 'answered') {
          if (window < options.maxInFlight) window++;
        } else if (outcome.kind === 'throttled') {
          const at = now();
          // Evidence of a limit ends the start window: pacing takes over. Before it, a 429
          // narrows the window (TCP's answer to a loss), so a fresh client does not keep
          // filling a bucket that is already empty while the evidence comes in.
          if (send >= 0 ? local.refused(send, at) : (reportToStore(sentAt, at), false)) window = options.maxInFlight;
          else if (window < options.maxInFlight) window = Math.max(1, window - 1);
        }
        if (queued() > 0) void pump();
      },
    };
  }

  function schedulePump(delayMs: number): void {
    const at = now() + delayMs;
    if (timer !== undefined) {
      if (at >= timerAt) return;
      clearTimer(timer);
    }
    timerAt = at;
    timer = setTimer(() => {
      timer = undefined;
      timerAt = Infinity;
      void pump();
    }, Math.max(0, delayMs));
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (let waiter = head(); waiter !== undefined && slotFree() && !closed; waiter = head()) {
        const at = now();
        if (!usingStore && store !== undefined && at >= retryStoreAt) usingStore = true;
        let next: number | undefined;
        if (usingStore && store !== undefined) {
          try {
            // How long this process's oldest call has waited lets the store serve the
            // fleet's oldest call first. (Retries keep their age, so any may be the oldest.)
            let oldest = firstQueue[0]?.queuedAt ?? Infinity;
            for (const w of retryQueue) oldest = Math.min(oldest, w.queuedAt);
            const waitedMs = Number.isFinite(oldest) ? Math.max(0, at - oldest) : 0;
            const waitMs = await store.take({ limit, waitedMs, roundTripMs });
            if (typeof waitMs !== 'number' || Number.isNaN(waitMs)) throw new HeroError(`the shared store answered ${typeof waitMs === 'number' ? 'NaN' : `a ${typeof waitMs}`}`);
            if (waitMs > 0) next = now() + waitMs;
          } catch (error) {
            storeFailed(error);
            continue;
          }
        } else {
          next = local.tryTake(at, roundTripMs);
        }
        if (closed) return;
        if (next !== undefined) {
          schedulePump(next - now());
          return;
        }
        // The head may have been cancelled while the store answered.
        if (head() !== waiter) continue;
        shiftHead();
        waiter.cleanup();
        waiter.resolve(permit(usingStore && store !== undefined ? -1 : local.lastSend));
      }
    } finally {
      pumping = false;
    }
  }

  return {
    maxWaitMs: options.maxWaitMs,
    acquire({ signal, retry, maxWaitMs, waitedMs = 0 }) {
      if (closed) return Promise.reject(new HeroClientClosedError());
      if (signal?.aborted) return Promise.reject(signal.reason);
      // Fast path: nobody waiting, a slot free, the local schedule allows it now.
      if (queued() === 0 && slotFree() && !usingStore && local.tryTake(now(), roundTripMs) === undefined) return permit(local.lastSend);
      if (maxWaitMs <= 0) return undefined;
      return new Promise<RatePermit | undefined>((resolve, reject) => {
        const queue = retry ? retryQueue : firstQueue;
        const remove = (): void => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
        };
        const onAbort = (): void => {
          remove();
          waiter.cleanup();
          reject(signal?.reason);
        };
        let expiry: unknown;
        const waiter: Waiter = {
          resolve,
          reject,
          queuedAt: now() - waitedMs,
          cleanup: () => {
            signal?.removeEventListener('abort', onAbort);
            if (expiry !== undefined) clearTimer(expiry);
          },
        };
        if (maxWaitMs !== Infinity) {
          expiry = setTimer(() => {
            remove();
            signal?.removeEventListener('abort', onAbort);
            resolve(undefined);
          }, maxWaitMs);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        void pump();
      });
    },
    snapshot() {
      const at = now();
      return {
        requestsPerSecond: local.rateAt(at),
        inFlight,
        queued: queued(),
        mode: usingStore ? 'shared' : 'local',
      };
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      // Every waiting call settles now, whatever the store does: nothing of theirs was sent.
      for (const waiter of [...retryQueue.splice(0), ...firstQueue.splice(0)]) {
        waiter.cleanup();
        waiter.reject(new HeroClientClosedError());
      }
      if (options.ownsStore && store !== undefined) await store.close();
    },
  };
}
