/**
 * Turns a non-2xx response into its typed error: the body read (and scrubbed of the
 * caller's key), headers redacted, `Retry-After`, a request id and a mock's violations parsed.
 */
import { errorFromStatus, type HeroApiError } from '../errors.js';
import { parseMockViolations } from './mock-violations.js';
import { redactResponseHeaders, redactSecrets } from './redaction.js';
import { parseRetryAfterMs } from './retry-after.js';

/**
 * Response headers that may carry a request id, checked in this order.
 * Hero documents no request-id header (reference guides §3 found none), so this is
 * a short list of common ones: a generic proxy id, AWS API Gateway's, and a
 * correlation id. Kept in one place so adding Hero's real header is a one-line change.
 */
export const REQUEST_ID_HEADERS: readonly string[] = ['x-request-id', 'x-amzn-requestid', 'x-correlation-id'];

/** Call details {@link errorFromResponse} cannot read from the response. */
export interface ErrorResponseContext {
  /** HTTP method, upper case. */
  method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  path: string;
  /** Spec operationId, when known. */
  operationId?: string | undefined;
  /** Secret values to scrub from the body and headers (see {@link secretsOf}). */
  secrets?: readonly string[] | undefined;
  /** Clock for HTTP-date `Retry-After` values. @default Date.now */
  nowMs?: number | undefined;
  /** The request URL, to resolve a relative `Location`. @default the response URL */
  url?: string | undefined;
}


/** Reads a body as JSON when it parses, else text; an empty body gives `undefined`. */
export function parseErrorBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Builds the typed error for a non-2xx response, consuming its body. The body is
 * read here because openapi-fetch reports an empty error body as `undefined`,
 * which would lose nothing but would also tell nothing; callers should not rely on it.
 */
export async function errorFromResponse(response: Response, context: ErrorResponseContext): Promise<HeroApiError> {
  const secrets = context.secrets ?? [];
  const text = redactSecrets(await response.text(), secrets);
  const headers = redactResponseHeaders(response.headers, secrets, context.url ?? response.url);
  const retryAfter = headers['retry-after'];
  let requestId: string | undefined;
  for (const name of REQUEST_ID_HEADERS) {
    requestId = headers[name];
    if (requestId !== undefined) break;
  }
  const violations = parseMockViolations(headers['sl-violations']);
  return errorFromStatus({
    ...(violations.length > 0 && { violations }),
    status: response.status,
    statusText: response.statusText,
    method: context.method,
    path: context.path,
    operationId: context.operationId,
    body: parseErrorBody(text),
    headers,
    retryAfterMs: retryAfter === undefined ? undefined : parseRetryAfterMs(retryAfter, context.nowMs ?? Date.now()),
    requestId,
  });
}
