/**
 * The errors this package throws: one class per failure a caller can act on. Nothing here
 * talks to the network; the transport builds these from responses (transport/error-from-response.ts).
 */
/**
 * Every error this package throws extends {@link HeroError}, so one `instanceof`
 * check separates our failures from anything else in a caller's code.
 */
export class HeroError extends Error {
  override name: string = 'HeroError';
  /**
   * Whether Hero may have acted on the call this error ended, judged by the client over all
   * of the call's attempts: `false` when none can have been (nothing left the client, the
   * connection was refused, or every answer meant "not done": 4xx, 429, 503); `true` when
   * one may have been (an abort, time-out or dropped connection after a request left, a 3xx
   * to a method that changes something, a 5xx other than 503, an unreadable 2xx).
   * `undefined` on an error that did not end a call, or was built by hand. Bulk jobs read it
   * to tell "safe to send again" from "check first" (`mayHaveBeenProcessed()` in bulk).
   */
  // Declared, not initialised: an error that never ends a call carries no such own property (logs stay as they were).
  declare readonly mayHaveBeenProcessed: boolean | undefined;
}

/**
 * Records on `error` whether Hero may have acted on its call, unless it says already.
 * For the transport, which knows what left the client; returns `error`.
 */
export function withProcessedVerdict<E extends HeroError>(error: E, mayHaveBeenProcessed: boolean): E {
  if (error.mayHaveBeenProcessed === undefined) (error as { mayHaveBeenProcessed: boolean | undefined }).mayHaveBeenProcessed = mayHaveBeenProcessed;
  return error;
}

/**
 * Thrown when options given to the SDK are missing or malformed (no API key, a
 * negative timeout, a fractional attempt count…). Raised once, when the client is
 * built, never per request: nothing has been sent. Never contains the API key itself.
 */
export class HeroConfigError extends HeroError {
  override name = 'HeroConfigError' as const;
  /** One sentence per problem, naming the option (and its environment variable, if any). */
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(`Invalid Hero client configuration: ${list.join('; ')}.`);
    this.problems = list;
  }
}

/** Fields shared by every {@link HeroApiError} constructor. */
export interface HeroApiErrorInit {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** HTTP method, upper case. */
  method: string;
  /** Path template as written in the spec, e.g. `/v1/patients/{id}` (never the filled-in URL). */
  path: string;
  /** Spec operationId, when the caller knows it. */
  operationId?: string | undefined;
  /** Reason phrase of the response, when there was one. */
  statusText?: string | undefined;
  /** Parsed response body: JSON when it parses, else text; `undefined` when empty. */
  body?: unknown;
  /** Response headers (secrets already removed). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Server-requested wait before retrying, from `Retry-After`. */
  retryAfterMs?: number | undefined;
  /** Request id from `x-request-id`, `x-amzn-requestid` or `x-correlation-id`. */
  requestId?: string | undefined;
  /** Underlying failure. */
  cause?: unknown;
  /** Replaces the generated message. Must not contain secrets or response data. */
  message?: string | undefined;
  /**
   * Hero's own message from the body, already redacted (transport/free-text-redaction.ts):
   * added to the generated message.
   */
  serverMessage?: string | undefined;
  /** A 400's issues, already redacted; parsed from `body` when absent. */
  issues?: readonly HeroValidationIssue[] | undefined;
  /**
   * Request violations a Prism mock or validation proxy reported in its `sl-violations`
   * header. When present they are the real problems, and a 400's canned example body is not.
   */
  violations?: readonly HeroValidationIssue[] | undefined;
  /** Whether Hero may have acted on the call (see {@link HeroError.mayHaveBeenProcessed}). */
  mayHaveBeenProcessed?: boolean | undefined;
}

