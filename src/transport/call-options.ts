/**
 * Per-call options: what one call may change of its client's settings (time limits,
 * retries, extra headers, the practice group, idempotency), checked before anything is
 * sent and carried to the transport on that call's request only, so nothing leaks into
 * other calls. The client's own options stay frozen and shared.
 */
import { HeroInputError, type HeroInputIssue } from '../errors.js';
import { nearestName } from '../validation/unknown-keys.js';
import { numberProblem, type NumberRule } from './options.js';
import { type NormalizedRetryOptions, type NormalizedTransportOptions, type RetryOptions } from './types.js';

/** Retry settings one call may override; the retry budget stays the client's. */
export type CallRetryOptions = Omit<RetryOptions, 'budget'>;

/** Options every call accepts, on the resources and on `hero.raw`. Unset fields use the client's. */
export interface HeroCallOptions {
  /** Cancels the call at once, backoff waits included; rejects with `HeroAbortError` (or `HeroTimeoutError` for `AbortSignal.timeout`). */
  signal?: AbortSignal;
  /** Limit for each attempt of this call; `false` disables it. @default the client's `timeoutMs` */
  timeoutMs?: number | false;
  /** Limit for this whole call, retries and waits included; `false` removes the client's. @default the client's `deadlineMs` */
  deadlineMs?: number | false;
  /** Retry settings for this call, merged field by field over the client's. @default the client's `retry` */
  retry?: CallRetryOptions;
  /**
   * Extra request headers for this call (e.g. a trace id). `x-api-key` and
   * `x-practice-group-id` cannot be set here (use another client, or `practiceGroupId`),
   * nor can headers the HTTP client manages (`host`, `content-length`…); on `hero.raw`,
   * `null` removes a header (openapi-fetch's rule), these included. Values must not
   * contain control characters (CR, LF, NUL…) or characters above U+00FF.
   */
  headers?: Readonly<Record<string, string>>;
  /** Practice group this call acts for, sent as `x-practice-group-id` (a PCN hub acting for several practices). @default the client's */
  practiceGroupId?: string;
}

/** Per-call options of calls that may change something on Hero's side (POST, PATCH). */
export interface HeroMutationCallOptions extends HeroCallOptions {
  /**
   * Allow retries after a timeout, a dropped connection or a 5xx. Leave it off unless a
   * repeat is harmless: a retried send can text a patient twice, a retried booking can
   * double-book. 429 and 503 are retried either way (Hero did not process the request).
   * @default false
   */
  idempotent?: boolean;
}

/** The part of the per-call options the transport applies, checked and in internal units. */
export interface CallOverrides {
  /** Per-attempt limit; `Infinity` when disabled. */
  readonly timeoutMs?: number;
  /** Whole-call limit; `Infinity` when disabled. */
  readonly deadlineMs?: number;
  /** Retry fields set for this call. */
  readonly retry?: Partial<Omit<NormalizedRetryOptions, 'budget'>>;
}

/** The transport settings one call runs with. */
export interface CallSettings {
  readonly retry: NormalizedRetryOptions;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
}

/** Option names consumed here; anything else in an init is left for openapi-fetch. */
export const CALL_OPTION_KEYS = ['timeoutMs', 'deadlineMs', 'retry', 'practiceGroupId', 'idempotent'] as const;

// Headers that carry the client's identity, with what to do instead.
const RESERVED_HEADERS: ReadonlyMap<string, string> = new Map([
  ['x-api-key', 'is the client\'s credential; create a separate client for another key'],
  ['x-practice-group-id', 'is set by the `practiceGroupId` option'],
]);
// Framing and connection headers belong to the HTTP client; setting them breaks requests.
const MANAGED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);
// RFC 9110 §5.6.2 token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// CR, LF and NUL would split or truncate the header block (response splitting); other control
// characters and anything above U+00FF make undici throw a raw TypeError, or reach the wire mangled.
const FORBIDDEN_VALUE_CHARS = /[^\t\u0020-\u007e\u0080-\u00ff]/;
const FORBIDDEN_VALUE_MESSAGE = 'must not contain control characters (CR, LF, NUL…) or characters above U+00FF';

type Issues = HeroInputIssue[];

