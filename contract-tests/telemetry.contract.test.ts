/**
 * Issue 26's promise over a whole contract run: with an OpenTelemetry SDK registered globally
 * (in memory here), every case of the suite goes through the client's telemetry, and no span
 * name, attribute, event or status message, and no metric point attribute, holds a value the
 * run sent or received: not the key, nor any example value of the spec (NHS numbers, names,
 * dates of birth, contact details, message text, ids), nor anything shaped like them.
 * Attribute keys come from a fixed list; templates and operation ids must be the spec's own.
 */
import { metrics, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../src/contract/run.js';
import type { LoadedSpec } from '../src/contract/spec.js';
import { createInMemoryTelemetry } from '../test/helpers/otel.js';
import { loadContractSetup } from './setup/context.js';

// Registered before the suite's clients make their first call: they read the global providers then.
const otel = createInMemoryTelemetry();
trace.setGlobalTracerProvider(otel.tracerProvider);
metrics.setGlobalMeterProvider(otel.meterProvider);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
afterAll(async () => {
  trace.disable();
  metrics.disable();
  propagation.disable();
  await otel.shutdown();
});

const setup = await loadContractSetup();

/** Every attribute key the client may write (src/telemetry/attributes.ts and rate-limit-metrics.ts). */
const ALLOWED_KEYS = new Set([
  'http.request.method',
  'url.template',
  'url.scheme',
  'server.address',
  'server.port',
  'http.response.status_code',
  'error.type',
  'http.request.resend_count',
  'hero.operation_id',
  'hero.attempts',
  'hero.retry.reason',
  'hero.rate_limit.hold_reason',
  'hero.rate_limit.mode',
]);

/** Every string and long number in the spec's examples: what the suite sends and Prism answers. */
function exampleValues(spec: LoadedSpec): Set<string> {
  const values = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') values.add(value);
    else if (typeof value === 'number' && String(value).length >= 6) values.add(String(value));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') for (const [key, v] of Object.entries(value)) (walk(key), walk(v));
  };
  for (const op of spec.operations) {
    for (const p of op.parameters) p.examples.forEach((e) => walk(e.value));
    for (const m of op.requestBody?.content ?? []) m.examples.forEach((e) => walk(e.value));
    for (const r of op.responses) for (const m of r.content) m.examples.forEach((e) => walk(e.value));
  }
  return values;
}

describe('telemetry over a full contract run', () => {
  if (setup.skipReason) {
    it.skip(`no attribute holds patient data, a body value or the key — ${setup.skipReason}`, () => {});
    return;
  }
  const ctx = setup.ctx!;

  it('every operation traced; no span or metric carries the key, an example value or anything shaped like patient data', async () => {
    const report = await runSuite(ctx, { selfChecks: false });
    expect(report.results.length).toBeGreaterThan(100);

    const templates = new Set(ctx.spec.operations.map((op) => op.path));
    const operationIds = new Set(ctx.spec.operations.map((op) => op.operationId));
    const spanNames = new Set([...ctx.spec.operations.flatMap((op) => [`hero.${op.operationId}`, `${op.method.toUpperCase()} ${op.path}`])]);
    // Values an attribute may equal although the spec's examples also hold them (an example id "GET"…).
    const vocabulary = new Set([...templates, ...operationIds, ...spanNames, new URL(ctx.target.baseUrl).hostname]);
    const canaries = [ctx.target.apiKey, ...[...exampleValues(ctx.spec)].filter((v) => v.length >= 4 && !vocabulary.has(v))];
    expect(canaries.length).toBeGreaterThan(20);
    // Shapes of patient data and secrets, whatever their source: an NHS number, a date, an email address, a key.
    const shapes = [/\d{10}/, /\d{4}-\d{2}-\d{2}/, /@/, /hk_|sk_|key/i];

    const problems: string[] = [];
    const check = (where: string, key: string, value: unknown): void => {
      if (!ALLOWED_KEYS.has(key)) problems.push(`${where}: unexpected attribute key ${key}`);
      if (typeof value !== 'string' && typeof value !== 'number') return void problems.push(`${where}: ${key} is a ${typeof value}`);
      const text = String(value);
      if (key === 'url.template' && !templates.has(text)) problems.push(`${where}: url.template is not a spec path`);
      if (key === 'hero.operation_id' && !operationIds.has(text)) problems.push(`${where}: hero.operation_id is not a spec operation`);
      if (vocabulary.has(text)) return;
      for (const canary of canaries) if (text.includes(canary)) problems.push(`${where}: ${key} holds a value the run sent or received`);
      for (const shape of shapes) if (shape.test(text)) problems.push(`${where}: ${key} matches ${shape}`);
    };

    const spans = otel.spans();
    expect(spans.length).toBeGreaterThan(report.results.length);
    for (const span of spans) {
      const where = `span ${span.name}`;
      if (!spanNames.has(span.name) && !/^[A-Z]+$/.test(span.name)) problems.push(`${where}: unexpected span name`);
      if (span.status.message) problems.push(`${where}: has a status message`);
      for (const [key, value] of Object.entries(span.attributes)) check(where, key, value);
      for (const event of span.events) for (const [key, value] of Object.entries(event.attributes ?? {})) check(`${where} event ${event.name}`, key, value);
      for (const link of span.links) for (const [key, value] of Object.entries(link.attributes ?? {})) check(`${where} link`, key, value);
    }
    // Every operation of the spec went through the client's telemetry.
    const traced = new Set(spans.map((s) => s.attributes['hero.operation_id']));
    expect([...operationIds].filter((id) => !traced.has(id))).toEqual([]);

    let points = 0;
    for (const resource of await otel.metrics()) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints as { attributes: Record<string, unknown> }[]) {
            points++;
            for (const [key, value] of Object.entries(point.attributes)) check(`metric ${metric.descriptor.name}`, key, value);
          }
        }
      }
    }
    expect(points).toBeGreaterThan(0);
    expect([...new Set(problems)]).toEqual([]);
  });
});