/** One entry of a Hero 400 body's `message[]` (documented as `{ code, expected, path[] }`). */
export interface HeroValidationIssue {
  /** Machine-readable issue code, e.g. `invalid_type`. */
  readonly code?: string;
  /** What the server expected, e.g. `string`. */
  readonly expected?: string;
  /**
   * Location of the offending field: in the request body for Hero's own issues; for a
   * Prism mock's violations, body fields likewise, other places prefixed (`query`, `header`, `path`).
   */
  readonly path: readonly (string | number)[];
  /** What is wrong, when the source says (Prism's violation messages do; Hero's 400 items do not). */
  readonly message?: string;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function describeCall(init: Pick<HeroApiErrorInit, 'method' | 'path' | 'operationId'>): string {
  return init.operationId === undefined
    ? `${init.method} ${init.path}`
    : `${init.method} ${init.path} (${init.operationId})`;
}

function describeStatus(init: Pick<HeroApiErrorInit, 'status' | 'statusText'>): string {
  return init.statusText ? `${init.status} ${init.statusText}` : String(init.status);
}

/** `: <Hero's message>` for a generated message, when the body had one. */
function said(init: Pick<HeroApiErrorInit, 'serverMessage'>): string {
  return init.serverMessage === undefined ? '' : `: ${init.serverMessage}`;
}

/** Summary of a `cause` that is safe to log: name, message and error code only. */
function summarizeCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: cause.name, message: cause.message, code }
      : { name: cause.name, message: cause.message };
  }
  return cause === undefined ? undefined : String(cause);
}

/**
 * A call to the Hero API failed: the server answered with a non-2xx status, or
 * (status 0) no response arrived. Carries what is needed to act on or report it
 * but never the request headers, so the API key cannot leak through it.
 */
export class HeroApiError extends HeroError {
  override name: string = 'HeroApiError';
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  readonly path: string;
  /** Spec operationId, when known. */
  readonly operationId: string | undefined;
  /** Parsed response body: JSON when it parses, else text; `undefined` when empty. */
  readonly body: unknown;
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Server-requested wait from `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Request id from `x-request-id`, `x-amzn-requestid` or `x-correlation-id`; Hero documents none. */
  readonly requestId: string | undefined;
  /**
   * Hero's own message (a 404's "Patient not found"), redacted: the key, every value the request
   * carried and any word that could identify a patient read `[REDACTED]`. Also in `message`.
   * `undefined` when the body had none. The body itself is in {@link body}.
   */
  readonly serverMessage: string | undefined;

  constructor(init: HeroApiErrorInit) {
    const mock = init.violations?.length ? ` (mock request violations: ${init.violations.map((v) => v.message ?? v.path.join('.')).join('; ')})` : '';
    super(init.message ?? `${describeCall(init)} failed with ${describeStatus(init)}${said(init)}${mock}`, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.operationId = init.operationId;
    this.body = init.body;
    this.headers = init.headers ?? {};
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.serverMessage = init.serverMessage;
    if (init.mayHaveBeenProcessed !== undefined) withProcessedVerdict(this, init.mayHaveBeenProcessed);
  }

  /**
   * Plain-object form for structured loggers. Leaves out the response {@link body} and
   * {@link headers} (and never had request headers): Hero may echo patient data back in a
   * body, and these objects end up in logs. Both stay readable in code (`error.body`);
   * log them yourself where your logs may hold patient data. `util.inspect` shows the same.
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      method: this.method,
      path: this.path,
      operationId: this.operationId,
      requestId: this.requestId,
      serverMessage: this.serverMessage,
      retryAfterMs: this.retryAfterMs,
      mayHaveBeenProcessed: this.mayHaveBeenProcessed,
      cause: summarizeCause(this.cause),
    };
  }

  /** `util.inspect` / `console.log` view: the stack plus {@link toJSON}'s fields. */
  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    return `${this.stack ?? `${this.name}: ${this.message}`} ${inspect(fields, options)}`;
  }
}

/** Reads `message[]` of a Hero 400 body into issues; anything else gives `[]`. */
export function parseValidationIssues(body: unknown): HeroValidationIssue[] {
  if (typeof body !== 'object' || body === null) return [];
  const items = (body as { message?: unknown }).message;
  if (!Array.isArray(items)) return [];
  const issues: HeroValidationIssue[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const { code, expected, path } = item as Record<string, unknown>;
    issues.push({
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof expected === 'string' ? { expected } : {}),
      path: Array.isArray(path)
        ? path.filter((part): part is string | number => typeof part === 'string' || typeof part === 'number')
        : [],
    });
  }
  return issues;
}

/** 400 (or 422): the request was rejected as invalid; see {@link issues}. */
export class HeroValidationError extends HeroApiError {
  override name = 'HeroValidationError' as const;
  /** The body's `message[]` entries; empty when the body has none. */
  readonly issues: readonly HeroValidationIssue[];

  constructor(init: HeroApiErrorInit) {
    const fromMock = init.violations !== undefined && init.violations.length > 0;
    const issues = fromMock ? [...init.violations!] : init.issues !== undefined ? [...init.issues] : parseValidationIssues(init.body);
    // Field paths only from Hero (values could be patient data and messages end up in logs);
    // Prism's messages name the rule broken, never the value.
    const where =
      issues.length === 0
        ? ''
        : fromMock
          ? ` (mock request violations: ${issues.map((i) => i.message ?? i.path.join('.')).join('; ')})`
          : ` (${issues.length} issue(s) at ${issues.map((i) => i.path.join('.') || '(root)').join(', ')})`;
    super({ ...init, message: init.message ?? `${describeCall(init)} failed with ${describeStatus(init)}${said(init)}${where}` });
    this.issues = issues;
  }

  /** Adds {@link issues} to the logged form. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** 401: the `x-api-key` is missing, wrong or revoked. */
export class HeroAuthenticationError extends HeroApiError {
  override name = 'HeroAuthenticationError' as const;
}

/** 403: the key is valid but not allowed to act for this `x-practice-group-id`. */
export class HeroPermissionError extends HeroApiError {
  override name = 'HeroPermissionError' as const;
}

/** 404: the resource (or, for PDS, the patient match) does not exist. */
export class HeroNotFoundError extends HeroApiError {
  override name = 'HeroNotFoundError' as const;
}

/** 429: the partner rate limit was hit; {@link retryAfterMs} says how long to wait when the server said. */
export class HeroRateLimitError extends HeroApiError {
  override name = 'HeroRateLimitError' as const;

  constructor(init: HeroApiErrorInit) {
    const wait = init.retryAfterMs === undefined ? '' : ` (retry after ${init.retryAfterMs} ms)`;
    super({ ...init, message: init.message ?? `${describeCall(init)} failed with ${describeStatus(init)}${said(init)}${wait}` });
  }
}

/** 5xx: the server failed. */
export class HeroServerError extends HeroApiError {
  override name = 'HeroServerError' as const;
}

/**
 * 3xx: Hero's API does not redirect, so a redirect is refused, never followed: the
 * API key and the request body (patient data) are sent nowhere else, and an answer from
 * another host is never trusted as Hero's. {@link location} keeps only the origin the
 * server pointed to; the path and query (which may carry data) are dropped.
 */
export class HeroRedirectError extends HeroApiError {
  override name = 'HeroRedirectError' as const;
  /** Origin of the `Location` header (`https://host:port`), or `undefined` when absent or unreadable. */
  readonly location: string | undefined;

