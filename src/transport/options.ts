import { HeroConfigError } from '../errors.js';
import type { HeroApiError } from '../errors.js';
import type { RetryReason } from './retry.js';
import { normalizeLogger, type HeroLogger } from './attempt-log.js';

/**
 * Token-bucket limits on retries, shared by every call of one client, in the
 * manner of the AWS SDKs' "standard" retry mode: each retry spends tokens, each
 * success earns some back, and an empty bucket means failures are thrown at
 * once instead of multiplying load on a struggling server.
 */
export interface RetryBudgetOptions {
  /** Tokens in a full bucket; the bucket starts full. @default 500 */
  capacity?: number;
  /** Tokens one retry after an HTTP error (429, 5xx, 408) costs. @default 5 */
  retryCost?: number;
  /** Tokens one retry after a timeout or network failure costs. @default 10 */
  timeoutRetryCost?: number;
  /** Tokens returned when a call succeeds at its first attempt. @default 1 */
  successIncrement?: number;
}

/** When and how often failed calls are retried. */
export interface RetryOptions {
  /** Attempts per call, the first one included; `1` turns retrying off. @default 3 */
  maxAttempts?: number;
  /** Backoff base: the first retry waits a random time up to this. @default 500 */
  baseDelayMs?: number;
  /** Upper bound of one backoff wait (before jitter). @default 8000 */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` honoured. A longer one is not slept on: the error is
   * thrown at once with `retryAfterMs` set, so the caller can reschedule the work.
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /** Retry budget settings, or `false` for no budget. @default {} (AWS standard values) */
  budget?: RetryBudgetOptions | false;
}

/**
 * A request as shown to hooks: a copy with secret headers (`x-api-key`) masked.
 * Hooks never see the live `Request`, so they cannot log or alter the key.
 */
export interface RedactedRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Full URL. */
  readonly url: string;
  /** Path template, e.g. `/v1/patients/{id}` (the URL pathname when unknown). */
  readonly path: string;
  /** Request headers, secrets replaced by `[REDACTED]`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Passed to {@link TransportHooks.onRequest}. */
export interface RequestHookEvent {
  /** The request, redacted. */
  readonly request: RedactedRequest;
  /** 1 for the first try, 2 for the first retry… */
  readonly attempt: number;
}

/**
 * A response as shown to hooks: status and headers only. Secret and cookie headers
 * (`x-api-key`, `authorization`, `set-cookie`…) read `[REDACTED]`, a request key echoed
 * in any value is scrubbed, and `location` keeps only its origin. The body is not offered:
 * the client still has to read it (under the attempt's timer).
 */
export interface RedactedResponse {
  /** HTTP status. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** True for a 2xx status. */
  readonly ok: boolean;
  /** Response headers (lower-case names), redacted as described above. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Passed to {@link TransportHooks.onResponse}. */
export interface ResponseHookEvent extends RequestHookEvent {
  /** The response of this attempt, any status, redacted (before 0.2 this was the live `Response`). */
  readonly response: RedactedResponse;
  /** Time from sending this attempt to its response headers, in milliseconds. */
  readonly durationMs: number;
}

/** Passed to {@link TransportHooks.onRetry}. */
export interface RetryHookEvent {
  /** The attempt about to be made (2 for the first retry). */
  readonly attempt: number;
  /** Wait before that attempt. */
  readonly delayMs: number;
  /** Why the failed attempt is retried. */
  readonly reason: RetryReason;
  /** The request, redacted. */
  readonly request: RedactedRequest;
  /** The failure of the previous attempt (thrown if this retry never happens). */
  readonly error: HeroApiError;
  /** How long the failed attempt took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * Observers called by the transport. They may be async (they are awaited) and an
 * error they throw fails the call unchanged, as in ky (it is the hook's own error, not
 * a HeroError); they cannot change the request. Hooks see redacted copies only.
 */
export interface TransportHooks {
  /** Before every attempt is sent. */
  onRequest?: (event: RequestHookEvent) => void | Promise<void>;
  /** After every attempt's response headers arrive, whatever the status. */
  onResponse?: (event: ResponseHookEvent) => void | Promise<void>;
  /** After a failed attempt, before waiting to retry it. */
  onRetry?: (event: RetryHookEvent) => void | Promise<void>;
}

/** Transport settings of one client. */
export interface TransportOptions {
  /** Retry policy. @default {} (3 attempts, 500 ms base, 8 s cap, 60 s Retry-After cap, budget on) */
  retry?: RetryOptions;
  /**
   * Limit for one attempt, until its whole response (headers and body) has arrived;
   * each retry gets a fresh one. A 2xx body that stalls past it throws `HeroTimeoutError`
   * (it is not retried: the response had started). `false` disables it.
   * @default 30000
   */
  timeoutMs?: number | false;
  /** Limit for the whole call, retries and waits included. @default undefined (none) */
  deadlineMs?: number;
  /** Observers of requests, responses and retries. @default {} */
  hooks?: TransportHooks;
  /**
   * Logs one redacted line per attempt (method, path template, status, duration, attempt,
   * retry reason): `console`, a pino logger, or any object with `debug`/`info`/`warn`/`error`.
   * `false` turns logging off even when `HERO_DEBUG` is set.
   * @default console.error when HERO_DEBUG=1, else none
   */
  logger?: HeroLogger | false;
}

/** {@link RetryBudgetOptions} with every field set. */
export type NormalizedRetryBudgetOptions = Readonly<Required<RetryBudgetOptions>>;

/** {@link RetryOptions} with every field set. */
export interface NormalizedRetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly budget: NormalizedRetryBudgetOptions | false;
}

/** {@link TransportOptions} with every field set; produced once by {@link normalizeTransportOptions}. */
export interface NormalizedTransportOptions {
  readonly retry: NormalizedRetryOptions;
  /** Per-attempt limit; `Infinity` when disabled. */
  readonly timeoutMs: number;
  /** Whole-call limit; `Infinity` when none. */
  readonly deadlineMs: number;
  readonly hooks: NormalizedTransportHooks;
  /** Where attempts are logged; `undefined` for nowhere. */
  readonly logger?: HeroLogger | undefined;
}

/** {@link TransportHooks} with every key present (a missing hook is `undefined`). */
export interface NormalizedTransportHooks {
  readonly onRequest: TransportHooks['onRequest'];
  readonly onResponse: TransportHooks['onResponse'];
  readonly onRetry: TransportHooks['onRetry'];
}

/** Defaults of {@link RetryOptions}; the AWS standard retry mode's numbers for the budget. */
export const DEFAULT_RETRY_BUDGET: NormalizedRetryBudgetOptions = Object.freeze({
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  successIncrement: 1,
});

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: NormalizedRetryOptions = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  budget: DEFAULT_RETRY_BUDGET,
});

/** Default of {@link TransportOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 30_000;

// setTimeout fires at once for delays above 2^31-1 ms (Node prints a warning); ky rejects them too.
const MAX_TIMER_MS = 2_147_483_647;

/** Bounds of a numeric option. */
export interface NumberRule {
  min: number;
  integer?: boolean;
  /** True when the minimum itself is not allowed. */
  exclusiveMin?: boolean;
}

/**
 * What is wrong with a numeric option, or `undefined` when it is fine: finite, within
 * the rule and at most 2^31-1 ms. Prints numbers only: a misplaced string could be a secret.
 */
export function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
    value <= MAX_TIMER_MS &&
    (!rule.integer || Number.isInteger(value));
  if (ok) return undefined;
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const bound = `${rule.exclusiveMin ? '>' : '>='} ${rule.min} and <= ${MAX_TIMER_MS}`;
  const received = typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`;
  return `must be ${kind} ${bound} (received ${received})`;
}

