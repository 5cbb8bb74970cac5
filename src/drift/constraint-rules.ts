import type { Direction, Severity } from './change.js';
import { isObject, type JsonObject } from '../openapi/document.js';
import { canonicalJson } from './openapi-document.js';

/**
 * Validation keywords (bounds, patterns, defaults, 3.1 assertions) compared one by one,
 * with the direction deciding the severity. Seen from the client: a request constraint
 * tightened means Hero rejects values the client sent before; a response constraint
 * loosened means the client reads values outside what the spec promised, which breaks code
 * that relies on the promise (a column sized to `maxLength`, a check against `minimum`).
 * Both are breaking, as in oasdiff. The levels, and where oasdiff's differ, are tabled in
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
// Assertions that, when added, can only reject more values (3.1 and JSON Schema 2020-12);
// changed, they may reject values that passed before, so both directions count a change.
const ASSERTIONS = [
  'contains', 'dependentRequired', 'dependentSchemas', 'propertyNames', 'patternProperties', 'not',
  'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems', 'contentMediaType',
  'contentEncoding', 'contentSchema',
] as const;

const CLASSIFIED: ReadonlySet<string> = new Set<string>([
  ...UPPER_BOUNDS, ...LOWER_BOUNDS, ...ASSERTIONS, 'prefixItems', 'pattern', 'uniqueItems', 'default', 'readOnly', 'writeOnly',
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

/** Where the schema sits: a parameter's default is part of the call (oasdiff rates its change ERR). */
export interface ConstraintContext {
  parameter?: boolean;
}

