import { errorFromAbort, HeroError, HeroInputError, HeroNetworkError, HeroTimeoutError, withProcessedVerdict } from '../errors.js';
import { errorFromResponse } from './error-from-response.js';
import { redactHeaders, secretsOf } from './redaction.js';
import type { HeroApiError } from '../errors.js';
import { createUrlScope } from '../url/url-scope.js';
import { guardBody, readersFor, type BodyGuardHandle } from './body-guard.js';
import { collectErrorCodes, isNetworkFailure, primaryErrorCode } from './network-error.js';
import type { NormalizedTransportOptions, RedactedRequest } from './types.js';
import { redactedResponse } from './redacted-response.js';
import { decideRetry, failureMayHaveBeenProcessed } from './retry.js';
import type { AttemptFailure } from './types.js';
import { createRetryBudget } from './retry-budget.js';
import { isLightRequest, lightRequestInit } from './light-request.js';
import { getRequestMeta } from './request-meta.js';
import { applyCallOverrides } from './call-options.js';
import { logAttempt, type AttemptRecord } from './attempt-log.js';
import { sleep as abortableSleep } from './sleep.js';
import { createRateController, startPacedCall, type RateController } from './rate-controller.js';
import { DEFAULT_RATE_LIMIT } from '../rate-limit/options.js';

/** A fetch as openapi-fetch calls it: one `Request` in, one `Response` out. */
export type TransportFetch = (input: Request) => Promise<Response>;