  constructor(init: HeroApiErrorInit & { location?: string | undefined }) {
    const where = init.location === undefined ? '' : ` to ${init.location}`;
    super({
      ...init,
      message: init.message ?? `${describeCall(init)} answered ${describeStatus(init)}, a redirect${where}; redirects are not followed`,
    });
    this.location = init.location;
  }

  /** Adds {@link location} (an origin) to the logged form. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), location: this.location };
  }
}

/** Fields for {@link HeroNetworkError}. */
export interface HeroNetworkErrorInit {
  /** HTTP method, upper case. */
  method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  path: string;
  /** Spec operationId, when known. */
  operationId?: string | undefined;
  /** First system or undici error code found, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  code?: string | undefined;
  /** Host (and port) the call went to, e.g. `api.herohealth.net`: never the path or query, which may hold patient data. */
  host?: string | undefined;
  /** The underlying failure (undici's `TypeError: fetch failed`, a system error…). */
  cause?: unknown;
  /** Replaces the generated message. Must not contain secrets. */
  message?: string | undefined;
  /** Whether Hero may have acted on the call (see {@link HeroError.mayHaveBeenProcessed}). */
  mayHaveBeenProcessed?: boolean | undefined;
}

/**
 * No response arrived (connection refused, reset, DNS failure…). Status is 0.
 * {@link HeroTimeoutError} extends it, so one check covers every no-response failure.
 */
export class HeroNetworkError extends HeroApiError {
  override name: 'HeroNetworkError' | 'HeroTimeoutError' = 'HeroNetworkError';
  /** First error code found in the cause chain, e.g. `ECONNREFUSED`. */
  readonly code: string | undefined;
  /** Host (and port) the call went to, when known; never the path or query. */
  readonly host: string | undefined;

