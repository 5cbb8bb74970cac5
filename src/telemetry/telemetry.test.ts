/**
 * Spans and metrics of real calls to a recording server on 127.0.0.1, read from an in-memory
 * OpenTelemetry SDK: a call span with one CLIENT span per attempt, semconv attributes with the
 * path template (never the URL with its ids), traceparent per attempt on the wire, durations,
 * retries and 429s; and what happens when `@opentelemetry/api` is not installed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClientOptions } from '../client.js';
import { HeroConfigError, HeroNotFoundError } from '../errors.js';
import { createInMemoryTelemetry, pointsOf, type InMemoryTelemetry } from '../../test/helpers/otel.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';
import { createObserveCall } from './observe.js';

const server = useFaultServer();
const apiKey = 'hk_test_telemetry_9c8d7e6f';
const nhsNumber = '9434765919';
let otel: InMemoryTelemetry;

beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
afterAll(() => propagation.disable());
afterEach(() => otel?.shutdown());

function hero(options: HeroClientOptions = {}) {
  otel = createInMemoryTelemetry();
  return createHeroClient({
    apiKey,
    practiceGroupId: '4242',
    baseUrl: server.url,
    env: {},
    rateLimit: false,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    ...options,
  });
}

/** A port nothing listens on: one the OS just handed out, closed again. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A synchronous context manager (no SDK's): enough for `context.with` in one tick. */
function stackContextManager(): ContextManager {
  const stack: Context[] = [ROOT_CONTEXT];
  const manager: ContextManager = {
    active: () => stack[stack.length - 1]!,
    with: (active, fn, thisArg, ...args) => {
      stack.push(active);
      try {
        return fn.call(thisArg, ...args);
      } finally {
        stack.pop();
      }
    },
    bind: (_context, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

const byStart = <T extends { startTime: [number, number] }>(spans: T[]) => [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);

describe('traces', () => {
  it('one call retried twice: one call span, three attempt spans with their status codes, url.template and traceparent', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 503 }, { type: 'respond', status: 200, body: { patient_id: '1' } });
    await hero().patients.get(nhsNumber);

    const spans = otel.spans();
    const calls = spans.filter((s) => s.kind === SpanKind.INTERNAL);
    const attempts = byStart(spans.filter((s) => s.kind === SpanKind.CLIENT));
    expect(calls).toHaveLength(1);
    expect(attempts).toHaveLength(3);
    const call = calls[0]!;
    expect(call.name).toBe('hero.getPatientById');
    expect(call.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.template': '/v1/patients/{id}', 'http.response.status_code': 200, 'hero.attempts': 3 });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    for (const attempt of attempts) {
      expect(attempt.name).toBe('GET /v1/patients/{id}');
      expect(attempt.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
      expect(attempt.spanContext().traceId).toBe(call.spanContext().traceId);
      expect(attempt.attributes).toMatchObject({ 'url.template': '/v1/patients/{id}', 'server.address': '127.0.0.1', 'server.port': server.port, 'url.scheme': 'http' });
    }
    expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([503, 503, 200]);
    expect(attempts.map((a) => a.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2]);
    expect(attempts.map((a) => a.attributes['error.type'])).toEqual(['503', '503', undefined]);
    expect(attempts.map((a) => a.attributes['hero.retry.reason'])).toEqual(['service-unavailable', 'service-unavailable', undefined]);
    expect(attempts.map((a) => a.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    // Each attempt carried its own span's context: the server can join its trace to ours.
    expect(server.requests.map((r) => r.headers.traceparent)).toEqual(attempts.map((a) => `00-${a.spanContext().traceId}-${a.spanContext().spanId}-01`));
    expect(JSON.stringify(spans.map((s) => [s.name, s.attributes]))).not.toContain(nhsNumber);
  });

  it('a 404 ends both spans in error with error.type "404" and no message text', async () => {
    server.enqueue({ type: 'respond', status: 404, body: { message: `Patient ${nhsNumber} not found` } });
    const error = await hero().patients.get(nhsNumber).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNotFoundError);
    const spans = otel.spans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes['error.type']).toBe('404');
      expect(span.attributes['http.response.status_code']).toBe(404);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
      expect(span.events).toEqual([]);
    }
  });

  it('a connection refused is error.type ECONNREFUSED; no status code', async () => {
    const client = hero({ baseUrl: `http://127.0.0.1:${await closedPort()}`, retry: { maxAttempts: 1 } });
    await expect(client.booking.listLocations()).rejects.toThrow();
    const [attempt] = otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(attempt?.attributes['error.type']).toBe('ECONNREFUSED');
    expect(attempt?.attributes['http.response.status_code']).toBeUndefined();
  });

  it('a hero.raw call outside the spec has no url.template and is named by its method alone', async () => {
    await hero().raw.GET(`/v1/not-in-the-spec/${nhsNumber}` as never);
    const spans = otel.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['GET', 'GET']);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(nhsNumber);
    expect(spans.every((s) => !('url.template' in s.attributes))).toBe(true);
  });

  it('the API with no SDK (global no-op tracer and meter): calls work, no traceparent although a propagator is registered', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200, body: {} });
    await hero({ telemetry: true }).booking.listLocations();
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => r.headers.traceparent)).toEqual([undefined, undefined]);
  });

  it('no SDK yet: a call gets no observer at all; an SDK registered later traces from its next call, and a span to continue is continued', async () => {
    const observe = createObserveCall({ required: true, tracerProvider: undefined, meterProvider: undefined });
    const call = { method: 'GET', template: '/v1/locations', operationId: 'listLocations', url: `${server.url}/v1/locations` };
    expect(await observe(call)).toBeUndefined();
    expect(observe(call)).toBeUndefined();
    // A trace to continue (a span in the active context: a context manager, no tracer), even with no SDK: its context goes on the wire.
    context.setGlobalContextManager(stackContextManager());
    try {
      const parent = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
      const continued = context.with(trace.setSpan(context.active(), parent), () => observe(call));
      expect(continued).toBeDefined();
      expect((continued as Exclude<typeof continued, Promise<unknown> | undefined>).attempt(1).headers?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    } finally {
      context.disable();
    }
    otel = createInMemoryTelemetry();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    try {
      const observer = observe(call);
      expect(observer).toBeDefined();
      (observer as Exclude<typeof observer, Promise<unknown> | undefined>).end({ status: 200 }, 1);
      expect(otel.spans().map((span) => span.name)).toEqual(['hero.listLocations']);
    } finally {
      trace.disable();
    }
  });

  it('a meter provider without a tracer provider: every attempt measured, no spans, no traceparent', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200, body: {} });
    otel = createInMemoryTelemetry();
    const metricsOnly = createHeroClient({ apiKey, practiceGroupId: '4242', baseUrl: server.url, env: {}, rateLimit: false, retry: { baseDelayMs: 1, maxDelayMs: 2 }, telemetry: { meterProvider: otel.meterProvider } });
    await metricsOnly.booking.listLocations();
    expect(otel.spans()).toEqual([]);
    expect(server.requests.map((r) => r.headers.traceparent)).toEqual([undefined, undefined]);
    const metrics = await otel.metrics();
    expect(pointsOf(metrics, 'http.client.request.duration').map((p) => [p.attributes['http.response.status_code'], (p.value as { count: number }).count]).sort()).toEqual([
      [200, 1],
      [503, 1],
    ]);
    expect(pointsOf(metrics, 'hero.client.retries').map((p) => p.value)).toEqual([1]);
    expect(pointsOf(metrics, 'hero.client.call.duration').map((p) => (p.value as { count: number }).count)).toEqual([1]);
  });

  it('telemetry: false records nothing and sends no traceparent', async () => {
    await hero({ telemetry: false }).booking.listLocations();
    expect(otel.spans()).toEqual([]);
    expect(server.requests[0]?.headers.traceparent).toBeUndefined();
  });
});

