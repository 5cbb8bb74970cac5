/**
 * An OpenTelemetry SDK in memory for tests: a tracer provider whose finished spans are kept,
 * a meter provider read on demand, and everything either produced flattened to text, so a
 * test can look for a planted value anywhere a span or metric could carry it.
 */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface InMemoryTelemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Spans finished so far. */
  spans(): ReadableSpan[];
  /** Drops the spans kept so far. */
  clear(): void;
  /** Collects the metrics now (cumulative since start). */
  metrics(): Promise<ResourceMetrics[]>;
  /** Every span name, status message, attribute (key and value), event and link, and every metric name, description and data point attribute, one entry each. */
  everything(): Promise<string[]>;
  shutdown(): Promise<void>;
}

export function createInMemoryTelemetry(): InMemoryTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported only when asked (forceFlush): no timer runs during the test.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const metrics = async (): Promise<ResourceMetrics[]> => {
    metricExporter.reset();
    await reader.forceFlush();
    return metricExporter.getMetrics();
  };
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    clear: () => spanExporter.reset(),
    metrics,
    async everything() {
      const out: string[] = [];
      for (const span of spanExporter.getFinishedSpans()) {
        out.push(span.name, span.status.message ?? '');
        for (const [key, value] of Object.entries(span.attributes)) out.push(key, String(value));
        for (const event of span.events) {
          out.push(event.name);
          for (const [key, value] of Object.entries(event.attributes ?? {})) out.push(key, String(value));
        }
        for (const link of span.links) for (const [key, value] of Object.entries(link.attributes ?? {})) out.push(key, String(value));
      }
      for (const resource of await metrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            out.push(metric.descriptor.name, metric.descriptor.description, metric.descriptor.unit);
            for (const point of metric.dataPoints as { attributes: Record<string, unknown> }[]) {
              for (const [key, value] of Object.entries(point.attributes)) out.push(key, String(value));
            }
          }
        }
      }
      return out;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The data points of metric `name`, with their attributes and value. */
export function pointsOf(resources: ResourceMetrics[], name: string): { attributes: Record<string, unknown>; value: unknown }[] {
  return resources.flatMap((resource) =>
    resource.scopeMetrics.flatMap((scope) =>
      scope.metrics.filter((metric) => metric.descriptor.name === name).flatMap((metric) => metric.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]),
    ),
  );
}