  constructor(init: HeroNetworkErrorInit) {
    const detail = init.code === undefined ? '' : ` (${init.code})`;
    super({
      ...init,
      status: 0,
      message: init.message ?? `${describeCall(init)} failed: no response from ${init.host ?? 'the server'}${detail}`,
    });
    this.code = init.code;
    this.host = init.host;
  }

  /** Adds {@link code} and {@link host} to the logged form. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code, host: this.host };
  }
}

/** Fields for {@link HeroTimeoutError}. */
export interface HeroTimeoutErrorInit {
  /** HTTP method, upper case. */
  method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  path: string;
  /** Spec operationId, when known. */
  operationId?: string | undefined;
  /** The limit that expired, in milliseconds; `undefined` for a caller's signal (its limit is not known). */
  timeoutMs?: number | undefined;
  /**
   * `attempt`: one try exceeded `timeoutMs`; `deadline`: the whole call exceeded `deadlineMs`;
   * `signal`: the caller's signal timed out (`AbortSignal.timeout`), its reason is the `cause`.
   */
  kind: 'attempt' | 'deadline' | 'signal';
  /** For a deadline, the failure of the previous attempt, if any; for a signal, its reason. */
  cause?: unknown;
  /** Whether Hero may have acted on the call (see {@link HeroError.mayHaveBeenProcessed}). */
  mayHaveBeenProcessed?: boolean | undefined;
}

/** The server did not answer in time. Status is 0. */
export class HeroTimeoutError extends HeroNetworkError {
  override name = 'HeroTimeoutError' as const;
  /** The limit that expired, in milliseconds; `undefined` when the caller's signal timed out. */
  readonly timeoutMs: number | undefined;
  /** Which limit expired. */
  readonly kind: 'attempt' | 'deadline' | 'signal';

  constructor(init: HeroTimeoutErrorInit) {
    const message =
      init.kind === 'signal'
        ? `${describeCall(init)} timed out: the caller's signal timed out (AbortSignal.timeout)`
        : `${describeCall(init)} timed out: no response within the ${init.kind === 'deadline' ? 'overall deadline' : 'per-attempt timeout'} of ${init.timeoutMs} ms`;
    super({ ...init, message });
    this.timeoutMs = init.timeoutMs;
    this.kind = init.kind;
  }

  /** Adds {@link timeoutMs} and {@link kind} to the logged form. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeoutMs: this.timeoutMs, kind: this.kind };
  }
}

/** Fields for {@link HeroAbortError}. */
export interface HeroAbortErrorInit {
  /** HTTP method, upper case. */
  method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  path: string;
  /** Spec operationId, when known. */
  operationId?: string | undefined;
  /** The signal's `reason`. */
  cause: unknown;
  /** Whether Hero may have acted on the call: an attempt had left when the signal fired (see {@link HeroError.mayHaveBeenProcessed}). */
  mayHaveBeenProcessed?: boolean | undefined;
}

/**
 * The caller's `signal` aborted the call (before it was sent, while it ran, or during a
 * retry wait). Not an API failure, so not a {@link HeroApiError}; `cause` is the signal's
 * reason. A signal that timed out (`AbortSignal.timeout`) gives {@link HeroTimeoutError} instead.
 */
export class HeroAbortError extends HeroError {
  override name = 'HeroAbortError' as const;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  readonly path: string;
  /** Spec operationId, when known. */
  readonly operationId: string | undefined;