/** Compares the classified constraint keywords of one schema; returns a finding per change. */
export function compareConstraints(before: JsonObject, after: JsonObject, direction: Direction, context: ConstraintContext = {}): ConstraintFinding[] {
  const findings: ConstraintFinding[] = [];
  const request = direction === 'request';
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  const describe = (keyword: string, from: unknown = before[keyword], to: unknown = after[keyword]) => ({
    change: `${keyword} ${show(from)} → ${show(to)}`,
    details: { keyword, before: from ?? null, after: to ?? null },
  });
  // `narrowed`: fewer values are valid than before. Request narrowing and response widening break.
  const push = (narrowed: boolean, keyword: string, from?: unknown, to?: unknown) => {
    const { change, details } = describe(keyword, from ?? before[keyword], to ?? after[keyword]);
    if (request) {
      findings.push(
        narrowed
          ? { severity: 'breaking', rule: 'request.constraint.tightened', message: `${change}; values the client sent before may be rejected.`, details }
          : { severity: 'non-breaking', rule: 'request.constraint.loosened', message: `${change}; everything the client sent is still accepted.`, details },
      );
    } else {
      findings.push(
        narrowed
          ? { severity: 'non-breaking', rule: 'response.constraint.narrowed', message: `${change}.`, details }
          : { severity: 'breaking', rule: 'response.constraint.widened', message: `${change}; the client may read values the spec promised it would not.`, details },
      );
    }
  };
  // Changed to another value: neither a plain narrowing nor widening, so it breaks either way.
  const pushChanged = (keyword: string) => {
    const { change, details } = describe(keyword);
    findings.push({
      severity: 'breaking',
      rule: `${direction}.constraint.changed`,
      message: request ? `${change}; values the client sent before may be rejected.` : `${change}; the client may read values it does not expect.`,
      details,
    });
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

  comparePattern(before, after, direction, findings, push);

  if ((before.uniqueItems === true) !== (after.uniqueItems === true)) push(after.uniqueItems === true, 'uniqueItems');

  for (const keyword of ASSERTIONS) {
    const [from, to] = [before[keyword], after[keyword]];
    if (canonicalJson(from) === canonicalJson(to)) continue;
    if (from !== undefined && to !== undefined) pushChanged(keyword);
    else push(to !== undefined, keyword);
  }

  if (!sameItemPositions(before, after)) comparePrefixItems(before, after, direction, findings, pushChanged);

  compareDefault(before, after, direction, context, findings);
  return findings;
}

// '' and '.*' match every string: as good as no pattern (oasdiff's data uses '' for "none").
function effectivePattern(schema: JsonObject): string | undefined {
  const pattern = schema.pattern;
  if (typeof pattern !== 'string') return undefined;
  return /^\^?(\.\*)?\$?$/.test(pattern) ? undefined : pattern;
}

// A pattern added narrows; removed widens; replaced by another is both or neither, for a person to judge.
function comparePattern(
  before: JsonObject,
  after: JsonObject,
  direction: Direction,
  findings: ConstraintFinding[],
  push: (narrowed: boolean, keyword: string, from?: unknown, to?: unknown) => void,
): void {
  const [from, to] = [effectivePattern(before), effectivePattern(after)];
  if (from === to) return;
  const request = direction === 'request';
  const details = { keyword: 'pattern', before: before.pattern ?? null, after: after.pattern ?? null };
  const change = `pattern ${JSON.stringify(before.pattern ?? '(none)')} → ${JSON.stringify(after.pattern ?? '(none)')}`;
  if (request) {
    if (from === undefined) push(true, 'pattern');
    else if (to === undefined) push(false, 'pattern');
    else findings.push({ severity: 'warning', rule: 'request.pattern.changed', message: `${change}; check the values the client sends still match.`, details });
    return;
  }
  // oasdiff rates every response pattern change INFO: a pattern describes a format more than it
  // bounds a value; dropping one is still worth a look by whoever parses the field.
  if (from === undefined) push(true, 'pattern');
  else if (to === undefined) findings.push({ severity: 'warning', rule: 'response.pattern.removed', message: `${change}; check code that relies on the format.`, details });
  else findings.push({ severity: 'non-breaking', rule: 'response.pattern.changed', message: `${change}.`, details });
}

// prefixItems takes the first positions from `items`: the change matters only where a
// position's schema differs from what applied there before.
function sameItemPositions(before: JsonObject, after: JsonObject): boolean {
  const prefixBefore = Array.isArray(before.prefixItems) ? before.prefixItems : [];
  const prefixAfter = Array.isArray(after.prefixItems) ? after.prefixItems : [];
  if (prefixBefore.length === 0 && prefixAfter.length === 0) return true;
  const rest = (schema: JsonObject) => (isObject(schema.items) || typeof schema.items === 'boolean' ? schema.items : {});
  for (let index = 0; index < Math.max(prefixBefore.length, prefixAfter.length); index += 1) {
    const at = (prefix: unknown[], schema: JsonObject) => (index < prefix.length ? prefix[index] : rest(schema));
    if (canonicalJson(at(prefixBefore, before)) !== canonicalJson(at(prefixAfter, after))) return false;
  }
  return true;
}

// A prefix removed from a request, or added to a response, re-types positions the client
// fills or reads: breaking, as in oasdiff. The other way round oasdiff rates INFO; whether the
// new positional schemas admit what the client sends (or reads) takes a person, so a warning.
function comparePrefixItems(
  before: JsonObject,
  after: JsonObject,
  direction: Direction,
  findings: ConstraintFinding[],
  pushChanged: (keyword: string) => void,
): void {
  const had = Array.isArray(before.prefixItems) && before.prefixItems.length > 0;
  const has = Array.isArray(after.prefixItems) && after.prefixItems.length > 0;
  const judged = direction === 'request' ? has && !had : had && !has;
  if (!judged) {
    pushChanged('prefixItems');
    return;
  }
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  findings.push({
    severity: 'warning',
    rule: `${direction}.prefix-items.changed`,
    message: `prefixItems ${show(before.prefixItems)} → ${show(after.prefixItems)}; the first array positions follow other schemas, check what the client ${direction === 'request' ? 'sends' : 'reads'} there.`,
    details: { keyword: 'prefixItems', before: before.prefixItems ?? null, after: after.prefixItems ?? null },
  });
}

function compareDefault(before: JsonObject, after: JsonObject, direction: Direction, context: ConstraintContext, findings: ConstraintFinding[]): void {
  if (canonicalJson(before.default) === canonicalJson(after.default)) return;
  const details = { keyword: 'default', before: before.default ?? null, after: after.default ?? null };
  const change = `default ${before.default === undefined ? '(none)' : JSON.stringify(before.default)} → ${after.default === undefined ? '(none)' : JSON.stringify(after.default)}`;
  if (direction === 'request' && context.parameter === true) {
    // A parameter the client leaves out now takes another value: the call means something else.
    findings.push({
      severity: 'breaking',
      rule: 'request.parameter.default.changed',
      message: `${change}; calls that leave it out now ask for something else.`,
      details,
    });
  } else if (direction === 'request' && before.default !== undefined) {
    findings.push({ severity: 'warning', rule: 'request.default.changed', message: `${change}; calls that leave it out now behave differently.`, details });
  } else {
    findings.push({ severity: 'non-breaking', rule: `${direction}.default.changed`, message: `${change}.`, details });
  }
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

// OpenAPI 3.0 writes exclusiveMinimum/Maximum as booleans beside minimum/maximum.
function isBooleanForm(value: unknown): boolean {
  return typeof value === 'boolean';
}
