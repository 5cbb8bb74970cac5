/**
 * Turns a non-2xx response into its typed error: the body read (and scrubbed of the
 * caller's key), headers redacted, `Retry-After`, a request id and a mock's violations parsed,
 * and Hero's own message and 400 issues redacted for the message and logs.
 */
import { errorFromStatus, parseValidationIssues, type HeroApiError } from '../errors.js';
import { redactIssue, serverMessageOf, type FreeTextContext } from './free-text-redaction.js';
import { parseMockViolations } from './mock-violations.js';
import { redactResponseHeaders, redactSecrets } from './redaction.js';
import { requestIdOf } from './request-id.js';
import { parseRetryAfterMs } from './retry-after.js';

export { REQUEST_ID_HEADERS } from './request-id.js';

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
  /** The values the request carried (see prepare.ts), cut out of Hero's message wherever echoed. @default none */
  echoes?: (() => readonly string[]) | undefined;
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
  const requestId = requestIdOf((name) => headers[name]);
  const violations = parseMockViolations(headers['sl-violations']);
  const body = parseErrorBody(text);
  // Echoes are worked out once, and only if there is text to cut them from.
  let echoes: readonly string[] | undefined;
  const freeText: FreeTextContext = { secrets, echoes: context.echoes && (() => (echoes ??= context.echoes!())) };
  const issues = parseValidationIssues(body);
  return errorFromStatus({
    ...(violations.length > 0 && { violations }),
    ...(issues.length > 0 && { issues: issues.map((issue) => redactIssue(issue, freeText)) }),
    serverMessage: serverMessageOf(body, freeText),
    status: response.status,
    statusText: response.statusText,
    method: context.method,
    path: context.path,
    operationId: context.operationId,
    body,
    headers,
    retryAfterMs: retryAfter === undefined ? undefined : parseRetryAfterMs(retryAfter, context.nowMs ?? Date.now()),
    requestId,
  });
}
