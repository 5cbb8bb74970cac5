/**
 * Step 1 of a call through the transport: what every attempt will send, worked out once.
 * The URL is checked against the base URL, per-call options are merged over the client's,
 * a caller signal that already fired ends the call, and a body that may be sent more than
 * once is buffered.
 */
import { errorFromAbort, HeroInputError, HeroTimeoutError } from '../errors.js';
import { applyCallOverrides, type CallSettings } from './call-options.js';
import { isLightRequest, lightRequestInit } from './light-request.js';
import { redactHeaders } from './redaction.js';
import { getRequestMeta, type RequestMeta } from './request-meta.js';
import type { NormalizedTransportOptions, RedactedRequest } from './types.js';

// Hero's API does not redirect; every attempt is sent with this, whatever the caller's init said.
const NO_REDIRECTS: RequestRedirect = 'manual';

/** One call, ready for its attempts. */
export interface PreparedCall {
  readonly method: string;
  readonly url: string;
  readonly meta: RequestMeta | undefined;
  /** The client's settings with this call's overrides on top. */
  readonly settings: CallSettings;
  /** When the call's deadline passes, on the transport's clock; `Infinity` for none. */
  readonly deadlineAt: number;
  /** What each attempt sends: a Request, or the URL of a light request sent as `fetch(url, init)`. */
  readonly target: Request | string;
  /** The request's headers (never shown unredacted). */
  readonly headers: Headers;
  readonly callerSignal: AbortSignal | undefined;
  /** How openapi-fetch will read a 2xx body (`heroParseAs`), for the body guard. */
  readonly parseAs: unknown;
  /**
   * One attempt's init: its own signal, the body (buffered once), no redirects, and `extraHeaders`
   * (trace context) over the request's own when given.
   */
  attemptInit(signal: AbortSignal, extraHeaders?: Readonly<Record<string, string>>): RequestInit;
  /** The path template (the URL pathname when unknown); computed on first use. */
  path(): string;
  /** The request as hooks see it, secrets masked; computed on first use. */
  redacted(): RedactedRequest;
  /**
   * The values this request carried (path segments, query values, JSON body values), to cut out
   * of a server's message that echoes them. Failure path only; the body is known when it is a
   * string (light requests) or was buffered for retries.
   */
  echoes(): string[];
  /** The time-out error of this call; a deadline's `cause` is the last attempt's failure. */
  timeoutError(kind: 'attempt' | 'deadline', limitMs?: number, lastError?: unknown): HeroTimeoutError;
}

/** What {@link prepareCall} needs from the transport. */
export interface PrepareContext {
  readonly options: NormalizedTransportOptions;
  readonly now: () => number;
  /** True when the URL is under the client's base URL; `undefined`: no check. */
  readonly inScope: ((url: string) => boolean) | undefined;
  /** True when attempts may repeat whatever maxAttempts says (a rate controller retries 429s). */
  readonly paced: boolean;
}

