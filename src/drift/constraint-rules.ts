import type { Direction, Severity } from './change.js';
import type { JsonObject } from '../openapi/document.js';

/**
 * Validation keywords (bounds, patterns, defaults, 3.1 assertions) compared one by one,
 * with the direction deciding the severity. Seen from the client: a request constraint
 * tightened means Hero rejects values the client sent before (breaking); a response
 * constraint loosened means the client may read values it has not seen (warning: its code
 * still compiles and parses, only what it does with the value — a column width, a
 * validation of its own — can fail). The levels, and where oasdiff's differ, are tabled in
 * docs/drift.md.
 */
export interface ConstraintFinding {
  severity: Severity;
  rule: string;
  message: string;
  details: Record<string, unknown>;
}

// Upper bounds: a smaller number, or one where there was none, accepts fewer values.
const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties', 'maxContains'] as const;
// Lower bounds: a larger number, or one where there was none, accepts fewer values.
const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties', 'minContains'] as const;
// Assertions that, when added, can only reject more values (3.1 and JSON Schema 2020-12).
const ASSERTIONS = [
  'contains', 'dependentRequired', 'dependentSchemas', 'propertyNames', 'patternProperties', 'not',
  'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems', 'prefixItems', 'contentMediaType',
  'contentEncoding', 'contentSchema',
] as const;

const CLASSIFIED: ReadonlySet<string> = new Set<string>([
  ...UPPER_BOUNDS, ...LOWER_BOUNDS, ...ASSERTIONS, 'pattern', 'uniqueItems', 'default', 'readOnly', 'writeOnly',
]);

/**
 * Whether {@link compareConstraints} (or the property rules, for readOnly/writeOnly) classifies
 * a keyword; anything else non-structural stays a `schema.constraint.changed` warning. 3.0's
 * boolean `exclusiveMinimum`/`exclusiveMaximum` are left to that warning.
 */
export function isClassifiedConstraint(keyword: string, before: JsonObject, after: JsonObject): boolean {
  if (!CLASSIFIED.has(keyword)) return false;
  return !isBooleanForm(before[keyword]) && !isBooleanForm(after[keyword]);
}

/** Compares the classified constraint keywords of one schema; returns a finding per change. */
export function compareConstraints(before: JsonObject, after: JsonObject, direction: Direction): ConstraintFinding[] {
  const findings: ConstraintFinding[] = [];
  const request = direction === 'request';
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  const push = (narrowed: boolean, keyword: string, extra = '') => {
    const change = `${keyword} ${show(before[keyword])} → ${show(after[keyword])}`;
    const details = { keyword, before: before[keyword] ?? null, after: after[keyword] ?? null };
    if (request) {
      findings.push(
        narrowed
          ? { severity: 'breaking', rule: 'request.constraint.tightened', message: `${change}; values the client sent before may be rejected${extra}.`, details }
          : { severity: 'non-breaking', rule: 'request.constraint.loosened', message: `${change}; everything the client sent is still accepted.`, details },
      );
    } else {
      findings.push(
        narrowed
          ? { severity: 'non-breaking', rule: 'response.constraint.narrowed', message: `${change}.`, details }
          : { severity: 'warning', rule: 'response.constraint.widened', message: `${change}; the client may read values outside what it has seen${extra}.`, details },
      );
    }
  };

  for (const keyword of UPPER_BOUNDS) {
    const [from, to] = [numberOrUndefined(before[keyword]), numberOrUndefined(after[keyword])];
    if (from === to || isBooleanForm(before[keyword]) || isBooleanForm(after[keyword])) continue;
    push(to !== undefined && (from === undefined || to < from), keyword);
  }
  for (const keyword of LOWER_BOUNDS) {
    const [from, to] = [numberOrUndefined(before[keyword]), numberOrUndefined(after[keyword])];
    if (from === to || isBooleanForm(before[keyword]) || isBooleanForm(after[keyword])) continue;
    push(to !== undefined && (from === undefined || to > from), keyword);
  }

  // A pattern added narrows; removed widens; changed to another is both or neither, for a person to judge.
  if (before.pattern !== after.pattern) {
    if (before.pattern === undefined) push(true, 'pattern');
    else if (after.pattern === undefined) push(false, 'pattern');
    else {
      const details = { keyword: 'pattern', before: before.pattern, after: after.pattern };
      const change = `pattern ${show(before.pattern)} → ${show(after.pattern)}`;
      findings.push(
        request
          ? { severity: 'warning', rule: 'request.pattern.changed', message: `${change}; check the values the client sends still match.`, details }
          : { severity: 'non-breaking', rule: 'response.pattern.changed', message: `${change}.`, details },
      );
    }
  }

  if ((before.uniqueItems === true) !== (after.uniqueItems === true)) push(after.uniqueItems === true, 'uniqueItems');

  for (const keyword of ASSERTIONS) {
    if (JSON.stringify(before[keyword]) === JSON.stringify(after[keyword])) continue;
    // Added, or changed (dependentRequired lists, a new `contains` schema): assume narrower.
    push(after[keyword] !== undefined, keyword);
  }

  if (JSON.stringify(before.default) !== JSON.stringify(after.default)) {
    const details = { keyword: 'default', before: before.default ?? null, after: after.default ?? null };
    const change = `default ${show(before.default)} → ${show(after.default)}`;
    if (!request || before.default === undefined) {
      findings.push({ severity: 'non-breaking', rule: `${direction}.default.changed`, message: `${change}.`, details });
    } else {
      // A call that leaves the value out now gets different behaviour, with nothing to compile against.
      findings.push({
        severity: 'warning',
        rule: 'request.default.changed',
        message: `${change}; calls that leave it out now behave differently.`,
        details,
      });
    }
  }
  return findings;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

// OpenAPI 3.0 writes exclusiveMinimum/Maximum as booleans beside minimum/maximum.
function isBooleanForm(value: unknown): boolean {
  return typeof value === 'boolean';
}
