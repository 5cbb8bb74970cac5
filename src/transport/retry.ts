import type { AttemptFailure, NormalizedRetryOptions, RetryDecision, RetryReason } from './types.js';

/**
 * Methods RFC 9110 §9.2.2 defines as idempotent (TRACE left out: Hero has none).
 * Repeating one of these cannot change the outcome, so a retry is safe even when
 * the server may already have acted on the first attempt.
 */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Error codes meaning the connection failed before any byte of the request was
 * sent, so even a POST can be retried: refused (`ECONNREFUSED`), undici's connect
 * timeout (`UND_ERR_CONNECT_TIMEOUT`), Node's happy-eyeballs connect timeout
 * (`ERR_SOCKET_CONNECTION_TIMEOUT`), no route (`EHOSTUNREACH`, `ENETUNREACH`) and
 * DNS failures (`ENOTFOUND`, `EAI_AGAIN`). A reset (`ECONNRESET`, `UND_ERR_SOCKET`)
 * is not here: the server may have received and processed the request.
 */
export const PRE_SEND_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** True for GET, HEAD, OPTIONS, PUT and DELETE (any case). */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

// RFC 9110 §9.2.1: methods that ask the server to change nothing.
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether the server may have acted on an attempt of `method` that failed so. No: the
 * connection failed before sending, or the answer means "not done" (4xx, 429, 503). Yes: a
 * time-out or a connection broken after sending, a 5xx other than 503, and a 3xx to a method
 * that changes something (a 303 after a POST is the usual "done, see there").
 */
export function failureMayHaveBeenProcessed(failure: AttemptFailure, method: string): boolean {
  switch (failure.kind) {
    case 'timeout':
      return true;
    case 'network':
      return !failure.codes.some((code) => PRE_SEND_ERROR_CODES.has(code));
    case 'status':
      if (failure.status >= 300 && failure.status < 400) return !SAFE_METHODS.has(method.toUpperCase());
      return failure.status >= 500 && failure.status !== 503;
  }
}

/** Input of {@link decideRetry}. */
export interface RetryInput {
  /** Number of the attempt that failed (1 for the first). */
  readonly attempt: number;
  /** HTTP method of the call. */
  readonly method: string;
  /** True when the caller marked this call safe to repeat whatever its method. */
  readonly idempotent: boolean;
  /** How the attempt failed. */
  readonly failure: AttemptFailure;
}

// Reasons where the server may already have acted, so repeating needs idempotency.
const NEEDS_IDEMPOTENCY: ReadonlySet<RetryReason> = new Set(['server-error', 'request-timeout', 'network-error', 'timeout']);

/** Maps a failure to the reason it could be retried for, or `undefined` if never. */
export function classifyFailure(failure: AttemptFailure): RetryReason | undefined {
  switch (failure.kind) {
    case 'timeout':
      return 'timeout';
    case 'network':
      return failure.codes.some((code) => PRE_SEND_ERROR_CODES.has(code)) ? 'connection-failed' : 'network-error';
    case 'status':
      switch (failure.status) {
        case 429:
          return 'rate-limited';
        case 503:
          return 'service-unavailable';
        case 408:
          return 'request-timeout';
        case 500:
        case 502:
        case 504:
          return 'server-error';
        default:
          return undefined;
      }
  }
}

/**
 * Exponential backoff with "full jitter": a uniform random wait between 0 and
 * min(maxDelayMs, baseDelayMs × 2^(attempt−1)), which spreads retries of many
 * clients apart (AWS Architecture Blog, "Exponential Backoff And Jitter").
 * `attempt` is the number of the attempt that failed.
 */
export function computeBackoffDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceilingMs = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceilingMs);
}

/**
 * Decides whether a failed attempt is retried, as ordered guard clauses with a
 * reason for each (ky:source/core/Ky.ts `#calculateRetryDelay`, stripe `_shouldRetry`).
 * Pure: the budget and deadline, which are state, are checked by the caller afterwards.
 * Hero documents no idempotency key, so a POST or PATCH is only repeated when the
 * server cannot have acted on it (429, 503, connection failed before sending) or
 * the caller marked the call idempotent.
 */
export function decideRetry(
  input: RetryInput,
  options: NormalizedRetryOptions,
  random: () => number = Math.random,
): RetryDecision {
  if (input.attempt >= options.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };

  const reason = classifyFailure(input.failure);
  if (reason === undefined) return { retry: false, reason: 'not-retryable' };

  if (NEEDS_IDEMPOTENCY.has(reason) && !input.idempotent && !isIdempotentMethod(input.method)) {
    return { retry: false, reason: 'not-idempotent' };
  }

  // Server timing wins over backoff for the statuses that mean "come back later",
  // without jitter (ky honours it the same way), unless it is longer than we will wait.
  if (input.failure.kind === 'status' && input.failure.retryAfterMs !== undefined && (reason === 'rate-limited' || reason === 'service-unavailable')) {
    if (input.failure.retryAfterMs > options.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
    return { retry: true, reason, delayMs: input.failure.retryAfterMs };
  }

  return { retry: true, reason, delayMs: computeBackoffDelayMs(input.attempt, options.baseDelayMs, options.maxDelayMs, random) };
}