  constructor(init: HeroAbortErrorInit) {
    super(`${describeCall(init)} was aborted by the caller's signal`, { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    this.operationId = init.operationId;
    if (init.mayHaveBeenProcessed !== undefined) withProcessedVerdict(this, init.mayHaveBeenProcessed);
  }
}

/**
 * The error for a call its caller's signal ended: {@link HeroTimeoutError} (kind `signal`)
 * when the reason is a `TimeoutError`, else {@link HeroAbortError}; `cause` is the reason.
 */
export function errorFromAbort(
  reason: unknown,
  call: { method: string; path: string; operationId?: string | undefined; mayHaveBeenProcessed?: boolean | undefined },
): HeroTimeoutError | HeroAbortError {
  const isTimeout = typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  return isTimeout ? new HeroTimeoutError({ ...call, kind: 'signal', cause: reason }) : new HeroAbortError({ ...call, cause: reason });
}

/**
 * A 2xx response whose body is not the JSON the spec promises. Thrown by the
 * client facade, which knows the operation; `body` holds the raw text.
 */
export class HeroResponseParseError extends HeroApiError {
  override name = 'HeroResponseParseError' as const;

  constructor(init: HeroApiErrorInit) {
    super({
      // A 2xx arrived: Hero acted, whatever its body says.
      mayHaveBeenProcessed: true,
      ...init,
      message: init.message ?? `${describeCall(init)} returned ${describeStatus(init)} but the body is not the JSON the API describes`,
    });
  }
}

/**
 * Picks the {@link HeroApiError} subclass for a status (stripe's `generateV1Error`):
 * 400/422 validation, 401, 403, 404, 429, 5xx, 3xx (redirect); any other status gives the base class.
 */
export function errorFromStatus(init: HeroApiErrorInit): HeroApiError {
  switch (init.status) {
    case 400:
    case 422:
      return new HeroValidationError(init);
    case 401:
      return new HeroAuthenticationError(init);
    case 403:
      return new HeroPermissionError(init);
    case 404:
      return new HeroNotFoundError(init);
    case 429:
      return new HeroRateLimitError(init);
    default:
      if (init.status >= 500) return new HeroServerError(init);
      if (init.status >= 300 && init.status < 400) return new HeroRedirectError({ ...init, location: init.headers?.location });
      return new HeroApiError(init);
  }
}

// ---- Errors raised before or outside an API call ----

/** One problem with one input field. */
export interface HeroInputIssue {
  /** Wire name of the field, e.g. `nhs_number`; `(input)` when the whole value is wrong. */
  readonly field: string;
  /** What is wrong, without repeating the value (it may be patient data). */
  readonly message: string;
}

/**
 * Thrown before any request is sent when caller input fails local checks.
 * Lists every problem at once so a form can show them all in one pass.
 */
export class HeroInputError extends HeroError {
  override name = 'HeroInputError' as const;
  /** Every problem found, in field order. Never empty. */
  readonly issues: ReadonlyArray<HeroInputIssue>;

  /**
   * @param issues at least one issue; copied and frozen.
   * @param subject what was being checked, for the message (e.g. `register_pds input`).
   */
  constructor(issues: ReadonlyArray<HeroInputIssue>, subject = 'input') {
    const list = Object.freeze(issues.map((issue) => Object.freeze({ field: issue.field, message: issue.message })));
    const count = list.length === 1 ? '1 problem' : `${list.length} problems`;
    super(`Invalid ${subject} (${count}): ${list.map((issue) => `${issue.field} ${issue.message}`).join('; ')}.`);
    this.issues = list;
  }
}

/**
 * Which check a webhook delivery failed:
 * - `body_not_raw`: `rawBody` is not the bytes received (e.g. a parsed object) or is empty;
 * - `missing_header`: `X-Herohealth-Signature` or `X-Herohealth-Timestamp` is absent or empty;
 * - `malformed_signature`: the signature header is not a SHA-256 digest in an accepted encoding;
 * - `malformed_timestamp`: the timestamp header is not in an accepted format;
 * - `signature_mismatch`: the signature does not match the body, timestamp and signing key;
 * - `timestamp_out_of_tolerance`: correctly signed but too old or too far ahead (possible replay);
 * - `malformed_payload`: correctly signed, but the body is not valid UTF-8 JSON;
 * - `payload_not_object`: correctly signed JSON, but an array, string, number, boolean or `null`
 *   rather than an object. (A JSON object that differs from the documented shape is accepted.)
 */
export type WebhookVerificationFailureReason =
  | 'body_not_raw'
  | 'missing_header'
  | 'malformed_signature'
  | 'malformed_timestamp'
  | 'signature_mismatch'
  | 'timestamp_out_of_tolerance'
  | 'malformed_payload'
  | 'payload_not_object';

/**
 * Thrown by `verifyWebhook` when a delivery must not be trusted. Answer it with
 * a 4xx. The message names the failed check; it never contains the signing key.
 */
export class HeroWebhookVerificationError extends HeroError {
  override name = 'HeroWebhookVerificationError' as const;
  /** Which check failed; stable for `switch` and metrics. */
  readonly reason: WebhookVerificationFailureReason;

  constructor(reason: WebhookVerificationFailureReason, message: string, options?: ErrorOptions) {
    super(`Webhook verification failed (${reason}): ${message}`, options);
    this.reason = reason;
  }
}
