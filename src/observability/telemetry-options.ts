/**
 * The `telemetry` option: OpenTelemetry traces and metrics through `@opentelemetry/api`, an
 * optional peer. The providers are described structurally here, so this package's types never
 * name the peer and compile without it installed.
 */
import { isOptionsObject, typeName } from '../validation/type-name.js';

/** An OpenTelemetry `TracerProvider` (from `@opentelemetry/api`): what the client uses of one. */
export interface HeroTracerProvider {
  /** The tracer for instrumentation scope `name` (this package's name) at `version`. */
  getTracer(name: string, version?: string): object;
}

/** An OpenTelemetry `MeterProvider` (from `@opentelemetry/api`): what the client uses of one. */
export interface HeroMeterProvider {
  /** The meter for instrumentation scope `name` (this package's name) at `version`. */
  getMeter(name: string, version?: string): object;
}

/**
 * Where the client's spans and metrics go. Each provider defaults to the global one
 * (`trace.getTracerProvider()`, `metrics.getMeterProvider()`), i.e. whatever your
 * OpenTelemetry SDK registered; pass your own to keep this client's telemetry apart.
 */
export interface HeroTelemetryOptions {
  /** Spans go here. @default the global tracer provider */
  tracerProvider?: HeroTracerProvider;
  /** Metrics go here. @default the global meter provider */
  meterProvider?: HeroMeterProvider;
}

/** The `telemetry` option, resolved: `false` for off. */
export type NormalizedTelemetry =
  | false
  | {
      /** True when the caller asked for telemetry (`true` or an object): a missing `@opentelemetry/api` is then an error. */
      readonly required: boolean;
      readonly tracerProvider: HeroTracerProvider | undefined;
      readonly meterProvider: HeroMeterProvider | undefined;
    };

const TELEMETRY_AUTO: NormalizedTelemetry = Object.freeze({ required: false, tracerProvider: undefined, meterProvider: undefined });
const TELEMETRY_REQUIRED: NormalizedTelemetry = Object.freeze({ required: true, tracerProvider: undefined, meterProvider: undefined });

/** The option names of {@link HeroTelemetryOptions}, for the unknown-option check. */
export const TELEMETRY_KEYS = ['tracerProvider', 'meterProvider'] as const satisfies readonly (keyof HeroTelemetryOptions)[];

/**
 * Resolves `telemetry`: `undefined` (on when `@opentelemetry/api` is installed), `true` (on; the
 * package must be installed), `false` (off), or providers. Adds a problem for anything else.
 */
export function normalizeTelemetry(value: unknown, problems: string[]): NormalizedTelemetry {
  if (value === undefined) return TELEMETRY_AUTO;
  if (value === false) return false;
  if (value === true) return TELEMETRY_REQUIRED;
  if (!isOptionsObject(value)) {
    problems.push(`\`telemetry\` must be true, false or an object { tracerProvider?, meterProvider? } (received ${typeName(value)})`);
    return false;
  }
  const { tracerProvider, meterProvider } = value;
  if (tracerProvider !== undefined && typeof (tracerProvider as { getTracer?: unknown } | null)?.getTracer !== 'function') {
    problems.push('`telemetry.tracerProvider` must be an OpenTelemetry TracerProvider (an object with getTracer)');
  }
  if (meterProvider !== undefined && typeof (meterProvider as { getMeter?: unknown } | null)?.getMeter !== 'function') {
    problems.push('`telemetry.meterProvider` must be an OpenTelemetry MeterProvider (an object with getMeter)');
  }
  return Object.freeze({
    required: true,
    tracerProvider: tracerProvider as HeroTracerProvider | undefined,
    meterProvider: meterProvider as HeroMeterProvider | undefined,
  });
}
