/**
 * The transport's telemetry (its `observe` dependency): a span per call, a CLIENT span per
 * attempt under it carrying `traceparent` on the wire, and the metrics of instruments.ts.
 * `@opentelemetry/api` is loaded on the first call (load-api.ts); absent, every later call
 * costs one function call. With the API but no SDK (the default when the package is merely
 * installed), a call starts one no-op span to learn that nothing records it, and then builds
 * no attempt spans, contexts or metric attributes: nothing a no-op tracer and meter would drop.
 */
import type { Context, Meter, Span, Tracer } from '@opentelemetry/api';
import type { NormalizedTelemetry } from '../observability/telemetry-options.js';
import { sdkVersion } from '../observability/sdk-version.js';
import type { AttemptObserver, CallObserver, ObservedCall, ObservedOutcome } from '../transport/types.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HERO_ATTEMPTS,
  ATTR_HERO_HOLD_REASON,
  ATTR_HERO_RETRY_REASON,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  callAttributes,
  errorType,
  spanName,
  type Attributes,
} from './attributes.js';
import { instrumentsFor, type HeroInstruments } from './instruments.js';
import type { LoadOtelApi, OtelApi } from './load-api.js';

/** The instrumentation scope name spans and metrics are reported under. */
export const TELEMETRY_SCOPE = '@hero-sdk/hero-health';

/** Options of `createObserveCall` (observe.ts). */
export interface ObserveCallOptions {
  /** Loads `@opentelemetry/api`; tests pass a failing one. @default the real dynamic import */
  load?: LoadOtelApi;
  /** Called once the API is loaded, with the client's meter (the rate-limit gauges register there). */
  onMeter?: (api: OtelApi, meter: Meter) => void;
}

/** What every call of one client shares once the API is loaded. */
interface Scope {
  readonly api: OtelApi;
  readonly tracer: Tracer;
  /** `undefined` when the meter is the API's no-op meter (no SDK registered): nothing is measured. */
  readonly instruments: HeroInstruments | undefined;
}

/**
 * The `observe` function of one client once `@opentelemetry/api` has loaded (observe.ts loads
 * this file with it, on the first call).
 */
export function observeWith(api: OtelApi, settings: Exclude<NormalizedTelemetry, false>, options: ObserveCallOptions): (call: ObservedCall) => CallObserver | undefined {
  const version = sdkVersion();
  const provider = settings.tracerProvider ?? api.trace.getTracerProvider();
  const tracer = provider.getTracer(TELEMETRY_SCOPE, version) as Tracer;
  const meter = (settings.meterProvider ?? api.metrics.getMeterProvider()).getMeter(TELEMETRY_SCOPE, version) as Meter;
  options.onMeter?.(api, meter);
  // Without an SDK the global meter is the no-op one for good (metrics have no proxy): skip the measurements.
  const noopMeter = api.createNoopMeter !== undefined && meter.constructor === api.createNoopMeter().constructor;
  const scope: Scope = { api, tracer, instruments: noopMeter ? undefined : instrumentsFor(api, meter) };
  const attributesOf = createAttributeCache();
  const observe = (call: ObservedCall): CallObserver => new CallTelemetry(scope, call, attributesOf(call));
  if (scope.instruments !== undefined || settings.tracerProvider !== undefined || api.ProxyTracerProvider === undefined || !(provider instanceof api.ProxyTracerProvider)) return observe;
  // The API installed and no SDK registered (the default for anyone who merely has the package): the
  // global provider is a proxy without a delegate, so a call would start a no-op span only to learn
  // that nothing records it (3-5% of a loopback GET's client CPU, bench:otel). Checked per call, a
  // field read, so an SDK started later traces from its next call on; a trace to continue (a span
  // in the active context) still gets attempt spans and traceparent.
  const globalProxy = provider;
  let sdkSeen = false;
  return (call) => {
    if (!sdkSeen) {
      if (globalProxy.getDelegateTracer(TELEMETRY_SCOPE, version) !== undefined) sdkSeen = true;
      else if (api.trace.getSpan(api.context.active()) === undefined) return undefined;
    }
    return observe(call);
  };
}

/**
 * callAttributes() per call parses the URL; a client sends to one origin and a few dozen
 * templates, so the attributes are kept per origin, method and template (bounded).
 */
function createAttributeCache(): (call: ObservedCall) => Readonly<Attributes> {
  const cache = new Map<string, Readonly<Attributes>>();
  return (call) => {
    const slash = call.url.indexOf('/', call.url.indexOf('//') + 2);
    const key = `${call.method} ${slash === -1 ? call.url : call.url.slice(0, slash)} ${call.template ?? ''} ${call.operationId ?? ''}`;
    let attributes = cache.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze(callAttributes(call));
      if (cache.size >= 512) cache.clear();
      cache.set(key, attributes);
    }
    return attributes;
  };
}

/** One call: its INTERNAL span and duration; attempts nest under it. */
class CallTelemetry implements CallObserver {
  readonly span: Span;
  /** The call span's context, for its attempts; `undefined` when there is no trace to continue. */
  readonly context: Context | undefined;
  readonly startedAt = performance.now();