function checkNumber(name: string, value: unknown, rule: NumberRule): number {
  const problem = numberProblem(value, rule);
  if (problem !== undefined) throw new HeroConfigError(`${name} ${problem}`);
  return value as number;
}

function checkHook(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new HeroConfigError(`hooks.${name} must be a function (received a ${typeof value})`);
  }
}

/** Throws {@link HeroConfigError} unless `value` is an options object. */
function checkObject(name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HeroConfigError(`${name} must be an object (received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`})`);
  }
}

function normalizeBudget(budget: RetryBudgetOptions | false | undefined): NormalizedRetryBudgetOptions | false {
  if (budget === false) return false;
  if (budget === undefined) return DEFAULT_RETRY_BUDGET;
  checkObject('retry.budget (or false)', budget);
  const d = DEFAULT_RETRY_BUDGET;
  return Object.freeze({
    capacity: checkNumber('retry.budget.capacity', budget.capacity ?? d.capacity, { min: 0 }),
    retryCost: checkNumber('retry.budget.retryCost', budget.retryCost ?? d.retryCost, { min: 0 }),
    timeoutRetryCost: checkNumber('retry.budget.timeoutRetryCost', budget.timeoutRetryCost ?? d.timeoutRetryCost, { min: 0 }),
    successIncrement: checkNumber('retry.budget.successIncrement', budget.successIncrement ?? d.successIncrement, { min: 0 }),
  });
}

function normalizeRetry(retry: RetryOptions | undefined): NormalizedRetryOptions {
  if (retry === undefined) return DEFAULT_RETRY;
  checkObject('retry', retry);
  const d = DEFAULT_RETRY;
  return Object.freeze({
    maxAttempts: checkNumber('retry.maxAttempts', retry.maxAttempts ?? d.maxAttempts, { min: 1, integer: true }),
    baseDelayMs: checkNumber('retry.baseDelayMs', retry.baseDelayMs ?? d.baseDelayMs, { min: 0 }),
    // A cap below the base is allowed: the cap wins.
    maxDelayMs: checkNumber('retry.maxDelayMs', retry.maxDelayMs ?? d.maxDelayMs, { min: 0 }),
    maxRetryAfterMs: checkNumber('retry.maxRetryAfterMs', retry.maxRetryAfterMs ?? d.maxRetryAfterMs, { min: 0 }),
    budget: normalizeBudget(retry.budget),
  });
}

/**
 * Merges caller options over the defaults into a fully required object, once per
 * client (ky:source/utils/normalize.ts). Throws {@link HeroConfigError} naming the
 * option for a malformed number, so a typo fails at construction, not mid-traffic.
 * `env` is read for `HERO_DEBUG` only (the client passes its `env` option or process.env).
 */
export function normalizeTransportOptions(
  options: TransportOptions = {},
  env: Readonly<Record<string, string | undefined>> = {},
): NormalizedTransportOptions {
  if (options.hooks !== undefined) checkObject('hooks', options.hooks);
  const hooks = options.hooks ?? {};
  checkHook('onRequest', hooks.onRequest);
  checkHook('onResponse', hooks.onResponse);
  checkHook('onRetry', hooks.onRetry);
  return Object.freeze({
    retry: normalizeRetry(options.retry),
    timeoutMs:
      options.timeoutMs === false
        ? Infinity
        : checkNumber('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, { min: 0, exclusiveMin: true }),
    deadlineMs:
      options.deadlineMs === undefined ? Infinity : checkNumber('deadlineMs', options.deadlineMs, { min: 0, exclusiveMin: true }),
    hooks: Object.freeze({ onRequest: hooks.onRequest, onResponse: hooks.onResponse, onRetry: hooks.onRetry }),
    logger: normalizeLogger(options.logger, env),
  });
}
