/**
 * The one place a client's options are read: the options object and the environment
 * (`env`, else `process.env`, read here and nowhere else in the client). Every problem is
 * collected into one {@link HeroConfigError}; the rest of the client gets one resolved,
 * frozen object and never applies a default of its own.
 */
import { checkClientOptionsShape, normalizeConnection, type HeroConnectionOptions, type NormalizedConnection } from './config.js';
import { HeroConfigError } from './errors.js';
import { normalizeAppInfo, normalizeDefaultHeaders, userAgent, type HeroAppInfo } from './observability/identity.js';
import { normalizeTelemetry, TELEMETRY_KEYS, type HeroTelemetryOptions, type NormalizedTelemetry } from './observability/telemetry-options.js';
import { normalizeRateLimit, type NormalizedRateLimit, type RateLimitOptions } from './rate-limit/options.js';
import { normalizeTransportOptions } from './transport/options.js';
import type { NormalizedTransportOptions, TransportOptions } from './transport/types.js';
import { isOptionsObject, typeName } from './validation/type-name.js';
import { unknownKeyProblems } from './validation/unknown-keys.js';

/** Everything {@link resolveClientOptions} reads (the client's options type, HeroClientOptions, extends it). */
export interface ClientOptionsInput extends HeroConnectionOptions, TransportOptions {
  rateLimit?: RateLimitOptions | false;
  checkPatientIdentifiers?: boolean;
  appInfo?: HeroAppInfo;
  defaultHeaders?: Readonly<Record<string, string>>;
  telemetry?: boolean | HeroTelemetryOptions;
}

/** A client's settings, resolved once. */
export interface ResolvedClientOptions {
  readonly connection: NormalizedConnection;
  readonly transport: NormalizedTransportOptions;
  /** `false` when pacing is off. */
  readonly rateLimit: NormalizedRateLimit | false;
  readonly checkPatientIdentifiers: boolean;
  /** The caller's fetch, or `undefined` for the global one (looked up per call). */
  readonly fetch: ((request: Request) => Promise<Response>) | undefined;
  /** Headers every request carries under the credentials: `user-agent`, then `defaultHeaders` (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** OpenTelemetry settings; `false` for off. */
  readonly telemetry: NormalizedTelemetry;
}

type Env = Readonly<Record<string, string | undefined>>;

// Every option each object accepts; anything else is a mistake (named with the nearest of these).
const CLIENT_KEYS = [
  'apiKey',
  'practiceGroupId',
  'environment',
  'baseUrl',
  'fetch',
  'allowInsecureHttp',
  'env',
  'retry',
  'timeoutMs',
  'deadlineMs',
  'hooks',
  'logger',
  'logFormat',
  'rateLimit',
  'checkPatientIdentifiers',
  'appInfo',
  'defaultHeaders',
  'telemetry',
] as const satisfies readonly (keyof ClientOptionsInput)[];
const RETRY_KEYS = ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'budget'] as const;
const BUDGET_KEYS = ['capacity', 'retryCost', 'timeoutRetryCost', 'successIncrement'] as const;
const HOOK_KEYS = ['onRequest', 'onResponse', 'onRetry'] as const;
const APP_INFO_KEYS = ['name', 'version', 'url'] as const satisfies readonly (keyof HeroAppInfo)[];
const RATE_LIMIT_KEYS = ['requestsPerSecond', 'burst', 'maxInFlight', 'maxWaitMs', 'store', 'redisUrl', 'key'] as const satisfies readonly (keyof RateLimitOptions)[];

/** Options given that the client does not know, at every level, each with the nearest valid name. */
function unknownOptions(options: Record<string, unknown>): string[] {
  const problems = unknownKeyProblems(options, CLIENT_KEYS);
  const { retry, hooks, rateLimit, appInfo, telemetry } = options;
  if (isOptionsObject(retry)) {
    problems.push(...unknownKeyProblems(retry, RETRY_KEYS, 'retry.'));
    if (isOptionsObject(retry.budget)) problems.push(...unknownKeyProblems(retry.budget, BUDGET_KEYS, 'retry.budget.'));
  }
  if (isOptionsObject(hooks)) problems.push(...unknownKeyProblems(hooks, HOOK_KEYS, 'hooks.'));
  if (isOptionsObject(rateLimit)) problems.push(...unknownKeyProblems(rateLimit, RATE_LIMIT_KEYS, 'rateLimit.'));
  if (isOptionsObject(appInfo)) problems.push(...unknownKeyProblems(appInfo, APP_INFO_KEYS, 'appInfo.'));
  if (isOptionsObject(telemetry)) problems.push(...unknownKeyProblems(telemetry, TELEMETRY_KEYS, 'telemetry.'));
  return problems;
}

/** The problems a normaliser that throws reported, added to `problems`; its result otherwise. */
function collect<T>(problems: string[], normalize: () => T): T | undefined {
  try {
    return normalize();
  } catch (error) {
    if (!(error instanceof HeroConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** `env`, else the process environment; a problem when `env` is not an object. */
function readEnv(options: { env?: unknown }, problems: string[]): Env {
  const env = options.env ?? process.env;
  if (typeof env === 'object' && env !== null) return env as Env;
  problems.push(`\`env\` must be an object of variables (received ${typeName(env)})`);
  return {};
}

/**
 * Resolves a client's options: shape, unknown names, connection, transport, pacing. Throws
 * one {@link HeroConfigError} listing every problem, before anything is built or sent.
 */
export function resolveClientOptions(options: ClientOptionsInput = {}): ResolvedClientOptions {
  checkClientOptionsShape(options);
  const problems = unknownOptions(options as Record<string, unknown>);
  const env = readEnv(options, problems);
  const { checkPatientIdentifiers = true } = options;
  if (typeof checkPatientIdentifiers !== 'boolean') problems.push('`checkPatientIdentifiers` must be true or false');
  const connection = normalizeConnection(options, env, problems);
  const appInfo = normalizeAppInfo(options.appInfo, problems);
  // The credentials are set after these (client.ts), so a default header can never replace them.
  const headers = Object.freeze({ ...normalizeDefaultHeaders(options.defaultHeaders, problems), 'user-agent': userAgent(appInfo) });
  const telemetry = normalizeTelemetry(options.telemetry, problems);
  const transport = collect(problems, () => normalizeTransportOptions(options, { HERO_DEBUG: env.HERO_DEBUG }));
  if (problems.length > 0 || connection === undefined || transport === undefined) throw new HeroConfigError(problems);
  // Last: with a Redis URL this opens a store, which must not happen for options that fail.
  const rateLimit = normalizeRateLimit(options.rateLimit, {
    apiKey: connection.apiKey,
    practiceGroupId: connection.practiceGroupId,
    env: { HERO_RATE_LIMIT_REDIS_URL: env.HERO_RATE_LIMIT_REDIS_URL, HERO_RATE_LIMIT_KEY: env.HERO_RATE_LIMIT_KEY },
  });
  return Object.freeze({ connection, transport, rateLimit, checkPatientIdentifiers, fetch: options.fetch, headers, telemetry });
}

/** The connection part alone, as {@link resolveClientOptions} reads it (for tests and tools). */
export function resolveConnection(options: HeroConnectionOptions): NormalizedConnection {
  const problems: string[] = [];
  const env = readEnv(options, problems);
  const connection = normalizeConnection(options, env, problems);
  if (problems.length > 0 || connection === undefined) throw new HeroConfigError(problems);
  return connection;
}
