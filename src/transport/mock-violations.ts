/**
 * The one reader of the `sl-violations` header a Prism mock or validation proxy adds: a JSON
 * array of `{ location: ['request', 'body', 'patient_id'], severity, code, message }`. The
 * transport turns it into a HeroValidationError's issues; hero-contract reports it. Hero
 * itself never sends this header.
 */
import type { HeroValidationIssue } from '../errors.js';

/** One entry of an `sl-violations` header, its fields checked. */
export interface SlViolation {
  /** Where, e.g. `['request', 'body', 'patient_id']`; parts that are not strings or numbers are dropped, a missing list is `[]`. */
  readonly location: readonly (string | number)[];
  /** Whether `location` was a list of strings and numbers only, as Prism writes it. */
  readonly wellFormedLocation: boolean;
  readonly severity: string | undefined;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/**
 * The entries of an `sl-violations` header (items that are not objects skipped), or
 * `undefined` when it is not a JSON array or is longer than `maxChars`.
 */
export function parseSlViolations(header: string, maxChars = Infinity): SlViolation[] | undefined {
  if (header.length > maxChars) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const violations: SlViolation[] = [];
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null) continue;
    const { location, severity, code, message } = item as Record<string, unknown>;
    const parts = Array.isArray(location) ? location.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [];
    violations.push({
      location: parts,
      wellFormedLocation: Array.isArray(location) && parts.length === location.length,
      severity: severity === undefined ? undefined : String(severity),
      code: code === undefined ? undefined : String(code),
      message: typeof message === 'string' ? message : undefined,
    });
  }
  return violations;
}

// Longest sl-violations header the client reads; Prism's are a few hundred bytes per violation.
const MAX_VIOLATIONS_HEADER_CHARS = 64_000;

/**
 * The header as a HeroValidationError's issues: errors only, body fields by name, other
 * places prefixed (`query.page_index`). Anything unreadable gives `[]`.
 */
export function parseMockViolations(header: string | undefined): HeroValidationIssue[] {
  const violations = header === undefined ? undefined : parseSlViolations(header, MAX_VIOLATIONS_HEADER_CHARS);
  const issues: HeroValidationIssue[] = [];
  for (const v of violations ?? []) {
    if (v.severity !== undefined && v.severity !== 'Error') continue;
    const where = v.location;
    const path = where[0] === 'request' ? where.slice(where[1] === 'body' ? 2 : 1) : where;
    issues.push({
      path,
      ...(v.code !== undefined && { code: v.code }),
      ...(v.message !== undefined && { message: v.message }),
    });
  }
  return issues;
}
