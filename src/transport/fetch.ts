/**
 * The fetch the client hands to openapi-fetch: a short pipeline per call. prepare.ts works
 * out what every attempt sends; attempt.ts runs one attempt under its timer; the loop here
 * asks the rate controller for a permit, judges each failure (retry policy, deadline, retry
 * budget), calls the hooks, logs each attempt and waits between them.
 */
import { errorFromAbort, HeroApiError, HeroError, withProcessedVerdict } from '../errors.js';
import { createUrlScope } from '../url/url-scope.js';
import { attemptOnce, isFailure, sendWith, type AttemptOutcome, type AttemptState } from './attempt.js';
import { logAttempt, type AttemptRecord } from './attempt-log.js';
import { recordCall } from './call-record.js';
import { prepareCall, type PreparedCall } from './prepare.js';
import { requestIdOf } from './request-id.js';
import { decideRetry, failureMayHaveBeenProcessed } from './retry.js';
import { createRetryBudget } from './retry-budget.js';
import { sleep as abortableSleep } from './sleep.js';
import type { AttemptObserver, CallObserver, NormalizedTransportOptions, ObserveCall, TransportFetch } from './types.js';
import { createRateController, type RateController } from '../rate-limit/controller.js';
import { startPacedCall } from '../rate-limit/paced-call.js';
import { DEFAULT_RATE_LIMIT } from '../rate-limit/options.js';

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
  /** Telemetry per call (observability/telemetry.ts): spans and metrics. @default none */
  observe?: ObserveCall | undefined;
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
  const send = sendWith(deps.fetch);
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const { hooks, logger } = options;
  const logFormat = options.logFormat ?? 'pino';
  const observe = deps.observe;
  const budget = options.retry.budget === false ? undefined : createRetryBudget(options.retry.budget);
  // Rate limit: one controller per client (src/rate-limit/controller.ts).
  const rate = deps.rateController === undefined ? createRateController(DEFAULT_RATE_LIMIT) : deps.rateController || undefined;
  const inScope = deps.baseUrl === undefined ? undefined : createUrlScope(deps.baseUrl);
  const prepareContext = { options, now, inScope, paced: rate !== undefined };

  return async function heroTransportFetch(input: Request): Promise<Response> {
    const call = await prepareCall(input, prepareContext);
    const { method, callerSignal, deadlineAt } = call;
    const { retry, deadlineMs } = call.settings;
    const state: AttemptState = { sent: false, inFlight: undefined };
    // Telemetry, when on: a promise only while the OpenTelemetry API loads (a client's first calls).
    let observer: CallObserver | undefined;
    if (observe !== undefined) {
      const started = observe({ method, template: call.meta?.operationId === undefined ? undefined : call.path(), operationId: call.meta?.operationId, url: call.url });
      observer = started instanceof Promise ? await started : started;
    }
    let attempts = 0;
    // Forward the caller's cancel to the attempt in flight. Left attached after
    // success, so a cancel still stops the body download; it dies with `request`.
    const forwardAbort = (): void => state.inFlight?.controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });

    let lastError: HeroApiError | undefined;
    let lastRetryCost: number | undefined;
    const attemptContext = { send, now, hooks, onSuccess: () => budget?.recordSuccess(lastRetryCost) };
    // Could Hero have acted on this call? `state.sent`: an attempt was handed to fetch and how
    // it ended is not known yet; `acted`: a finished attempt may have been acted on.
    let acted = false;
    // Rate limit: a permit before each attempt, the outcome after (PacedCall); throttles hold
    // the client and are retried outside maxAttempts and the budget, within the call's deadline.
    const paced = rate && startPacedCall(rate, { signal: callerSignal, deadlineAt, deadlineMs, now, maxWaitMs: rate.maxWaitMs, retry, random });

    try {
      for (let attempt = 1; ; attempt++) {
        if (paced) {
          // A permit free now comes back as `true`, not a promise: no extra turn of the event loop.
          const permitted = paced.acquire();
          if (permitted instanceof Promise) observer?.held();
          if (!(permitted === true || (permitted !== false && (await permitted)))) throw lastError ?? call.timeoutError('deadline', paced.waitLimitMs, lastError);
        }
        const startedAt = now();
        attempts = attempt;
        const attemptObserver: AttemptObserver | undefined = observer?.attempt(attempt);
        let result: Response | AttemptOutcome | undefined;
        try {
          if (hooks.onRequest) await hooks.onRequest({ request: call.redacted(), attempt });
          result = await attemptOnce(call, attemptContext, state, attempt, startedAt, lastError, attemptObserver);
        } catch (thrown) {
          if (logger !== undefined) logAttempt(logger, logFormat, attemptRecord(call, attempt, startedAt, now, { error: thrown }));
          attemptObserver?.end({ error: thrown });
          throw thrown;
        } finally {
          paced?.settle(result !== undefined && isFailure(result) ? result.failure : undefined);
        }
        if (!isFailure(result)) {
          const response = result;
          if (logger !== undefined) {
            logAttempt(logger, logFormat, attemptRecord(call, attempt, startedAt, now, { status: response.status, requestId: requestIdOf((name) => response.headers.get(name)) }));
          }
          attemptObserver?.end({ status: response.status });
          observer?.end({ status: response.status }, attempt);
          recordCall(response, { attempts: attempt, requestHeaders: call.headers, url: call.url });
          return response;
        }
        acted ||= failureMayHaveBeenProcessed(result.failure, method);
        state.sent = false;

        const throttled = paced?.throttleDecision(result.failure);
        const decision =
          throttled ??
          decideRetry(
            { attempt, method, idempotent: call.meta?.idempotent ?? false, failure: result.failure },
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
        const retried = decision.retry && stop === undefined ? decision : undefined;
        if (logger !== undefined) {
          logAttempt(logger, logFormat, attemptRecord(call, attempt, startedAt, now, { error: result.error, stop, retry: retried, requestId: result.error.requestId }));
        }
        attemptObserver?.end({ status: result.error.status || undefined, error: result.error, retry: retried?.reason });
        if (!decision.retry || stop !== undefined) throw result.error;
        lastError = result.error;

        if (hooks.onRetry) {
          await hooks.onRetry({ attempt: attempt + 1, delayMs: decision.delayMs, reason: decision.reason, request: call.redacted(), error: result.error, durationMs });
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
      const ended = endedWith(call, thrown, acted || state.sent);
      observer?.end({ status: ended instanceof HeroApiError && ended.status > 0 ? ended.status : undefined, error: ended }, attempts);
      throw ended;
    }
  };
}

/** What the call rejects with: the caller's abort typed, and every HeroError marked. */
function endedWith(call: PreparedCall, thrown: unknown, mayHaveBeenProcessed: boolean): unknown {
  const { callerSignal } = call;
  if (callerSignal?.aborted && thrown === callerSignal.reason) {
    return errorFromAbort(thrown, { method: call.method, path: call.path(), operationId: call.meta?.operationId, mayHaveBeenProcessed });
  }
  return thrown instanceof HeroError ? withProcessedVerdict(thrown, mayHaveBeenProcessed) : thrown;
}

/** What the log line of one finished attempt says (attempt-log.ts). */
function attemptRecord(
  call: PreparedCall,
  attempt: number,
  startedAt: number,
  now: () => number,
  outcome: Pick<AttemptRecord, 'status' | 'error' | 'retry' | 'stop' | 'requestId'>,
): AttemptRecord {
  return { method: call.method, path: call.path(), operationId: call.meta?.operationId, attempt, durationMs: now() - startedAt, ...outcome };
}
