/**
 * Local checks of every NHS number, date of birth and postcode a request carries, wherever
 * the spec puts one (generated/patient-fields.ts, derived from field names): register,
 * search filters, batch recipients, addresses. Bad values throw {@link HeroInputError}
 * listing every problem before anything is sent; messages never repeat the values.
 */
import { fieldSearchOperations, patientFields } from '../../generated/patient-fields.js';
import { validateDateOfBirth, type DateOfBirthOptions } from './dates.js';
import { HeroInputError, type HeroInputIssue } from './input-error.js';
import { validateNhsNumber } from './nhs-number.js';
import { patientFieldKind, type PatientFieldKind } from './patient-field-names.js';
import { validateUkPostcode } from './postcode.js';
import type { FieldCheck } from './validation-result.js';

interface FieldRule {
  readonly in: 'query' | 'body';
  readonly path: readonly string[];
  readonly kind: PatientFieldKind;
  readonly format?: string;
  readonly nullable: boolean;
}

const rulesByOperation = new Map<string, FieldRule[]>();
for (const row of patientFields as readonly (FieldRule & { operationId: string })[]) {
  let rules = rulesByOperation.get(row.operationId);
  if (rules === undefined) rulesByOperation.set(row.operationId, (rules = []));
  rules.push(row);
}
const fieldSearch: ReadonlySet<string> = new Set(fieldSearchOperations);

/** Whether requests of this operation can carry a patient identifier (so need {@link checkPatientIdentifiers}). */
export function carriesPatientIdentifiers(operationId: string): boolean {
  return rulesByOperation.has(operationId) || fieldSearch.has(operationId);
}

// An RFC 3339 date-time; the date part is checked as a date of birth.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt]([01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d{1,9})?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Checks one value. A date of birth is `YYYY-MM-DD`; where the spec types the field
 * date-time, or gives no format, an RFC 3339 date-time whose date is a valid date of birth
 * is accepted too and sent as written.
 */
function checkValue(kind: PatientFieldKind, format: string | undefined, value: unknown, options: DateOfBirthOptions): FieldCheck<string> {
  if (kind === 'nhs_number') return validateNhsNumber(value);
  if (kind === 'postcode') return validateUkPostcode(value);
  if (format !== 'date' && typeof value === 'string') {
    const match = DATE_TIME.exec(value.trim());
    if (match) {
      const date = validateDateOfBirth(match[1], options);
      return date.ok ? { ok: true, value: value.trim() } : date;
    }
  }
  const date = validateDateOfBirth(value, options);
  if (date.ok || format === 'date') return date;
  return date.problem === 'bad_format'
    ? { ok: false, problem: 'bad_format', message: 'must be a date YYYY-MM-DD (or an ISO 8601 date-time with a zone)' }
    : date;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `node` with the value at `path[i..]` replaced by `check(value, label)`, copying only the
 * objects and arrays on the way to a changed value, so the caller's input is never modified.
 * A path that does not fit the value (no such field, not an array) is left to the server.
 */
function applyAt(node: unknown, path: readonly string[], i: number, label: string, check: (value: unknown, label: string) => unknown): unknown {
  if (i === path.length) return check(node, label);
  const step = path[i]!;
  if (step === '[]') {
    if (!Array.isArray(node)) return node;
    let copy: unknown[] | undefined;
    node.forEach((item, index) => {
      const next = applyAt(item, path, i + 1, `${label}[${index}]`, check);
      if (next !== item) (copy ??= [...node])[index] = next;
    });
    return copy ?? node;
  }
  if (!isRecord(node) || !Object.hasOwn(node, step)) return node;
  const child = node[step];
  const next = applyAt(child, path, i + 1, label === '' ? step : `${label}.${step}`, check);
  return next === child ? node : { ...node, [step]: next };
}

/** A request's body and query after {@link checkPatientIdentifiers}. */
export interface CheckedRequest {
  readonly body: unknown;
  readonly query: unknown;
}

/**
 * Checks every patient identifier in an operation's body and query and returns both with
 * those values normalised (NHS numbers as 10 digits, postcodes upper case with one space,
 * dates trimmed); objects are copied where a value changed, never modified. Absent fields
 * are skipped (whether they are required is the API's rule), `null` is allowed only where
 * the spec allows it. For `field` + `search` lists, `search` is checked when `field` names
 * an identifier. Throws {@link HeroInputError} listing every problem, naming fields by
 * path (`recipients[2].dob`), never repeating a value.
 */
export function checkPatientIdentifiers(operationId: string, body: unknown, query: unknown, options: DateOfBirthOptions = {}): CheckedRequest {
  const issues: HeroInputIssue[] = [];
  const check = (kind: PatientFieldKind, format: string | undefined, nullable: boolean) => (value: unknown, label: string) => {
    if (value === undefined) return value;
    if (value === null) {
      if (!nullable) issues.push({ field: label, message: 'must not be null' });
      return value;
    }
    const result = checkValue(kind, format, value, options);
    if (result.ok) return result.value === value ? value : result.value;
    issues.push({ field: label, message: result.message });
    return value;
  };
  let checkedBody = body;
  let checkedQuery = query;
  for (const rule of rulesByOperation.get(operationId) ?? []) {
    const validate = check(rule.kind, rule.format, rule.nullable);
    if (rule.in === 'body') checkedBody = applyAt(checkedBody, rule.path, 0, '', validate);
    else checkedQuery = applyAt(checkedQuery, rule.path, 0, '', validate);
  }
  if (fieldSearch.has(operationId) && isRecord(checkedQuery) && typeof checkedQuery.field === 'string') {
    const kind = patientFieldKind(checkedQuery.field.trim());
    if (kind !== undefined) checkedQuery = applyAt(checkedQuery, ['search'], 0, '', check(kind, undefined, false));
  }
  if (issues.length > 0) throw new HeroInputError(issues, `${operationId} input`);
  return { body: checkedBody, query: checkedQuery };
}
