/**
 * Span and metric attributes, by the OpenTelemetry HTTP client semantic conventions
 * (semconv 1.2x, stable HTTP): method, `url.template` (never the filled URL, whose path and
 * query hold ids), server address and port, status code and a low-cardinality `error.type`.
 * Nothing here reads a body, a header or a path value.
 */
import { HeroError, HeroNetworkError } from '../errors.js';
import type { ObservedCall } from '../transport/types.js';

export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_URL_TEMPLATE = 'url.template';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';
/** The spec's operationId (this SDK's own attribute). */
export const ATTR_HERO_OPERATION = 'hero.operation_id';
/** Attempts a call made (call spans). */
export const ATTR_HERO_ATTEMPTS = 'hero.attempts';
/** Why a failed attempt is retried (attempt spans, the retry counter). */
export const ATTR_HERO_RETRY_REASON = 'hero.retry.reason';

/** Why an attempt was held back by rate limiting (the holds counter): `pacing` or `retry_after`. */
export const ATTR_HERO_HOLD_REASON = 'hero.rate_limit.hold_reason';

/** Attribute values: strings and numbers only. */
export type Attributes = Record<string, string | number>;

// The methods semconv names; anything else is reported as `_OTHER` (a custom method is free text).
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/**
 * The attributes every span and measurement of a call shares. The URL gives the scheme, host
 * and port only; a call that is not a spec operation has no template, and then no path at all.
 */
export function callAttributes(call: ObservedCall): Attributes {
  const url = new URL(call.url);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: KNOWN_METHODS.has(call.method) ? call.method : '_OTHER',
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port),
    [ATTR_URL_SCHEME]: url.protocol.slice(0, -1),
  };
  if (call.template !== undefined) attributes[ATTR_URL_TEMPLATE] = call.template;
  if (call.operationId !== undefined) attributes[ATTR_HERO_OPERATION] = call.operationId;
  return attributes;
}

/** The span name semconv asks for: `{method} {url.template}`, or `{method}` without a template. */
export function spanName(call: ObservedCall): string {
  const method = KNOWN_METHODS.has(call.method) ? call.method : 'HTTP';
  return call.template === undefined ? method : `${method} ${call.template}`;
}

/**
 * `error.type`, low cardinality and free of caller data: the status code for an HTTP error,
 * the system error code of a network failure (`ECONNREFUSED`), the HeroError class otherwise
 * (`HeroTimeoutError`, `HeroAbortError`), `_OTHER` for anything else (a hook's own error).
 */
export function errorType(status: number | undefined, error: unknown): string | undefined {
  if (status !== undefined && status >= 400) return String(status);
  if (error === undefined) return undefined;
  if (error instanceof HeroNetworkError && error.name === 'HeroNetworkError' && error.code !== undefined && /^[A-Z][A-Z0-9_]{1,40}$/.test(error.code)) return error.code;
  if (error instanceof HeroError) return error.name;
  return '_OTHER';
}
