/**
 * What the transport sees of rate limiting: per call, ask for a permit before each
 * attempt, report how the attempt ended, and ask what to do about a 429.
 *
 * A 429 means Hero did nothing, so it is retried outside `maxAttempts` and the retry
 * budget, after its Retry-After (else the usual jittered backoff), while the call's
 * wait limit allows: its deadline, else `rateLimit.maxWaitMs`. Any other answer,
 * 503 included, is the transport's ordinary retry policy: a 503 says Hero is not
 * available, not that this client is too fast.
 */
import type { AttemptFailure, NormalizedRetryOptions, RetryDecision } from '../transport/types.js';
import { computeBackoffDelayMs } from '../transport/retry.js';
import type { RateController, RatePermit } from './controller.js';

/** What one call needs from the controller across its attempts; see {@link startPacedCall}. */
export interface PacedCall {
  /** Waits for a permit before an attempt: `true` at once when one is free; `false` when the call's wait limit passed first. */
  acquire(): boolean | Promise<boolean>;
  /** Ends the attempt (`undefined`: a 2xx): frees the slot and tells the controller how it went. */
  settle(failure: AttemptFailure | undefined): void;
  /**
   * For a 429, the retry decision: retried whatever the attempt count or retry budget,
   * while the call's wait limit allows (unless `maxAttempts` is 1: retries off).
   * `undefined` for any other failure.
   */
  throttleDecision(failure: AttemptFailure): RetryDecision | undefined;
  /** Attempts that got a 429, which do not count towards `maxAttempts`. */
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

function isThrottle(failure: AttemptFailure): failure is Extract<AttemptFailure, { kind: 'status' }> {
  return failure.kind === 'status' && failure.status === 429;
}

/** Starts the pacing of one call under `controller`. */
export function startPacedCall(controller: RateController, options: PacedCallOptions): PacedCall {
  const { now, retry } = options;
  const waitLimitMs = options.deadlineAt === Infinity ? options.maxWaitMs : options.deadlineMs;
  const waitUntil = options.deadlineAt === Infinity ? now() + options.maxWaitMs : options.deadlineAt;
  let permit: RatePermit | undefined;
  // When the call first asked (the transport's clock): its age in the fleet's queue.
  let since: number | undefined;
  let throttles = 0;
  let holdMs = 0;
  const granted = (given: RatePermit | undefined): boolean => {
    permit = given;
    return given !== undefined;
  };
  return {
    get throttles() {
      return throttles;
    },
    waitLimitMs,
    acquire() {
      const at = now();
      since ??= at;
      const pending = controller.acquire({ signal: options.signal, retry: throttles > 0, maxWaitMs: waitUntil - at, waitedMs: at - since });
      return pending instanceof Promise ? pending.then(granted) : granted(pending);
    },
    settle(failure) {
      const held = permit;
      permit = undefined;
      if (held === undefined) return;
      if (failure === undefined || (failure.kind === 'status' && !isThrottle(failure))) {
        held.done({ kind: 'answered' });
        return;
      }
      if (!isThrottle(failure)) {
        held.done({ kind: 'no-answer' });
        return;
      }
      throttles++;
      // Without Retry-After, the usual jittered backoff. A Retry-After past
      // maxRetryAfterMs is thrown to the caller at once (throttleDecision).
      holdMs = failure.retryAfterMs ?? computeBackoffDelayMs(throttles, retry.baseDelayMs, retry.maxDelayMs, options.random);
      held.done({ kind: 'throttled' });
    },
    throttleDecision(failure) {
      if (!isThrottle(failure)) return undefined;
      // `maxAttempts: 1` means "never retry", throttles included: the caller handles them.
      if (retry.maxAttempts === 1) return { retry: false, reason: 'attempts-exhausted' };
      if (holdMs > retry.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
      if (now() + holdMs >= waitUntil) return { retry: false, reason: 'attempts-exhausted' };
      return { retry: true, reason: 'rate-limited', delayMs: holdMs };
    },
  };
}