/** Prepares `input` for its attempts; throws `HeroInputError` (out of scope) or the caller's abort, nothing sent. */
export async function prepareCall(input: Request, context: PrepareContext): Promise<PreparedCall> {
  const meta = getRequestMeta(input);
  // Per-call options (call-options.ts): this call's limits and retries over the client's.
  const settings = applyCallOverrides(context.options, meta?.overrides);
  const { url, method } = input;
  if (context.inScope !== undefined && !context.inScope(url)) throw outOfScopeError(method, meta);
  // A LightRequest with no caller signal and a body that can be sent again as it is (none,
  // or a string) goes out as `fetch(url, init)`. Anything else becomes a real Request: its
  // body and body-derived headers are what `Request` makes, and the abort listener then
  // lives on that Request's own signal, which dies with it, not on a long-lived caller signal.
  let target: Request | string;
  let baseInit: RequestInit | undefined;
  if (isLightRequest(input)) {
    const init = lightRequestInit(input);
    if (!('signal' in init) && (init.body == null || typeof init.body === 'string')) {
      target = url;
      // The client asks for 'manual' already; only a per-call override costs a copy.
      baseInit = init.redirect === NO_REDIRECTS ? init : { ...init, redirect: NO_REDIRECTS };
    } else {
      target = new Request(url, init);
    }
  } else {
    target = input;
  }
  const headers = typeof target === 'string' ? input.headers : target.headers;
  const callerSignal = typeof target === 'string' ? undefined : target.signal;
  if (callerSignal?.aborted) {
    throw errorFromAbort(callerSignal.reason, { method, path: meta?.schemaPath ?? pathnameOf(url), operationId: meta?.operationId, mayHaveBeenProcessed: false });
  }

  const { deadlineMs, timeoutMs } = settings;
  const deadlineAt = deadlineMs === Infinity ? Infinity : context.now() + deadlineMs;
  // Buffer once so each attempt sends its own copy; a stream can only be read once.
  const body =
    typeof target !== 'string' && (settings.retry.maxAttempts > 1 || context.paced) && target.body !== null ? await target.arrayBuffer() : undefined;

  // Needed only on failure or with hooks: computed lazily, off the first-try success path.
  let path: string | undefined;
  const pathOf = (): string => (path ??= meta?.schemaPath ?? pathnameOf(url));
  let view: RedactedRequest | undefined;

  return {
    method,
    url,
    meta,
    settings,
    deadlineAt,
    target,
    headers,
    callerSignal,
    parseAs: (input as { heroParseAs?: unknown }).heroParseAs,
    // `{ signal, ...baseInit }` (literal first) is far cheaper for V8 than `{ ...baseInit, signal }`;
    // baseInit has no signal then (the light path requires none), so ours is the one sent.
    attemptInit: (signal, extraHeaders) => {
      const init: RequestInit =
        baseInit !== undefined ? { signal, ...baseInit } : body === undefined ? { signal, redirect: NO_REDIRECTS } : { signal, redirect: NO_REDIRECTS, body };
      if (extraHeaders === undefined) return init;
      // A copy per attempt: each attempt carries its own span's trace context; the request's headers stay as they were.
      const attemptHeaders = new Headers(headers);
      for (const name in extraHeaders) attemptHeaders.set(name, extraHeaders[name]!);
      init.headers = attemptHeaders;
      return init;
    },
    path: pathOf,
    echoes: () => requestEchoes(url, typeof baseInit?.body === 'string' ? baseInit.body : body),
    redacted: () => (view ??= Object.freeze({ method, url, path: pathOf(), headers: Object.freeze(redactHeaders(headers)) })),
    timeoutError: (kind, limitMs, lastError) =>
      new HeroTimeoutError({
        method,
        path: pathOf(),
        operationId: meta?.operationId,
        kind,
        timeoutMs: limitMs ?? (kind === 'deadline' ? deadlineMs : timeoutMs),
        cause: kind === 'deadline' ? lastError : undefined,
      }),
  };
}

function pathnameOf(url: string): string {
  return new URL(url).pathname;
}

/** Every value a request carried: decoded path segments, query values, and the JSON body's strings and numbers. */
function requestEchoes(url: string, body: string | ArrayBuffer | undefined): string[] {
  const parsed = new URL(url);
  const values: string[] = [];
  for (const segment of parsed.pathname.split('/')) {
    try {
      values.push(decodeURIComponent(segment));
    } catch {
      values.push(segment);
    }
  }
  parsed.searchParams.forEach((value) => values.push(value));
  if (body !== undefined) {
    try {
      collectLeaves(JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as unknown, values, 0);
    } catch {
      // Not JSON: nothing to collect (Hero's bodies are JSON).
    }
  }
  return values;
}

function collectLeaves(value: unknown, into: string[], depth: number): void {
  if (typeof value === 'string') into.push(value);
  else if (typeof value === 'number') into.push(String(value));
  else if (typeof value === 'object' && value !== null && depth < 32) {
    for (const item of Object.values(value)) collectLeaves(item, into, depth + 1);
  }
}

function outOfScopeError(method: string, meta: RequestMeta | undefined): HeroInputError {
  // The URL is not repeated: its path and query may carry patient data.
  return new HeroInputError(
    [{ field: 'url', message: 'resolves outside the configured baseUrl (its origin and path); nothing was sent' }],
    `request ${method} ${meta?.schemaPath ?? '(unknown path)'}`,
  );
}
