/**
 * One log line per attempt, for the `logger` option and `HERO_DEBUG=1`. Lines name the
 * method, the operation and path TEMPLATE (`/v1/patients/{id}`, never the filled path or the
 * query: ids and search terms can be patient data), status or error code, duration, attempt
 * number, the response's request id and what happens next (retry and why, or why not). Never
 * headers or bodies. `console` gets the line alone; pino, bunyan and winston get the fields too.
 */
import { HeroConfigError, HeroNetworkError, HeroTimeoutError, type HeroApiError } from '../errors.js';
import type { HeroAttemptLogFields, HeroLogFn, HeroLogFormat, HeroLogger, RetryDecision, RetryReason, StopReason } from './types.js';

/** What the transport reports about one finished attempt. */
export interface AttemptRecord {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly attempt: number;
  readonly durationMs: number;
  /** The response status, for an attempt that got one. */
  readonly status?: number | undefined;
  /** The failure, for an attempt that ended without a 2xx. */
  readonly error?: unknown;
  /** Set when the failure is retried. */
  readonly retry?: { readonly reason: RetryReason; readonly delayMs: number } | undefined;
  /** Set when the failure ends the call. */
  readonly stop?: StopReason | 'deadline' | 'retry-budget' | undefined;
  /** The response's request id, as request-id.ts reads it. */
  readonly requestId?: string | undefined;
}

/** Writes one attempt's line to `logger` in `format`. Logging never fails a call: a throwing logger is ignored. */
export function logAttempt(logger: HeroLogger, format: HeroLogFormat, record: AttemptRecord): void {
  const fields: { -readonly [K in keyof HeroAttemptLogFields]: HeroAttemptLogFields[K] } = {
    method: record.method,
    path: record.path,
    operationId: record.operationId,
    attempt: record.attempt,
    durationMs: Math.round(record.durationMs),
  };
  const error = record.error as Partial<HeroApiError> | undefined;
  let outcome: string;
  if (error === undefined || (typeof error.status === 'number' && error.status > 0)) {
    fields.status = record.status ?? error?.status;
    outcome = String(fields.status);
  } else {
    fields.code = codeOf(record.error);
    if (record.error instanceof HeroNetworkError && record.error.host !== undefined) fields.host = record.error.host;
    outcome = fields.host === undefined ? `failed (${fields.code})` : `failed (${fields.code}) to ${fields.host}`;
  }
  if (record.requestId !== undefined) fields.requestId = record.requestId;
  const operation = record.operationId === undefined ? '' : `${record.operationId} `;
  const requestId = record.requestId === undefined ? '' : `, request-id ${record.requestId}`;
  let message = `hero ${operation}${record.method} ${record.path}: ${outcome} in ${fields.durationMs} ms (attempt ${record.attempt}${requestId})`;
  let level: keyof HeroLogger = 'debug';
  if (record.retry !== undefined) {
    fields.retryReason = record.retry.reason;
    fields.retryDelayMs = Math.round(record.retry.delayMs);
    message += `; retrying in ${fields.retryDelayMs} ms (${record.retry.reason})`;
    level = 'info';
  } else if (record.error !== undefined) {
    if (record.stop !== undefined) {
      fields.stopReason = record.stop;
      message += `; not retried (${record.stop})`;
    }
    level = 'warn';
  }
  try {
    if (format === 'line') (logger[level] as unknown as (message: string) => void)(message);
    else if (format === 'winston') (logger[level] as unknown as (message: string, fields: HeroAttemptLogFields) => void)(message, fields);
    else logger[level](fields, message);
  } catch {
    // A broken logger must not turn a successful call into a failure.
  }
}

function codeOf(error: unknown): string {
  if (error instanceof HeroTimeoutError) return error.kind === 'deadline' ? 'deadline' : 'timeout';
  if (error instanceof HeroNetworkError) return error.code ?? 'network';
  if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError') return 'aborted';
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : 'error';
}

/** Writes the line to stderr (`console.error`), as `HERO_DEBUG=1` asks; called in the `'line'` format. */
const stderrLog = ((message: string) => console.error(message)) as unknown as HeroLogFn;

/** The logger `HERO_DEBUG=1` turns on: every line to `console.error`. */
export const stderrLogger: HeroLogger = Object.freeze({ debug: stderrLog, info: stderrLog, warn: stderrLog, error: stderrLog });

const LOG_FORMATS: ReadonlySet<unknown> = new Set<HeroLogFormat>(['line', 'pino', 'winston']);

/**
 * The format for `logger`: the `logFormat` option when given (checked), else detected:
 * `'line'` for console (and the HERO_DEBUG logger), `'winston'` for a winston logger
 * (it has `transports` and `add`), `'pino'` for anything else.
 */
export function normalizeLogFormat(option: unknown, logger: HeroLogger | undefined): HeroLogFormat {
  if (option !== undefined) {
    if (LOG_FORMATS.has(option)) return option as HeroLogFormat;
    throw new HeroConfigError(`logFormat must be 'line', 'pino' or 'winston' (received ${typeof option === 'string' ? 'another string' : `a ${option === null ? 'null' : typeof option}`})`);
  }
  if (logger === undefined) return 'pino';
  const candidate = logger as unknown as Record<string, unknown>;
  if (logger === stderrLogger || logger === console || (typeof candidate.table === 'function' && typeof candidate.dir === 'function' && typeof candidate.group === 'function')) return 'line';
  if ('transports' in candidate && typeof candidate.add === 'function') return 'winston';
  return 'pino';
}

const DEBUG_ON = new Set(['1', 'true', 'yes', 'on']);

/**
 * The logger a client uses: the `logger` option (`false` for none), else {@link stderrLogger}
 * when `HERO_DEBUG` is `1`/`true`/`yes`/`on`, else none. Throws {@link HeroConfigError} for
 * a logger without the four methods.
 */
export function normalizeLogger(option: HeroLogger | false | undefined, env: Readonly<Record<string, string | undefined>>): HeroLogger | undefined {
  if (option === false) return undefined;
  if (option === undefined) return DEBUG_ON.has((env.HERO_DEBUG ?? '').trim().toLowerCase()) ? stderrLogger : undefined;
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  const missing = typeof option === 'object' && option !== null ? levels.filter((level) => typeof option[level] !== 'function') : levels;
  if (missing.length > 0) {
    throw new HeroConfigError(`logger must have debug, info, warn and error methods (console and pino loggers do); missing: ${missing.join(', ')}`);
  }
  return option;
}