/** Replaceable collaborators of {@link createTransportFetch}, for tests and custom stacks. */
export interface TransportFetchDeps {
  /** Sends one attempt. @default globalThis.fetch (looked up per call, so later patches apply) */
  fetch?: TransportFetch | undefined;
  /**
   * Waits between attempts; must reject when `signal` (the caller's, when there is one) aborts.
   * @default an abortable setTimeout
   */
  sleep?: ((delayMs: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /** Uniform random in [0, 1) for backoff jitter. @default Math.random */
  random?: (() => number) | undefined;
  /** Wall clock in ms, for the deadline and HTTP-date `Retry-After`. @default Date.now */
  now?: (() => number) | undefined;
  /** The client's rate controller, or `false` for none. @default a local one with default settings */
  rateController?: RateController | false | undefined;
  /**
   * The client's base URL: a request whose resolved URL is not under it (same origin, same
   * path prefix) is refused with `HeroInputError` and never sent. @default no check
   */
  baseUrl?: string | undefined;
}

/** What one failed attempt produced: the error to throw and what the retry policy needs. */
interface AttemptOutcome {
  readonly error: HeroApiError;
  readonly failure: AttemptFailure;
}

function isFailure(result: Response | AttemptOutcome): result is AttemptOutcome {
  return 'failure' in result;
}

/**
 * Sends one attempt: `target` (a Request, or the URL of a {@link LightRequest}) with
 * this attempt's init (its signal, and the body). Returns the response promise and the
 * object that must stay reachable while the attempt runs (see `inFlight` below).
 */
type SendAttempt = (target: Request | string, init: RequestInit) => { readonly response: Promise<Response>; readonly keepAlive: unknown };

// The built-in fetch takes the init directly: it builds its own Request from
// (target, init) anyway, so building one here too would double that cost.
const sendWithGlobalFetch: SendAttempt = (target, init) => ({ response: globalThis.fetch(target, init), keepAlive: undefined });

// A custom fetch gets one Request, as openapi-fetch's contract promises.
function sendWith(fetch: TransportFetch): SendAttempt {
  return (target, init) => {
    const attemptRequest = new Request(target, init);
    return { response: fetch(attemptRequest), keepAlive: attemptRequest };
  };
}

// Hero's API does not redirect; every attempt is sent with this, whatever the caller's init said.
const NO_REDIRECTS: RequestRedirect = 'manual';

function pathnameOf(url: string): string {
  return new URL(url).pathname;
}

/**
 * Builds the fetch the client hands to openapi-fetch. Per call it:
 * - gives every attempt its own copy of the request (body buffered once) and its
 *   own timeout signal, started when that attempt starts;
 * - stops at the optional overall deadline;
 * - cancels at once, backoff included, when the caller's `request.signal` aborts,
 *   rejecting with the signal's own reason (as fetch does);
 * - retries per {@link decideRetry}, within the client's retry budget;
 * - turns the final non-2xx response or network failure into a typed {@link HeroApiError},
 *   and the caller's abort into `HeroAbortError` (or `HeroTimeoutError` for `AbortSignal.timeout`)
 *   with the signal's reason as `cause`;
 * - marks every `HeroError` it ends a call with: could Hero have acted on any attempt
 *   ({@link HeroError.mayHaveBeenProcessed})? Bulk jobs need it to never call a send that
 *   may have reached Hero safe to repeat.
 * Hooks only ever see a redacted copy of the request.
 * One budget is created here, so call this once per client.
 */
export function createTransportFetch(options: NormalizedTransportOptions, deps: TransportFetchDeps = {}): TransportFetch {
  const send = deps.fetch === undefined ? sendWithGlobalFetch : sendWith(deps.fetch);
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const { hooks, logger } = options;
  const budget = options.retry.budget === false ? undefined : createRetryBudget(options.retry.budget);
  // Rate limit: one controller per client (rate-controller.ts).
  const rate = deps.rateController === undefined ? createRateController(DEFAULT_RATE_LIMIT) : deps.rateController || undefined;
  const inScope = deps.baseUrl === undefined ? undefined : createUrlScope(deps.baseUrl);

  return async function heroTransportFetch(input: Request): Promise<Response> {
    const meta = getRequestMeta(input);
    // Per-call options (call-options.ts): this call's limits and retries over the client's.
    const { retry, timeoutMs, deadlineMs } = applyCallOverrides(options, meta?.overrides);
    const { url, method } = input;
    if (inScope !== undefined && !inScope(url)) throw outOfScopeError();
    // What each attempt sends. A LightRequest with no caller signal and a body that can
    // be sent again as it is (none, or a string) goes out as `fetch(url, init)`. Anything
    // else becomes a real Request, as before: its body and body-derived headers are what
    // `Request` makes, and the abort listener below then lives on that Request's own
    // signal, which dies with it, not on a caller signal that may be long-lived.
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

    const deadlineAt = deadlineMs === Infinity ? Infinity : now() + deadlineMs;
    // Buffer once so each attempt sends its own copy; a stream can only be read once.
    // (With a rate controller a 429 is retried whatever maxAttempts says.)
    const body = typeof target !== 'string' && (retry.maxAttempts > 1 || rate !== undefined) && target.body !== null ? await target.arrayBuffer() : undefined;
    // `{ signal, ...baseInit }` (literal first) is far cheaper for V8 than `{ ...baseInit, signal }`;
    // baseInit has no signal then (the light path requires none), so ours is the one sent.
    const attemptInit = (signal: AbortSignal): RequestInit =>
      baseInit !== undefined
        ? { signal, ...baseInit }
        : body === undefined
          ? { signal, redirect: NO_REDIRECTS }
          : { signal, redirect: NO_REDIRECTS, body };

    // Everything below is needed only on failure or with hooks; computed lazily
    // to keep the first-try success path free of extra work.
    let path: string | undefined;
    const pathOf = (): string => (path ??= meta?.schemaPath ?? pathnameOf(url));
    let view: RedactedRequest | undefined;
    const redacted = (): RedactedRequest =>
      (view ??= Object.freeze({
        method,
        url,
        path: pathOf(),
        headers: Object.freeze(redactHeaders(headers)),
      }));

    // The attempt in flight. Holding the Request we built for a custom fetch matters:
    // Node 20's undici links a signal to a Request through a WeakRef, so once that
    // Request is garbage-collected aborting our signal no longer reaches the fetch
    // (nodejs/undici#3644, #4068).
    let inFlight: { readonly controller: AbortController; readonly keepAlive: unknown } | undefined;
    // Forward the caller's cancel to the attempt in flight. Left attached after
    // success, so a cancel still stops the body download; it dies with `request`.
    const forwardAbort = (): void => inFlight?.controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });

    let lastError: HeroApiError | undefined;
    let lastRetryCost: number | undefined;
    // Could Hero have acted on this call? `sent`: an attempt was handed to fetch and how it
    // ended is not known yet; `acted`: a finished attempt may have been acted on.
    let sent = false;
    let acted = false;
    // Rate limit: a permit before each attempt; throttles hold the client and are retried
    // outside maxAttempts and the budget, within the call's deadline.
    const paced = rate && startPacedCall(rate, { signal: callerSignal, deadlineAt, deadlineMs, now, maxWaitMs: rate.maxWaitMs, retry, random });

    try {
      for (let attempt = 1; ; attempt++) {
        if (paced && !(await paced.acquire())) throw lastError ?? timeoutError('deadline', paced.waitLimitMs);
        const startedAt = now();
        let result: Response | AttemptOutcome | undefined;
        try {
          if (hooks.onRequest) await hooks.onRequest({ request: redacted(), attempt });
          result = await attemptOnce(attempt, startedAt);
        } catch (thrown) {
          if (logger !== undefined) logAttempt(logger, attemptRecord(attempt, startedAt, { error: thrown }));
          throw thrown;
        } finally {
          paced?.settle(result !== undefined && isFailure(result) ? result.failure : undefined);
        }
        if (isFailure(result)) {
          acted ||= failureMayHaveBeenProcessed(result.failure, method);
          sent = false;
        }
        if (!isFailure(result)) {
          if (logger !== undefined) logAttempt(logger, attemptRecord(attempt, startedAt, { status: result.status }));
          return result;
        }

        const throttled = paced?.throttleDecision(result.failure);
        const decision =
          throttled ??
          decideRetry(
            { attempt, method, idempotent: meta?.idempotent ?? false, failure: result.failure },
            // Throttled attempts do not count towards maxAttempts.
            paced?.throttles ? { ...retry, maxAttempts: retry.maxAttempts + paced.throttles } : retry,
            random,
          );
        // Why this failure ends the call, if it does (the log line names it).
        let stop: AttemptRecord['stop'];
        if (!decision.retry) stop = decision.reason;
        // No point waiting for an attempt the deadline would cut short.
        else if (deadlineAt !== Infinity && now() + decision.delayMs >= deadlineAt) stop = 'deadline';
        // Throttles are paid for by the rate controller, not the retry budget.
        else if (budget !== undefined && throttled === undefined) {
          const cost = budget.tryAcquire(decision.reason);
          if (cost === undefined) stop = 'retry-budget';
          else lastRetryCost = cost;
        }
        const durationMs = now() - startedAt;
        if (logger !== undefined) {
          logAttempt(logger, attemptRecord(attempt, startedAt, { error: result.error, stop, retry: decision.retry && stop === undefined ? decision : undefined }));
        }
        if (!decision.retry || stop !== undefined) throw result.error;
        lastError = result.error;

        if (hooks.onRetry) {
          await hooks.onRetry({ attempt: attempt + 1, delayMs: decision.delayMs, reason: decision.reason, request: redacted(), error: result.error, durationMs });
        }
        try {
          // No caller signal: nothing to listen to (a shared never-aborted signal would
          // collect one listener per sleeping call and warn at 11).
          await sleep(decision.delayMs, callerSignal);
        } catch (thrown) {
          if (callerSignal?.aborted) throw callerSignal.reason;
          throw thrown;
        }
        if (callerSignal?.aborted) throw callerSignal.reason;
      }
    } catch (thrown) {
      callerSignal?.removeEventListener('abort', forwardAbort);
      throw endedWith(thrown, acted || sent);
    }

    /** What the call rejects with: the caller's abort typed, and every HeroError marked. */
    function endedWith(thrown: unknown, mayHaveBeenProcessed: boolean): unknown {
      if (callerSignal?.aborted && thrown === callerSignal.reason) {
        return errorFromAbort(thrown, { method, path: pathOf(), operationId: meta?.operationId, mayHaveBeenProcessed });
      }
      return thrown instanceof HeroError ? withProcessedVerdict(thrown, mayHaveBeenProcessed) : thrown;
    }

    /** Sends one attempt under its own timer; resolves to the 2xx response or the failure. */
    async function attemptOnce(attempt: number, startedAt: number): Promise<Response | AttemptOutcome> {
      const limitMs = deadlineAt === Infinity ? timeoutMs : Math.min(timeoutMs, deadlineAt - now());
      const limitKind = limitMs < timeoutMs ? 'deadline' : 'attempt';
      if (limitMs <= 0) throw timeoutError('deadline');

      const attemptController = new AbortController();
      const signal = attemptController.signal;
      if (callerSignal?.aborted) throw callerSignal.reason;
      let expired = false;
      let bodyGuard: BodyGuardHandle | undefined;
      const timer =
        limitMs === Infinity
          ? undefined
          : setTimeout(() => {
              expired = true;
              attemptController.abort();
              bodyGuard?.expire();
            }, limitMs);

      // Classifies a rejection from sending or from reading an error body.
      const outcomeOf = (thrown: unknown): AttemptOutcome => {
        clearTimeout(timer);
        if (callerSignal?.aborted) throw callerSignal.reason;
        if (expired) {
          if (limitKind === 'deadline') throw timeoutError('deadline');
          return { error: timeoutError('attempt'), failure: { kind: 'timeout' } };
        }
        const codes = collectErrorCodes(thrown);
        if (!isNetworkFailure(thrown, codes)) throw thrown;
        return {
          error: new HeroNetworkError({ method, path: pathOf(), operationId: meta?.operationId, code: primaryErrorCode(codes), host: new URL(url).host, cause: thrown }),
          failure: { kind: 'network', codes },
        };
      };

      let response: Response;
      try {
        sent = true;
        const attempt = send(target, attemptInit(signal));
        inFlight = { controller: attemptController, keepAlive: attempt.keepAlive };
        response = await attempt.response;
      } catch (thrown) {
        return outcomeOf(thrown);
      }
      if (!isResponse(response)) {
        clearTimeout(timer);
        throw new HeroNetworkError({
          method,
          path: pathOf(),
          operationId: meta?.operationId,
          host: new URL(url).host,
          message: `${method} ${pathOf()} failed: the \`fetch\` option resolved to ${describeValue(response)}, not a Response, so no answer can be read (the request may have been sent)`,
        });
      }

      if (response.ok) budget?.recordSuccess(lastRetryCost);
      if (hooks.onResponse) {
        try {
          await hooks.onResponse({ request: redacted(), response: redactedResponse(response, headers, url), attempt, durationMs: now() - startedAt });
        } catch (thrown) {
          // The hook's error wins, as it is (see TransportHooks); stop the timer and free the connection first.
          clearTimeout(timer);
          attemptController.abort();
          throw thrown;
        }
      }
      if (response.ok) {
        // The timer keeps running while the body is read (openapi-fetch reads it after we
        // return): a stalled body times out, a reset mid-body is a HeroNetworkError.
        const readers = readersFor((input as { heroParseAs?: unknown }).heroParseAs);
        if (readers === undefined || (timer !== undefined && hasNoBodyToRead(response, method))) clearTimeout(timer);
        else bodyGuard = guardBody(response, readers, { settle: () => clearTimeout(timer), toError: bodyReadError });
        return response;
      }
      try {
        // Read under the attempt's timer: a server can stall mid-body too.
        const error = await errorFromResponse(response, {
          method,
          path: pathOf(),
          operationId: meta?.operationId,
          secrets: secretsOf(headers),
          nowMs: now(),
          url,
        });
        clearTimeout(timer);
        return { error, failure: { kind: 'status', status: response.status, retryAfterMs: error.retryAfterMs } };
      } catch (thrown) {
        return outcomeOf(thrown);
      }

      /** What a failed 2xx body read becomes; `thrown` is undefined when the timer expired first. */
      function bodyReadError(thrown: unknown): unknown {
        // A 2xx had arrived: Hero acted, whatever goes wrong with reading its body.
        if (callerSignal?.aborted) return errorFromAbort(callerSignal.reason, { method, path: pathOf(), operationId: meta?.operationId, mayHaveBeenProcessed: true });
        if (expired || thrown === undefined) return withProcessedVerdict(timeoutError(limitKind), true);
        // json(): hero.raw turns it into HeroResponseParseError naming the operation.
        if (thrown instanceof SyntaxError) return thrown;
        const codes = collectErrorCodes(thrown);
        if (!isNetworkFailure(thrown, codes)) return thrown;
        const code = primaryErrorCode(codes);
        return new HeroNetworkError({
          method,
          path: pathOf(),
          operationId: meta?.operationId,
          code,
          host: new URL(url).host,
          cause: thrown,
          mayHaveBeenProcessed: true,
          message: `${method} ${pathOf()} failed: the connection to ${new URL(url).host} broke while reading the response body${code === undefined ? '' : ` (${code})`}`,
        });
      }
    }

    function outOfScopeError(): HeroInputError {
      // The URL is not repeated: its path and query may carry patient data.
      return new HeroInputError(
        [{ field: 'url', message: 'resolves outside the configured baseUrl (its origin and path); nothing was sent' }],
        `request ${method} ${meta?.schemaPath ?? '(unknown path)'}`,
      );
    }

    /** What the log line of one finished attempt says (attempt-log.ts). */
    function attemptRecord(attempt: number, startedAt: number, outcome: Pick<AttemptRecord, 'status' | 'error' | 'retry' | 'stop'>): AttemptRecord {
      return { method, path: pathOf(), operationId: meta?.operationId, attempt, durationMs: now() - startedAt, ...outcome };
    }

    function timeoutError(kind: 'attempt' | 'deadline', limitMs?: number): HeroTimeoutError {
      return new HeroTimeoutError({
        method,
        path: pathOf(),
        operationId: meta?.operationId,
        kind,
        timeoutMs: limitMs ?? (kind === 'deadline' ? deadlineMs : timeoutMs),
        cause: kind === 'deadline' ? lastError : undefined,
      });
    }
  };
}

/**
 * True for a `Response`, or a look-alike from another fetch library (node-fetch…) that has
 * what openapi-fetch and this transport read: a numeric status, `ok`, `headers.get`, `text()`.
 */
function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { status?: unknown; ok?: unknown; headers?: { get?: unknown } | null; text?: unknown };
  return (
    typeof candidate.status === 'number' &&
    typeof candidate.ok === 'boolean' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null &&
    typeof candidate.headers.get === 'function' &&
    typeof candidate.text === 'function'
  );
}

/** A value's kind for a message that must not repeat the value. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/**
 * True when openapi-fetch will not read the body (so the timer must stop now): a 204,
 * a HEAD, or an empty `Content-Length: 0` body; the same test openapi-fetch makes.
 */
function hasNoBodyToRead(response: Response, method: string): boolean {
  if (response.status === 204 || method === 'HEAD') return true;
  return response.headers.get('content-length') === '0' && !response.headers.get('transfer-encoding')?.includes('chunked');
}
