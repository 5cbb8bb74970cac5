/**
 * Checks one response against what the spec documents for its operation: status,
 * content type, body schema (ajv), required headers, and undeclared properties (warnings).
 */
import { parseSlViolations } from '../transport/mock-violations.js';
import { describeShape, safeFieldPath, safeMediaType } from '../tool-output/mask.js';
import type { SentResponse } from './send.js';
import { isJsonMediaType, type OperationSpec, type ResponseSpec } from './spec.js';
import type { SpecValidator } from './validate.js';

/** Findings about one response. Problems fail the case; warnings are drift notes. */
export interface Findings {
  readonly problems: string[];
  readonly warnings: string[];
}

/** The documented response for a status: exact match, then its range (`4XX`), then `default`. */
export function documentedResponse(op: OperationSpec, status: number): ResponseSpec | undefined {
  const exact = op.responses.find((r) => r.status === String(status));
  const range = op.responses.find((r) => r.status.toUpperCase() === `${String(status)[0]}XX`);
  return exact ?? range ?? op.responses.find((r) => r.status === 'default');
}

const mediaMatches = (documented: string, actual: string): boolean => {
  const [type, subtype] = documented.toLowerCase().split(';')[0]!.trim().split('/');
  const [aType, aSubtype] = actual.split('/');
  return (type === '*' || type === aType) && (subtype === '*' || subtype === aSubtype);
};

/**
 * Checks `response` against the documentation of its actual status. `expected` lists the
 * statuses the case accepts; any other status is a problem, and so is an undocumented one.
 * Findings name statuses, media types, field paths and schemas, never a value from the
 * response: a body may hold a patient's record, or the API key echoed back.
 */
/**
 * A 429 without the `Retry-After` the spec documents for it breaks the contract a client's
 * back-off relies on, whether or not the spec marks the header required; the problem, or
 * `undefined` when the header is there or the spec does not document one.
 */
export function missingRetryAfter(documented: ResponseSpec | undefined, status: number, headers: Headers): string | undefined {
  if (status !== 429 || documented === undefined || !documented.headers.includes('retry-after') || headers.has('retry-after')) return undefined;
  return '429 without the Retry-After header the spec documents for it: a client cannot know how long to wait';
}

export function checkResponse(validator: SpecValidator, op: OperationSpec, response: SentResponse, expected: readonly number[]): Findings {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!expected.includes(response.status)) {
    problems.push(`status ${response.status}, expected ${expected.join(' or ')} (body: ${describeShape(response.body)})`);
  }
  const documented = documentedResponse(op, response.status);
  if (!documented) {
    problems.push(`status ${response.status} is not documented for ${op.operationId} (documented: ${op.responses.map((r) => r.status).join(', ')})`);
    return { problems, warnings };
  }
  for (const header of documented.requiredHeaders) {
    if (!response.headers.has(header)) problems.push(`required response header "${header}" is missing`);
  }
  const retryAfter = missingRetryAfter(documented, response.status, response.headers);
  if (retryAfter !== undefined) problems.push(retryAfter);
  if (documented.content.length === 0) {
    if (response.body !== undefined) warnings.push(`${response.status} has a body (${response.contentType === undefined ? 'no content type' : safeMediaType(response.contentType)}) but the spec documents none`);
    return { problems, warnings };
  }
  if (response.body === undefined) {
    problems.push(`${response.status} has no body; the spec documents ${documented.content.map((m) => m.mediaType).join(', ')}`);
    return { problems, warnings };
  }
  const media = response.contentType ? documented.content.find((m) => mediaMatches(m.mediaType, response.contentType!)) : undefined;
  if (!media) {
    problems.push(`content type ${safeMediaType(response.contentType)}, expected ${documented.content.map((m) => m.mediaType).join(' or ')}`);
    return { problems, warnings };
  }
  if (response.malformedJson) {
    problems.push(`body is labelled ${safeMediaType(response.contentType)} but is not valid JSON`);
    return { problems, warnings };
  }
  if (!media.schemaPointer || !isJsonMediaType(media.mediaType)) return { problems, warnings };
  for (const issue of validator.validate(media.schemaPointer, response.body)) {
    problems.push(`body ${safeFieldPath(issue.field)}: ${issue.message} (expected ${issue.expected})`);
  }
  for (const u of validator.undeclared(media.schemaPointer, response.body)) {
    warnings.push(`undeclared response property ${safeFieldPath(u.field)} (not in ${u.schema})`);
  }
  return { problems, warnings };
}

/** One validation finding Prism reported in `sl-violations` or in its own error body. */
export interface PrismViolation {
  readonly location: readonly string[];
  readonly message: string;
  readonly severity: string;
}

/** Prism's findings from the `sl-violations` header and, for its own `--errors` answers, the body. */
export function prismViolations(response: SentResponse): PrismViolation[] {
  const found: PrismViolation[] = [];
  const header = response.headers.get('sl-violations');
  if (header) {
    const parsed = parseSlViolations(header);
    // Not repeated when unreadable: whatever sent it, the header is not Prism's list and may carry anything.
    if (parsed === undefined) found.push({ location: [], message: 'unparseable sl-violations header', severity: 'Error' });
    for (const v of parsed ?? []) {
      if (v.wellFormedLocation && v.message !== undefined) found.push({ location: v.location.map(String), message: v.message, severity: v.severity ?? '' });
    }
  }
  const body = response.body as { type?: unknown; validation?: unknown } | undefined;
  if (isPrismError(response) && Array.isArray(body?.validation)) found.push(...(body.validation as PrismViolation[]));
  const wellFormed = found.filter(
    (v): v is PrismViolation =>
      v !== null && typeof v === 'object' && Array.isArray(v.location) && v.location.every((l) => typeof l === 'string' || typeof l === 'number') && typeof v.message === 'string',
  );
  // With --errors Prism lists the same violations in the header and in its error body.
  const seen = new Set<string>();
  return wellFormed.filter((v) => {
    const key = `${v.location.join('.')}|${v.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** True when Prism generated the answer itself (problem+json with a stoplight.io type). */
export function isPrismError(response: SentResponse): boolean {
  const body = response.body as { type?: unknown } | undefined;
  return response.contentType === 'application/problem+json' && typeof body?.type === 'string' && body.type.includes('stoplight.io/prism/errors');
}
