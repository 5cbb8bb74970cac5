/**
 * Step 2 of a call: one attempt under its own timer. Sends, guards the 2xx body while
 * openapi-fetch reads it, and maps every way it can fail to a typed error and the
 * {@link AttemptFailure} the retry policy judges.
 */
import { errorFromAbort, HeroNetworkError, withProcessedVerdict, type HeroApiError } from '../errors.js';
import { guardBody, readersFor, type BodyGuardHandle } from './body-guard.js';
import { errorFromResponse } from './error-from-response.js';
import { collectErrorCodes, isNetworkFailure, primaryErrorCode } from './network-error.js';
import type { PreparedCall } from './prepare.js';
import { redactedResponse } from './redacted-response.js';
import { secretsOf } from './redaction.js';
import type { AttemptFailure, AttemptObserver, NormalizedTransportHooks, TransportFetch } from './types.js';

/** What one failed attempt produced: the error to throw and what the retry policy needs. */
export interface AttemptOutcome {
  readonly error: HeroApiError;
  readonly failure: AttemptFailure;
}

export function isFailure(result: Response | AttemptOutcome): result is AttemptOutcome {
  return 'failure' in result;
}

/**
 * Sends one attempt: `target` (a Request, or the URL of a light request) with this attempt's
 * init. Returns the response promise and the object that must stay reachable while it runs.
 */
export type SendAttempt = (target: Request | string, init: RequestInit) => { readonly response: Promise<Response>; readonly keepAlive: unknown };

// The built-in fetch takes the init directly: it builds its own Request from
// (target, init) anyway, so building one here too would double that cost.
const sendWithGlobalFetch: SendAttempt = (target, init) => ({ response: globalThis.fetch(target, init), keepAlive: undefined });

/** How attempts are sent: the global fetch, or a custom fetch given one Request, as openapi-fetch's contract promises. */
export function sendWith(fetch: TransportFetch | undefined): SendAttempt {
  if (fetch === undefined) return sendWithGlobalFetch;
  return (target, init) => {
    const attemptRequest = new Request(target, init);
    return { response: fetch(attemptRequest), keepAlive: attemptRequest };
  };
}

/** The transport-wide collaborators of an attempt. */
export interface AttemptContext {
  readonly send: SendAttempt;
  readonly now: () => number;
  readonly hooks: NormalizedTransportHooks;
  /** Called when a 2xx arrives, before `onResponse` (the retry budget earns back). */
  readonly onSuccess: () => void;
}

/** What the call keeps across its attempts, and the attempt reports into. */
export interface AttemptState {
  /** Set when an attempt is handed to fetch; the loop clears it when the attempt's failure is judged. */
  sent: boolean;
  /**
   * The attempt in flight. Holding the Request built for a custom fetch matters: Node 20's
   * undici links a signal to a Request through a WeakRef, so once that Request is
   * garbage-collected aborting our signal no longer reaches the fetch (nodejs/undici#3644, #4068).
   */
  inFlight: { readonly controller: AbortController; readonly keepAlive: unknown } | undefined;
}

/**
 * Sends attempt number `attempt` under its own timer (the per-attempt limit, cut to the
 * deadline); resolves to the 2xx response or the failure. Throws what ends the call at once:
 * the caller's abort (its reason), a deadline, a hook's error, a fetch that returned no Response.
 */
