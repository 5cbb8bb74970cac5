/** Traces and metrics of every call, printed by OpenTelemetry's console exporters. */
import { createHeroClient } from '@hero-sdk/hero-health';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export async function tracedCalls(baseUrl: string) {
  // A service usually starts its OpenTelemetry SDK once (e.g. @opentelemetry/sdk-node) and passes
  // nothing here: the client then reports to the global providers. These two print to stdout.
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
  const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const hero = createHeroClient({ baseUrl, apiKey: 'test', practiceGroupId: '1', appInfo: { name: 'acme-recall', version: '2.3.1' }, telemetry: { tracerProvider, meterProvider } });

  // Spans: "hero.listLocations" (the call), "GET /v1/locations" (each attempt, as a CLIENT span).
  const { data, response } = await hero.booking.listLocations().withResponse();
  console.log(`${response.status} in ${response.elapsedMs} ms, ${response.attempts} attempt(s), request id ${response.requestId ?? 'none'}`);

  await meterProvider.shutdown(); // exports the metrics once more: durations, retries, 429s, rate limit
  await tracerProvider.shutdown();
  await hero.close();
  return data;
}