  constructor(
    readonly scope: Scope,
    readonly call: ObservedCall,
    readonly attributes: Readonly<Attributes>,
  ) {
    const { api, tracer } = scope;
    const parent = api.context.active();
    this.span = tracer.startSpan(call.operationId === undefined ? spanName(call) : `hero.${call.operationId}`, { kind: api.SpanKind.INTERNAL, attributes }, parent);
    // A span that records nothing and carries no valid trace (no SDK, or nothing sampled in and
    // no trace to continue): its attempts would be the same, and a propagator writes nothing for it.
    this.context = this.span.isRecording() || api.isSpanContextValid(this.span.spanContext()) ? api.trace.setSpan(parent, this.span) : undefined;
  }

  attempt(attempt: number): AttemptObserver {
    if (this.context !== undefined) return new AttemptTelemetry(this, this.context, attempt);
    return this.scope.instruments === undefined ? UNTRACED_UNMEASURED_ATTEMPT : new MeasuredAttempt(this);
  }

  held(): void {
    this.scope.instruments?.holds.add(1, { ...this.attributes, [ATTR_HERO_HOLD_REASON]: 'pacing' });
  }

  end(outcome: ObservedOutcome, attempts: number): void {
    const { span, scope, attributes } = this;
    const type = errorType(outcome.status, outcome.error);
    if (span.isRecording()) {
      span.setAttribute(ATTR_HERO_ATTEMPTS, attempts);
      if (outcome.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
      if (type !== undefined) {
        span.setAttribute(ATTR_ERROR_TYPE, type);
        // No description: an error's message is free text.
        span.setStatus({ code: scope.api.SpanStatusCode.ERROR });
      }
    }
    span.end();
    scope.instruments?.callDuration.record((performance.now() - this.startedAt) / 1000, withOutcome(attributes, outcome.status, type));
  }
}

/** An attempt with no trace to record or continue: nothing to do at all when nothing is measured either. */
const UNTRACED_UNMEASURED_ATTEMPT: AttemptObserver = Object.freeze({ headers: undefined, run: <T>(send: () => T): T => send(), end: () => {} });

/** An attempt with no trace but a real meter: its metrics only. */
class MeasuredAttempt implements AttemptObserver {
  readonly headers = undefined;
  private readonly startedAt = performance.now();

  constructor(private readonly call: CallTelemetry) {}

  run<T>(send: () => T): T {
    return send();
  }

  end(outcome: ObservedOutcome): void {
    recordAttempt(this.call, this.startedAt, outcome);
  }
}

/** One attempt: a CLIENT span, its trace context on the wire, and its duration. */
class AttemptTelemetry implements AttemptObserver {
  readonly headers: Readonly<Record<string, string>> | undefined;
  private readonly span: Span;
  private readonly context: Context;
  private readonly startedAt = performance.now();

  constructor(
    private readonly call: CallTelemetry,
    parent: Context,
    attempt: number,
  ) {
    const { api, tracer } = call.scope;
    const attributes = attempt > 1 ? { ...call.attributes, [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1 } : call.attributes;
    this.span = tracer.startSpan(spanName(call.call), { kind: api.SpanKind.CLIENT, attributes }, parent);
    this.context = api.trace.setSpan(parent, this.span);
    // traceparent (and whatever else the registered propagator writes), for this attempt's span.
    const carrier: Record<string, string> = {};
    api.propagation.inject(this.context, carrier);
    this.headers = hasKeys(carrier) ? carrier : undefined;
  }

  run<T>(send: () => T): T {
    return this.call.scope.api.context.with(this.context, send);
  }

  end(outcome: ObservedOutcome): void {
    const { span } = this;
    const { scope } = this.call;
    const type = errorType(outcome.status, outcome.error);
    if (span.isRecording()) {
      if (outcome.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
      if (outcome.retry !== undefined) span.setAttribute(ATTR_HERO_RETRY_REASON, outcome.retry);
      if (type !== undefined) {
        span.setAttribute(ATTR_ERROR_TYPE, type);
        span.setStatus({ code: scope.api.SpanStatusCode.ERROR });
      }
    }
    span.end();
    recordAttempt(this.call, this.startedAt, outcome, type);
  }
}

/** An attempt's metrics: its duration, a 429, a retry and a Retry-After hold. */
function recordAttempt(call: CallTelemetry, startedAt: number, outcome: ObservedOutcome, type = errorType(outcome.status, outcome.error)): void {
  const { instruments } = call.scope;
  if (instruments === undefined) return;
  const { attributes } = call;
  instruments.requestDuration.record((performance.now() - startedAt) / 1000, withOutcome(attributes, outcome.status, type));
  if (outcome.status === 429) instruments.rateLimited.add(1, attributes);
  if (outcome.retry === 'rate-limited') instruments.holds.add(1, { ...attributes, [ATTR_HERO_HOLD_REASON]: 'retry_after' });
  if (outcome.retry !== undefined) instruments.retries.add(1, { ...attributes, [ATTR_HERO_RETRY_REASON]: outcome.retry });
}

function withOutcome(attributes: Readonly<Attributes>, status: number | undefined, type: string | undefined): Attributes {
  const measured: Attributes = { ...attributes };
  if (status !== undefined) measured[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  if (type !== undefined) measured[ATTR_ERROR_TYPE] = type;
  return measured;
}

function hasKeys(record: Record<string, string>): boolean {
  for (const _ in record) return true;
  return false;
}