export async function attemptOnce(
  call: PreparedCall,
  context: AttemptContext,
  state: AttemptState,
  attempt: number,
  startedAt: number,
  lastError: HeroApiError | undefined,
  observer?: AttemptObserver,
): Promise<Response | AttemptOutcome> {
  const { method, url, callerSignal, deadlineAt } = call;
  const { timeoutMs } = call.settings;
  const { now, hooks } = context;
  const limitMs = deadlineAt === Infinity ? timeoutMs : Math.min(timeoutMs, deadlineAt - now());
  const limitKind = limitMs < timeoutMs ? 'deadline' : 'attempt';
  if (limitMs <= 0) throw call.timeoutError('deadline', undefined, lastError);

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

  const networkError = (thrown: unknown, codes: readonly string[]): HeroNetworkError =>
    new HeroNetworkError({ method, path: call.path(), operationId: call.meta?.operationId, code: primaryErrorCode(codes), host: new URL(url).host, cause: thrown });

  // Classifies a rejection from sending or from reading an error body.
  const outcomeOf = (thrown: unknown): AttemptOutcome => {
    clearTimeout(timer);
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (expired) {
      if (limitKind === 'deadline') throw call.timeoutError('deadline', undefined, lastError);
      return { error: call.timeoutError('attempt'), failure: { kind: 'timeout' } };
    }
    const codes = collectErrorCodes(thrown);
    if (!isNetworkFailure(thrown, codes)) throw thrown;
    return { error: networkError(thrown, codes), failure: { kind: 'network', codes } };
  };

  let response: Response;
  try {
    state.sent = true;
    const init = call.attemptInit(signal, observer?.headers);
    const sending = observer === undefined ? context.send(call.target, init) : observer.run(() => context.send(call.target, init));
    state.inFlight = { controller: attemptController, keepAlive: sending.keepAlive };
    response = await sending.response;
  } catch (thrown) {
    return outcomeOf(thrown);
  }
  if (!isResponse(response)) {
    clearTimeout(timer);
    throw new HeroNetworkError({
      method,
      path: call.path(),
      operationId: call.meta?.operationId,
      host: new URL(url).host,
      message: `${method} ${call.path()} failed: the \`fetch\` option resolved to ${describeValue(response)}, not a Response, so no answer can be read (the request may have been sent)`,
    });
  }

  if (response.ok) context.onSuccess();
  if (hooks.onResponse) {
    try {
      await hooks.onResponse({ request: call.redacted(), response: redactedResponse(response, call.headers, url), attempt, durationMs: now() - startedAt });
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
    const readers = readersFor(call.parseAs);
    if (readers === undefined || (timer !== undefined && hasNoBodyToRead(response, method))) clearTimeout(timer);
    else bodyGuard = guardBody(response, readers, { settle: () => clearTimeout(timer), toError: bodyReadError });
    return response;
  }
  try {
    // Read under the attempt's timer: a server can stall mid-body too.
    const error = await errorFromResponse(response, {
      method,
      path: call.path(),
      operationId: call.meta?.operationId,
      secrets: secretsOf(call.headers),
      nowMs: now(),
      url,
      echoes: call.echoes,
    });
    clearTimeout(timer);
    return { error, failure: { kind: 'status', status: response.status, retryAfterMs: error.retryAfterMs } };
  } catch (thrown) {
    return outcomeOf(thrown);
  }

  /** What a failed 2xx body read becomes; `thrown` is undefined when the timer expired first. */
  function bodyReadError(thrown: unknown): unknown {
    // A 2xx had arrived: Hero acted, whatever goes wrong with reading its body.
    if (callerSignal?.aborted) return errorFromAbort(callerSignal.reason, { method, path: call.path(), operationId: call.meta?.operationId, mayHaveBeenProcessed: true });
    if (expired || thrown === undefined) return withProcessedVerdict(call.timeoutError(limitKind, undefined, lastError), true);
    // json(): hero.raw turns it into HeroResponseParseError naming the operation.
    if (thrown instanceof SyntaxError) return thrown;
    const codes = collectErrorCodes(thrown);
    if (!isNetworkFailure(thrown, codes)) return thrown;
    const code = primaryErrorCode(codes);
    const host = new URL(url).host;
    return new HeroNetworkError({
      method,
      path: call.path(),
      operationId: call.meta?.operationId,
      code,
      host,
      cause: thrown,
      mayHaveBeenProcessed: true,
      message: `${method} ${call.path()} failed: the connection to ${host} broke while reading the response body${code === undefined ? '' : ` (${code})`}`,
    });
  }
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
