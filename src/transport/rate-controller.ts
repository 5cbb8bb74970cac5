/**
 * The client-wide rate controller: every attempt of every call of one client asks it
 * for a permit first. It keeps calls in flight under a cap, sends on one schedule
 * (the known limit, or the learned rate), and when one call is throttled (429, or 503
 * with Retry-After) it holds back every call, not just that one.
 *
 * With a shared store (Redis) the schedule is the fleet's: every process takes its
 * sends from the same bucket and sees the same hold and learned rate. When the store
 * cannot be reached the controller falls back to its own local schedule, warns once,
 * and never fails a call because of the store.
 */
import { createLocalSchedule, sharedSendingBurst, type RateSchedule } from '../rate-limit/local-schedule.js';
import type { NormalizedRateLimit } from '../rate-limit/options.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import { HeroError } from '../errors.js';
import type { NormalizedRetryOptions } from './types.js';
import { computeBackoffDelayMs } from './retry.js';
import { type AttemptFailure, type RetryDecision } from './types.js';

/** One attempt's right to be sent; report its outcome with {@link RatePermit.done}. */
export interface RatePermit {
  /**
   * Frees the in-flight slot. `throttledMs` (a 429's or 503's Retry-After, or the
   * backoff used in its place) holds every call of the client that long. Returns the
   * time the hold ends, to pass back as `ownHoldUntil` when this call retries.
   * `rateLimited` is false for a 503 with Retry-After: it holds, but says nothing
   * about a known limit being too high (an outage is not a rate).
   */
  done(throttledMs?: number, rateLimited?: boolean): number;
}

/** Input of {@link RateController.acquire}. */
export interface AcquireOptions {
  /** Cancels the wait; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Retries go ahead of first attempts, so a throttled call is not queued twice. */
  readonly retry: boolean;
  /** The hold this call already waited out itself (from {@link RatePermit.done}). */
  readonly ownHoldUntil?: number | undefined;
  /** How long the call has already waited for permits, ms (a retry keeps its place by age). @default 0 */
  readonly waitedMs?: number | undefined;
  /** Longest wait for a permit, ms; past it `acquire` resolves `undefined`. */
  readonly maxWaitMs: number;
}

/** What `hero.rateLimitSnapshot()` reports: the rate controller's state. */
export interface RateControllerSnapshot {
  /** Rate in force, requests/s (`Infinity` before the limit is known or learned). */
  readonly requestsPerSecond: number;
  /** Attempts sent and not yet answered. */
  readonly inFlight: number;
  /** Calls waiting for a permit. */
  readonly queued: number;
  /** True while a throttle holds every call back. */
  readonly holding: boolean;
  /** `'shared'` while the store is in use, `'local'` otherwise. */
  readonly mode: 'shared' | 'local';
}

/** The controller of one client. */
export interface RateController {
  /** A permit, at once when allowed (not a promise), else after waiting; `undefined` past `maxWaitMs`. */
  acquire(options: AcquireOptions): RatePermit | undefined | Promise<RatePermit | undefined>;
  /** The current state, for progress reports. */
  snapshot(): RateControllerSnapshot;
  /** Longest a call without a deadline waits for the rate limit in total, ms. */
  readonly maxWaitMs: number;
  /** Closes the store if this controller opened it. */
  close(): Promise<void>;
}

/** Clock and timers of the controller; replaced in unit tests. */
export interface RateControllerDeps {
  /** Monotonic time in ms. @default performance.now */
  readonly now?: () => number;
  /** Schedules `fn` after `delayMs`; returns a handle for `clearTimer`. @default setTimeout (unref'd) */
  readonly setTimer?: (fn: () => void, delayMs: number) => unknown;
  /** @default clearTimeout */
  readonly clearTimer?: (handle: unknown) => void;
  /** Warns once when the store fails. @default process.emitWarning */
  readonly warn?: (message: string) => void;
}