const RETRY_KEYS: ReadonlySet<string> = new Set(['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs']);

function describeReceived(value: unknown): string {
  // Numbers only: a misplaced string could be a secret or patient data.
  return typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`;
}

function checkLimit(issues: Issues, field: string, value: unknown, rule: NumberRule): number | undefined {
  const problem = numberProblem(value, rule);
  if (problem === undefined) return value as number;
  issues.push({ field, message: problem });
  return undefined;
}

function checkTimeLimit(issues: Issues, field: string, value: unknown): number | undefined {
  if (value === false) return Infinity;
  return checkLimit(issues, field, value, { min: 0, exclusiveMin: true });
}

function checkRetry(issues: Issues, retry: unknown): CallOverrides['retry'] {
  if (typeof retry !== 'object' || retry === null) {
    issues.push({ field: 'retry', message: `must be an object (received ${describeReceived(retry)})` });
    return undefined;
  }
  const r = retry as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key === 'budget') issues.push({ field: 'retry.budget', message: 'is shared by every call of a client and cannot be set per call' });
    else if (!RETRY_KEYS.has(key)) {
      const nearest = nearestName(key, [...RETRY_KEYS]);
      issues.push({ field: `retry.${key}`, message: `is not a retry option (${nearest === undefined ? '' : `did you mean retry.${nearest}? `}expected one of ${[...RETRY_KEYS].join(', ')})` });
    }
  }
  const out: { -readonly [K in keyof NonNullable<CallOverrides['retry']>]?: number } = {};
  if (r.maxAttempts !== undefined) out.maxAttempts = checkLimit(issues, 'retry.maxAttempts', r.maxAttempts, { min: 1, integer: true });
  if (r.baseDelayMs !== undefined) out.baseDelayMs = checkLimit(issues, 'retry.baseDelayMs', r.baseDelayMs, { min: 0 });
  if (r.maxDelayMs !== undefined) out.maxDelayMs = checkLimit(issues, 'retry.maxDelayMs', r.maxDelayMs, { min: 0 });
  if (r.maxRetryAfterMs !== undefined) out.maxRetryAfterMs = checkLimit(issues, 'retry.maxRetryAfterMs', r.maxRetryAfterMs, { min: 0 });
  return out as CallOverrides['retry'];
}

/** Checks one header; names it (never its value) in any issue. */
function checkHeader(issues: Issues, name: string, value: unknown): void {
  const field = `headers[${JSON.stringify(name)}]`;
  if (!HEADER_NAME.test(name)) {
    issues.push({ field: 'headers', message: 'has a header name that is not a valid HTTP token' });
    return;
  }
  const lower = name.toLowerCase();
  // `null` removes a header (openapi-fetch semantics): allowed even for the reserved ones, so a
  // contract test can send a call without its key; it can never carry another value.
  const removes = value === null;
  const reserved = RESERVED_HEADERS.get(lower);
  if (reserved !== undefined && !removes) issues.push({ field, message: `cannot be set per call: it ${reserved}` });
  else if (MANAGED_HEADERS.has(lower) && !removes) issues.push({ field, message: 'cannot be set per call: the HTTP client manages it' });
  // openapi-fetch drops null/undefined entries and stringifies numbers and booleans.
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      issues.push({ field, message: `must be a string (received ${describeReceived(v)})` });
    } else if (typeof v === 'string' && FORBIDDEN_VALUE_CHARS.test(v)) {
      issues.push({ field, message: FORBIDDEN_VALUE_MESSAGE });
    }
  }
}

/**
 * Checks per-call headers in any form openapi-fetch accepts (record, `Headers`, pairs).
 * Throws {@link HeroInputError} naming each bad header; nothing has been sent.
 */
export function checkCallHeaders(headers: unknown, issues: Issues = []): Issues {
  if (headers === undefined || headers === null) return issues;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => checkHeader(issues, name, value));
  } else if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string') issues.push({ field: 'headers', message: 'pairs must be [name, value]' });
      else checkHeader(issues, pair[0], pair[1]);
    }
  } else if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) checkHeader(issues, name, value);
  } else {
    issues.push({ field: 'headers', message: `must be an object of header names to values (received ${describeReceived(headers)})` });
  }
  return issues;
}

/** What {@link normalizeCallInit} returns: the init for openapi-fetch and the transport's share. */
export interface NormalizedCallInit {
  /** The caller's init without the per-call option keys, with the practice group in `headers`. */
  readonly init: Record<string, unknown>;
  /** Transport overrides, or `undefined` when the call changes none. */
  readonly overrides: CallOverrides | undefined;
  /** True when the caller marked the call idempotent. */
  readonly idempotent: boolean;
}

/** True when an init carries anything {@link normalizeCallInit} must look at. */
export function hasCallOptions(init: Record<string, unknown>): boolean {
  return (
    'timeoutMs' in init ||
    'deadlineMs' in init ||
    'retry' in init ||
    'practiceGroupId' in init ||
    'idempotent' in init ||
    'headers' in init
  );
}

/**
 * Checks the per-call options in an openapi-fetch init and splits them out: headers and
 * the practice group go to openapi-fetch (which merges them over the client's headers),
 * time limits and retry settings become {@link CallOverrides} for the transport. Throws
 * {@link HeroInputError} listing every problem, naming the option; nothing is sent.
 */
export function normalizeCallInit(init: Record<string, unknown>): NormalizedCallInit {
  const issues: Issues = [];
  const { timeoutMs, deadlineMs, retry, practiceGroupId, idempotent, ...rest } = init;
  const overrides: { -readonly [K in keyof CallOverrides]: CallOverrides[K] } = {};
  if (timeoutMs !== undefined) overrides.timeoutMs = checkTimeLimit(issues, 'timeoutMs', timeoutMs);
  if (deadlineMs !== undefined) overrides.deadlineMs = checkTimeLimit(issues, 'deadlineMs', deadlineMs);
  if (retry !== undefined) overrides.retry = checkRetry(issues, retry);
  if (idempotent !== undefined && typeof idempotent !== 'boolean') {
    issues.push({ field: 'idempotent', message: `must be a boolean (received ${describeReceived(idempotent)})` });
  }
  if (rest.signal !== undefined && rest.signal !== null && !(rest.signal instanceof AbortSignal)) {
    issues.push({ field: 'signal', message: 'must be an AbortSignal' });
  }
  checkCallHeaders(rest.headers, issues);
  let groupHeader: string | undefined;
  if (practiceGroupId !== undefined) {
    if (typeof practiceGroupId !== 'string' || practiceGroupId.trim() === '') {
      issues.push({ field: 'practiceGroupId', message: 'must be a non-empty string' });
    } else if (FORBIDDEN_VALUE_CHARS.test(practiceGroupId)) {
      issues.push({ field: 'practiceGroupId', message: FORBIDDEN_VALUE_MESSAGE });
    } else {
      groupHeader = practiceGroupId.trim();
    }
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'call options');

  if (groupHeader !== undefined) rest.headers = withHeader(rest.headers, 'x-practice-group-id', groupHeader);
  const hasOverrides = overrides.timeoutMs !== undefined || overrides.deadlineMs !== undefined || overrides.retry !== undefined;
  return { init: rest, overrides: hasOverrides ? Object.freeze(overrides) : undefined, idempotent: idempotent === true };
}

/** A copy of `headers` (any openapi-fetch form) with one more header; the input is not changed. */
function withHeader(headers: unknown, name: string, value: string): Headers | Record<string, unknown> {
  if (headers === undefined || headers === null) return { [name]: value };
  if (headers instanceof Headers || Array.isArray(headers)) {
    const copy = new Headers(headers as HeadersInit);
    copy.set(name, value);
    return copy;
  }
  return { ...(headers as Record<string, unknown>), [name]: value };
}

/** The settings one call runs with: the client's, with this call's overrides on top. */
export function applyCallOverrides(client: NormalizedTransportOptions, overrides: CallOverrides | undefined): CallSettings {
  if (overrides === undefined) return client;
  return {
    retry: overrides.retry === undefined ? client.retry : { ...client.retry, ...overrides.retry },
    timeoutMs: overrides.timeoutMs ?? client.timeoutMs,
    deadlineMs: overrides.deadlineMs ?? client.deadlineMs,
  };
}