describe('metrics', () => {
  it('http.client.request.duration per attempt, hero.client.call.duration per call, retries and 429s', async () => {
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': '0' } }, { type: 'respond', status: 503 }, { type: 'respond', status: 200, body: {} });
    await hero().booking.listLocations();
    const metrics = await otel.metrics();
    const requests = pointsOf(metrics, 'http.client.request.duration');
    expect(requests.map((p) => [p.attributes['http.response.status_code'], (p.value as { count: number }).count]).sort()).toEqual([
      [200, 1],
      [429, 1],
      [503, 1],
    ]);
    expect(requests[0]?.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.template': '/v1/locations', 'server.address': '127.0.0.1' });
    const calls = pointsOf(metrics, 'hero.client.call.duration');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ attributes: { 'http.response.status_code': 200 }, value: { count: 1 } });
    const retries = pointsOf(metrics, 'hero.client.retries');
    expect(retries.map((p) => [p.attributes['hero.retry.reason'], p.value]).sort()).toEqual([
      ['rate-limited', 1],
      ['service-unavailable', 1],
    ]);
    expect(pointsOf(metrics, 'hero.client.rate_limited').map((p) => p.value)).toEqual([1]);
  });
});

describe('without @opentelemetry/api installed', () => {
  const missing = () => Promise.reject(Object.assign(new Error("Cannot find package '@opentelemetry/api'"), { code: 'ERR_MODULE_NOT_FOUND' }));
  const call = { method: 'GET', template: '/v1/locations', operationId: 'listLocations', url: 'http://127.0.0.1:1/v1/locations' };

  it('left unset, telemetry is off: no observer, and later calls answer at once', async () => {
    const observe = createObserveCall({ required: false, tracerProvider: undefined, meterProvider: undefined }, { load: missing });
    expect(await observe(call)).toBeUndefined();
    expect(observe(call)).toBeUndefined();
  });

  it('asked for (`telemetry: true`), every call fails with a HeroConfigError saying what to install', async () => {
    const observe = createObserveCall({ required: true, tracerProvider: undefined, meterProvider: undefined }, { load: missing });
    for (let i = 0; i < 2; i++) {
      const error = await Promise.resolve(observe(call)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroConfigError);
      expect((error as Error).message).toContain('npm install @opentelemetry/api');
    }
  });

  it('another failure while loading is not hidden', async () => {
    const broken = () => Promise.reject(new SyntaxError('broken install'));
    const observe = createObserveCall({ required: false, tracerProvider: undefined, meterProvider: undefined }, { load: broken });
    await expect(Promise.resolve(observe(call))).rejects.toThrow('broken install');
  });
});