interface Waiter {
  readonly resolve: (permit: RatePermit | undefined) => void;
  readonly reject: (reason: unknown) => void;
  readonly ownHoldUntil: number;
  readonly signal: AbortSignal | undefined;
  /** When the call started waiting (the controller's clock). */
  readonly queuedAt: number;
  cleanup: () => void;
}

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
  // Retries first, then first attempts, each in arrival order.
  const retryQueue: Waiter[] = [];
  const firstQueue: Waiter[] = [];
  let timer: unknown;
  let timerAt = Infinity;
  let pumping = false;
  let warned = false;
  let usingStore = store !== undefined;
  let retryStoreAt = Infinity;
  // Hold the store reported, mirrored locally so a fallback keeps honouring it.
  let sharedHoldUntil = 0;

  const queued = (): number => retryQueue.length + firstQueue.length;
  const head = (): Waiter | undefined => retryQueue[0] ?? firstQueue[0];
  const shiftHead = (): Waiter | undefined => retryQueue.shift() ?? firstQueue.shift();

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

  /** A permit; `fromStore` when the shared store granted it (the local schedule then only holds, never learns). */
  function permit(fromStore: boolean): RatePermit {
    inFlight++;
    const sentAt = now();
    let released = false;
    return {
      done(throttledMs, rateLimited = true) {
        if (!released) {
          released = true;
          inFlight--;
        }
        let until = 0;
        if (throttledMs !== undefined) {
          const at = now();
          sharedHoldUntil = Math.max(sharedHoldUntil, local.throttled(sentAt, throttledMs, at, !fromStore, rateLimited));
          // This call's own hold: if another call's hold runs longer, the retry waits for it too.
          until = at + throttledMs;
          if (store !== undefined && usingStore) {
            try {
              store.throttled({ holdMs: throttledMs, sentAgoMs: at - sentAt, limit, rateLimited }).catch(storeFailed);
            } catch (error) {
              storeFailed(error);
            }
          }
        }
        if (queued() > 0) schedulePump(0);
        return until;
      },
    };
  }

  /** Local decision: `undefined` when a send was taken, else when to ask again. */
  function localTake(at: number, ownHoldUntil: number): number | undefined {
    if (sharedHoldUntil > at && sharedHoldUntil > ownHoldUntil && sharedHoldUntil > local.holdUntil) return sharedHoldUntil;
    return local.tryTake(at, ownHoldUntil);
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
      for (let waiter = head(); waiter !== undefined && inFlight < options.maxInFlight; waiter = head()) {
        const at = now();
        if (!usingStore && store !== undefined && at >= retryStoreAt) usingStore = true;
        let next: number | undefined;
        if (usingStore && store !== undefined) {
          const hold = Math.max(local.holdUntil, sharedHoldUntil);
          if (hold > at && hold > waiter.ownHoldUntil) {
            next = hold;
          } else {
            try {
              // How long this process's oldest call has waited lets the store serve the
              // fleet's oldest call first. (Retries keep their age, so any may be the oldest.)
              let oldest = firstQueue[0]?.queuedAt ?? Infinity;
              for (const w of retryQueue) oldest = Math.min(oldest, w.queuedAt);
              const waitedMs = Number.isFinite(oldest) ? Math.max(0, at - oldest) : 0;
              const waitMs = await store.take({ limit, waitedMs });
              if (typeof waitMs !== 'number' || Number.isNaN(waitMs)) throw new HeroError(`the shared store answered ${typeof waitMs === 'number' ? 'NaN' : `a ${typeof waitMs}`}`);
              if (waitMs > 0) next = now() + waitMs;
            } catch (error) {
              storeFailed(error);
              continue;
            }
          }
        } else {
          next = localTake(at, waiter.ownHoldUntil);
        }
        if (next !== undefined) {
          schedulePump(next - now());
          return;
        }
        // The head may have been cancelled while the store answered.
        if (head() !== waiter) continue;
        shiftHead();
        waiter.cleanup();
        waiter.resolve(permit(usingStore && store !== undefined));
      }
    } finally {
      pumping = false;
    }
  }

  return {
    maxWaitMs: options.maxWaitMs,
    acquire({ signal, retry, ownHoldUntil = 0, maxWaitMs, waitedMs = 0 }) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      // Fast path: nobody waiting, a slot free, the local schedule allows it now.
      if (queued() === 0 && inFlight < options.maxInFlight && !usingStore) {
        if (localTake(now(), ownHoldUntil) === undefined) return permit(false);
      }
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
          ownHoldUntil,
          signal,
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
        holding: Math.max(local.holdUntil, sharedHoldUntil) > at,
        mode: usingStore ? 'shared' : 'local',
      };
    },
    async close() {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      if (options.ownsStore && store !== undefined) await store.close();
    },
  };
}

