/**
 * Loads `@opentelemetry/api`, the optional peer, on a client's first call (never at import):
 * absent, telemetry is simply off unless the caller asked for it, and then each call fails
 * with a HeroConfigError saying what to install.
 */
import type * as OpenTelemetryApi from '@opentelemetry/api';
import { HeroConfigError } from '../errors.js';

/** The parts of `@opentelemetry/api` the client uses. */
export type OtelApi = Pick<typeof OpenTelemetryApi, 'trace' | 'metrics' | 'context' | 'propagation' | 'SpanKind' | 'SpanStatusCode' | 'ValueType' | 'isSpanContextValid'> &
  Partial<Pick<typeof OpenTelemetryApi, 'createNoopMeter' | 'ProxyTracerProvider'>>;

/** Loads the API module; tests pass one that fails. Must stay the literal `import()` so bundlers see the specifier. */
export type LoadOtelApi = () => Promise<unknown>;

export const loadOtelApiModule: LoadOtelApi = () => import('@opentelemetry/api');

export const OTEL_INSTALL_HINT = 'npm install @opentelemetry/api';

/**
 * The API, or `undefined` when it is not installed and `required` is false. Throws
 * {@link HeroConfigError} when it is required and missing; any other load failure as it is.
 */
export async function loadOtelApi(required: boolean, load: LoadOtelApi = loadOtelApiModule): Promise<OtelApi | undefined> {
  let module: Partial<OtelApi> & { default?: Partial<OtelApi> };
  try {
    module = (await load()) as Partial<OtelApi> & { default?: Partial<OtelApi> };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    if (!required) return undefined;
    throw new HeroConfigError(`\`telemetry\` needs the @opentelemetry/api package, an optional peer dependency: ${OTEL_INSTALL_HINT} (or leave \`telemetry\` unset to trace only when it is installed)`);
  }
  // The CommonJS build may see the namespace under `default`.
  const api = module.trace !== undefined ? module : module.default;
  if (api?.trace === undefined || api.metrics === undefined || api.context === undefined || api.propagation === undefined || api.isSpanContextValid === undefined) {
    if (!required) return undefined;
    throw new HeroConfigError('`telemetry`: the installed @opentelemetry/api is too old (1.4 or later is needed)');
  }
  return api as OtelApi;
}
