/**
 * The rate controller's metrics through an in-memory OpenTelemetry SDK, with real calls to a
 * recording server on 127.0.0.1: the rate in force, the queue and in-flight counts while calls
 * wait, holds by reason (queued for a permit, a 429's Retry-After), and 429s.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHeroClient, type HeroClientOptions } from '../client.js';
import { createInMemoryTelemetry, pointsOf, type InMemoryTelemetry } from '../../test/helpers/otel.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

const server = useFaultServer();
const telemetries: InMemoryTelemetry[] = [];
afterEach(async () => {
  for (const otel of telemetries.splice(0)) await otel.shutdown();
});

function sdk(): InMemoryTelemetry {
  const otel = createInMemoryTelemetry();
  telemetries.push(otel);
  return otel;
}

function hero(otel: InMemoryTelemetry, options: HeroClientOptions = {}) {
  return createHeroClient({
    apiKey: 'hk_test_rate_metrics_1a2b3c',
    practiceGroupId: '4242',
    baseUrl: server.url,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    ...options,
  });
}

/** The value of each point of `name`, by `hero.rate_limit.mode` (or by hold reason for the holds counter). */
async function byKey(otel: InMemoryTelemetry, name: string, key = 'hero.rate_limit.mode'): Promise<Record<string, unknown>> {
  return Object.fromEntries(pointsOf(await otel.metrics(), name).map((p) => [String(p.attributes[key]), p.value]));
}

describe('rate controller metrics', () => {
  it('queued and in flight while calls wait for a permit; each wait counted as a pacing hold', async () => {
    const otel = sdk();
    // One slot: the first call is in flight while the server waits, the next two queue for its permit.
    const client = hero(otel, { rateLimit: { maxInFlight: 1 } });
    await client.booking.listLocations(); // loads the API, so the next calls reach the controller at once
    server.enqueue({ type: 'respond', status: 200, body: {}, delayMs: 150 });
    const calls = [client.booking.listLocations(), client.booking.listLocations(), client.booking.listLocations()];
    await vi.waitFor(async () => expect(await byKey(otel, 'hero.client.rate_limit.queued')).toEqual({ local: 2 }), { timeout: 1000, interval: 5 });
    expect(await byKey(otel, 'hero.client.rate_limit.in_flight')).toEqual({ local: 1 });
    // Unpaced (no limit known or learned): no rate point rather than Infinity.
    expect(pointsOf(await otel.metrics(), 'hero.client.rate_limit.rate')).toEqual([]);
    await Promise.all(calls);

    expect(await byKey(otel, 'hero.client.rate_limit.queued')).toEqual({ local: 0 });
    expect(await byKey(otel, 'hero.client.rate_limit.in_flight')).toEqual({ local: 0 });
    expect(await byKey(otel, 'hero.client.rate_limit.holds', 'hero.rate_limit.hold_reason')).toEqual({ pacing: 2 });
    const [hold] = pointsOf(await otel.metrics(), 'hero.client.rate_limit.holds');
    expect(hold?.attributes).toMatchObject({ 'url.template': '/v1/locations', 'http.request.method': 'GET' });
  });

  it('the known rate as the rate gauge', async () => {
    const otel = sdk();
    const client = hero(otel, { rateLimit: { requestsPerSecond: 7 } });
    await client.booking.listLocations();
    expect(await byKey(otel, 'hero.client.rate_limit.rate')).toEqual({ local: 7 });
  });

  it('a 429 is a retry_after hold and a rate_limited response', async () => {
    const otel = sdk();
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': '0' } }, { type: 'respond', status: 200, body: {} });
    await hero(otel).booking.listLocations();
    expect(await byKey(otel, 'hero.client.rate_limit.holds', 'hero.rate_limit.hold_reason')).toEqual({ retry_after: 1 });
    expect(pointsOf(await otel.metrics(), 'hero.client.rate_limited').map((p) => p.value)).toEqual([1]);
  });

  it('clients on one meter provider are summed; a closed client stops reporting', async () => {
    const otel = sdk();
    const first = hero(otel, { rateLimit: { requestsPerSecond: 3 } });
    const second = hero(otel, { rateLimit: { requestsPerSecond: 4 } });
    await Promise.all([first.booking.listLocations(), second.booking.listLocations()]);
    expect(await byKey(otel, 'hero.client.rate_limit.rate')).toEqual({ local: 7 });
    await first.close();
    expect(await byKey(otel, 'hero.client.rate_limit.rate')).toEqual({ local: 4 });
  });

  it('rateLimit: false: no controller, no rate-limit points', async () => {
    const otel = sdk();
    await hero(otel, { rateLimit: false }).booking.listLocations();
    const names = (await otel.metrics()).flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.dataPoints.length > 0).map((m) => m.descriptor.name)));
    expect(names.filter((n) => n.startsWith('hero.client.rate_limit.'))).toEqual([]);
    expect(names).toContain('hero.client.call.duration');
  });
});