/** What one call needs from the controller across its attempts; see {@link startPacedCall}. */
export interface PacedCall {
  /** Waits for a permit before an attempt; `false` when the call's wait limit passed first. */
  acquire(): Promise<boolean>;
  /** Ends the attempt: frees the slot and, for a throttle, holds the whole client. */
  settle(failure: AttemptFailure | undefined): void;
  /**
   * For a throttle (429, or 503 with Retry-After), the retry decision: Hero did
   * nothing, so it is retried whatever the attempt count or retry budget, while the
   * call's wait limit allows (unless `maxAttempts` is 1: retries off). `undefined`
   * for any other failure.
   */
  throttleDecision(failure: AttemptFailure): RetryDecision | undefined;
  /** Attempts that were throttled, which do not count towards `maxAttempts`. */
  readonly throttles: number;
  /** The wait limit (deadline, else `rateLimit.maxWaitMs`), for the error when it passes. */
  readonly waitLimitMs: number;
}

/** Input of {@link startPacedCall}. */
export interface PacedCallOptions {
  readonly signal: AbortSignal | undefined;
  /** The call's deadline on `now`'s clock, or `Infinity`. */
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  /** The transport's clock. */
  readonly now: () => number;
  /** Wait limit of calls without a deadline. */
  readonly maxWaitMs: number;
  readonly retry: NormalizedRetryOptions;
  /** Jitter source for a 429 without Retry-After. */
  readonly random: () => number;
}

/** True for a failure that means "not processed, slow down": 429, or 503 with Retry-After. */
function isThrottle(failure: AttemptFailure): failure is Extract<AttemptFailure, { kind: 'status' }> {
  return failure.kind === 'status' && (failure.status === 429 || (failure.status === 503 && failure.retryAfterMs !== undefined));
}

/** Starts the pacing of one call under `controller`. */
export function startPacedCall(controller: RateController, options: PacedCallOptions): PacedCall {
  const { now, retry } = options;
  const waitLimitMs = options.deadlineAt === Infinity ? options.maxWaitMs : options.deadlineMs;
  const waitUntil = options.deadlineAt === Infinity ? now() + options.maxWaitMs : options.deadlineAt;
  let permit: RatePermit | undefined;
  let ownHoldUntil = 0;
  // When the call first asked (the transport's clock): its age in the fleet's queue.
  let since: number | undefined;
  let throttles = 0;
  let holdMs = 0;
  return {
    get throttles() {
      return throttles;
    },
    waitLimitMs,
    async acquire() {
      since ??= now();
      const pending = controller.acquire({ signal: options.signal, retry: throttles > 0, ownHoldUntil, maxWaitMs: waitUntil - now(), waitedMs: now() - since });
      permit = pending instanceof Promise ? await pending : pending;
      return permit !== undefined;
    },
    settle(failure) {
      const held = permit;
      permit = undefined;
      if (held === undefined) return;
      if (failure === undefined || !isThrottle(failure)) {
        held.done();
        return;
      }
      throttles++;
      // Without Retry-After, the usual jittered backoff, so processes that each learn
      // alone do not all come back at the same moment.
      holdMs = failure.retryAfterMs ?? computeBackoffDelayMs(throttles, retry.baseDelayMs, retry.maxDelayMs, options.random);
      // A Retry-After past maxRetryAfterMs is thrown to the caller at once; the other calls
      // are held no longer than the client would ever wait itself.
      ownHoldUntil = held.done(Math.min(holdMs, retry.maxRetryAfterMs), failure.status === 429);
    },
    throttleDecision(failure) {
      if (!isThrottle(failure)) return undefined;
      const reason = failure.status === 429 ? 'rate-limited' : 'service-unavailable';
      // `maxAttempts: 1` means "never retry", throttles included: the caller handles them.
      if (retry.maxAttempts === 1) return { retry: false, reason: 'attempts-exhausted' };
      if (holdMs > retry.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
      if (now() + holdMs >= waitUntil) return { retry: false, reason: 'attempts-exhausted' };
      return { retry: true, reason, delayMs: holdMs };
    },
  };
}
