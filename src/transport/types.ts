/**
 * The transport's shared types: its options as given and as resolved, what hooks and the
 * logger see, and how an attempt failed and what the retry policy decided. Types only, so
 * every transport module can import them without depending on another's code.
 */
import type { HeroApiError } from '../errors.js';

/** A fetch as openapi-fetch calls it: one `Request` in, one `Response` out. */
export type TransportFetch = (input: Request) => Promise<Response>;

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
  /** The response of this attempt, any status, redacted. */
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
   * Logs one redacted line per attempt (method, operation and path template, status, duration,
   * attempt, request id, retry reason): `console`, a pino, bunyan or winston logger, or any
   * object with `debug`/`info`/`warn`/`error`. `false` turns logging off even when `HERO_DEBUG` is set.
   * @default console.error when HERO_DEBUG=1, else none
   */
  logger?: HeroLogger | false;
  /**
   * How each attempt is handed to `logger` (see {@link HeroLogFormat}).
   * @default detected: `'line'` for `console` (or anything with console's `table`/`dir`/`group`), `'winston'` for a winston logger, else `'pino'`
   */
  logFormat?: HeroLogFormat;
}

/**
 * How an attempt is handed to the logger:
 * - `'line'`: the one-line message alone, `logger.debug(message)`: for `console` and plain-text sinks;
 * - `'pino'`: `logger.debug(fields, message)`, the order pino and bunyan take;
 * - `'winston'`: `logger.debug(message, fields)`, the order winston takes.
 */
export type HeroLogFormat = 'line' | 'pino' | 'winston';

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
  /** How attempts are handed to `logger`. @default 'pino' */
  readonly logFormat?: HeroLogFormat | undefined;
}

/** {@link TransportHooks} with every key present (a missing hook is `undefined`). */
export interface NormalizedTransportHooks {
  readonly onRequest: TransportHooks['onRequest'];
  readonly onResponse: TransportHooks['onResponse'];
  readonly onRetry: TransportHooks['onRetry'];
}

/** How one attempt failed, as far as the retry decision cares. */
export type AttemptFailure =
  /** A response with a non-2xx status; `retryAfterMs` from its `Retry-After`. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterMs: number | undefined }
  /** No response; `codes` are the error codes found in the cause chain. */
  | { readonly kind: 'network'; readonly codes: readonly string[] }
  /** The per-attempt timeout expired. */
  | { readonly kind: 'timeout' };

/** Why a failed attempt is retried. */
export type RetryReason =
  /** 429: the server refused before doing anything. */
  | 'rate-limited'
  /** 503: the server refused before doing anything. */
  | 'service-unavailable'
  /** 500, 502, 504: the server may have acted; idempotent calls only. */
  | 'server-error'
  /** 408: idempotent calls only. */
  | 'request-timeout'
  /** The connection failed before the request was sent; safe for every method. */
  | 'connection-failed'
  /** The connection broke after the request may have been sent; idempotent calls only. */
  | 'network-error'
  /** The per-attempt timeout expired; idempotent calls only. */
  | 'timeout';

/**
 * Why `decideRetry` (retry.ts) refuses a retry (the failure is thrown). The transport
 * also stops, after a "yes" here, when the wait would pass the deadline or the
 * retry budget is empty.
 */
export type StopReason = 'attempts-exhausted' | 'not-retryable' | 'not-idempotent' | 'retry-after-too-long';

/** Outcome of `decideRetry` (retry.ts). */
export type RetryDecision =
  | { readonly retry: true; readonly reason: RetryReason; readonly delayMs: number }
  | { readonly retry: false; readonly reason: StopReason };

/**
 * A log method, typed in pino's and bunyan's order, `(fields, message)`. The client calls it so
 * unless {@link HeroLogFormat} says otherwise: `(message)` alone for `'line'` (console),
 * `(message, fields)` for `'winston'`.
 */
export type HeroLogFn = (fields: HeroAttemptLogFields, message: string) => void;

/**
 * Where the client logs: `console`, a pino or bunyan logger, or anything with these four
 * methods. Each attempt logs at `debug` when it succeeds, `info` when it is retried and
 * `warn` when it ends the call with a failure; `error` is never used for API answers.
 */
export interface HeroLogger {
  debug: HeroLogFn;
  info: HeroLogFn;
  warn: HeroLogFn;
  error: HeroLogFn;
}

/** Structured fields of an attempt's log line. */
export interface HeroAttemptLogFields {
  /** HTTP method. */
  readonly method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  readonly path: string;
  /** Spec operationId, when known. */
  readonly operationId?: string | undefined;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Time until the response headers arrived (the error body too, for a failure), or until the attempt failed. */
  readonly durationMs: number;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number;
  /** Error code when no response arrived: `ECONNREFUSED`, `timeout`, `aborted`… */
  readonly code?: string;
  /** Host the call went to, for failures without a response (never the path or query). */
  readonly host?: string;
  /** The response's request id (`x-request-id` and similar), when it has one. */
  readonly requestId?: string;
  /** Why the failed attempt is retried. */
  readonly retryReason?: RetryReason;
  /** Wait before the retry. */
  readonly retryDelayMs?: number;
  /** Why a failed attempt is not retried. */
  readonly stopReason?: StopReason | 'deadline' | 'retry-budget';
}

/** A call as telemetry sees it: never the filled URL, only its template and host. */
export interface ObservedCall {
  /** HTTP method, upper case. */
  readonly method: string;
  /** The spec's path template, or `undefined` when the call is not a spec operation (its path could hold ids). */
  readonly template: string | undefined;
  /** Spec operationId, when known. */
  readonly operationId: string | undefined;
  /** The request URL, for the host and port only. */
  readonly url: string;
}

/** How an attempt or a call ended, for telemetry. */
export interface ObservedOutcome {
  /** The response status, when one arrived. */
  readonly status?: number | undefined;
  /** The failure, when it failed. */
  readonly error?: unknown;
  /** Set when this failed attempt is retried. */
  readonly retry?: RetryReason | undefined;
}

/** Telemetry of one attempt (observability/telemetry.ts builds it). */
export interface AttemptObserver {
  /** Headers this attempt sends besides the request's own (`traceparent`), or `undefined`. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** Runs `send` in this attempt's trace context, so spans of an instrumented fetch nest under it. */
  run<T>(send: () => T): T;
  /** The attempt ended. */
  end(outcome: ObservedOutcome): void;
}

/** Telemetry of one call: a span around its attempts, and its metrics. */
export interface CallObserver {
  /** Attempt number `attempt` (1 for the first try) starts. */
  attempt(attempt: number): AttemptObserver;
  /** The next attempt waits for a permit from the rate controller (it was not free at once). */
  held(): void;
  /** The call ended after `attempts` attempts. */
  end(outcome: ObservedOutcome, attempts: number): void;
}

/**
 * Starts a call's telemetry, or returns `undefined` when there is none. A promise only while
 * the OpenTelemetry API is still loading (the client's first calls).
 */
export type ObserveCall = (call: ObservedCall) => CallObserver | undefined | Promise<CallObserver | undefined>;
