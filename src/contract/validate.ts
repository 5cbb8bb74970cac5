/**
 * JSON Schema validation of bodies against the spec with ajv. The whole document is
 * registered once and each schema, addressed by its JSON pointer, is compiled once.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { escapePointerSegment as escapePointer } from '../openapi/document.js';
import { resolveAt, type LoadedSpec } from './spec.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** One way a value fails its schema. */
export interface SchemaIssue {
  /** JSON pointer into the body (`/data/0/id`), `''` for the body itself. */
  readonly field: string;
  /** What is wrong, in ajv's words (`must be string`). */
  readonly message: string;
  /** What the spec expects, naming the schema: `type: "string" at #/components/schemas/Patient/properties/id`. */
  readonly expected: string;
}

/** A response property no schema declares. */
export interface UndeclaredProperty {
  /** JSON pointer into the body, e.g. `/data/0/nickname`. */
  readonly field: string;
  /** The schema(s) describing the object that holds it. */
  readonly schema: string;
}

/** Validates values against schemas of one spec. */
export interface SpecValidator {
  /** Issues of `value` against the schema at `schemaPointer`; empty when valid. */
  validate(schemaPointer: string, value: unknown): SchemaIssue[];
  /**
   * Instance paths of object properties that no schema declares, e.g. `/data/0/nickname`.
   * Objects whose schema declares no properties at all (open, undocumented shapes) are not reported.
   */
  undeclared(schemaPointer: string, value: unknown): UndeclaredProperty[];
  /** Compile-time warnings from ajv (unknown formats and the like), once each. */
  readonly warnings: ReadonlySet<string>;
}

const SPEC_ID = 'https://hero-sdk.invalid/openapi.json';

/** OpenAPI formats beyond JSON Schema's; integer widths are checked, the rest are annotations. */
const openApiFormats = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  binary: true,
  password: true,
} as const;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 §5.6 `date-time`, which JSON Schema's `date-time` format names. Stricter than
 * ajv-formats, which also accepts a space for the `T` (allowed by RFC 3339 only as a note
 * for human readers) and so let a server answering `2024-03-15 14:00:00Z` pass. Lower case
 * `t`/`z` are in the grammar (ABNF is case-insensitive); a leap second (`:60`) is allowed.
 */
export function isRfc3339DateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 60) return false;
  return m[7] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
}

/** Builds a validator: Ajv2020 for OpenAPI 3.1, draft-07 Ajv (with `nullable`) for 3.0. */
export function createSpecValidator(spec: LoadedSpec): SpecValidator {
  const warnings = new Set<string>();
  const options = {
    strict: false,
    allErrors: true,
    verbose: true,
    // OpenAPI annotations that are not JSON Schema keywords; declared so strict mode elsewhere stays quiet.
    logger: { log: () => {}, warn: (...args: unknown[]) => void warnings.add(args.join(' ')), error: (...args: unknown[]) => void warnings.add(args.join(' ')) },
  };
  const ajv: Ajv = spec.version === '3.1' ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  for (const [name, format] of Object.entries(openApiFormats)) ajv.addFormat(name, format as never);
  ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime });
  for (const keyword of ['example', 'xml', 'externalDocs', 'discriminator']) {
    if (!ajv.getKeyword(keyword)) ajv.addKeyword({ keyword });
  }
  // The document is not a schema, but every schema in it is reachable by pointer from its root.
  ajv.addSchema({ ...spec.doc, $id: SPEC_ID }, SPEC_ID, undefined, false);

  const pointers = indexPointers(spec.doc);
  const compiled = new Map<string, ValidateFunction>();
  const compile = (pointer: string): ValidateFunction => {
    let fn = compiled.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
      compiled.set(pointer, fn);
    }
    return fn;
  };

  return {
    warnings,
    validate(schemaPointer, value) {
      const fn = compile(schemaPointer);
      if (fn(value)) return [];
      return simplify(fn.errors ?? []).map((error) => toIssue(spec, pointers, error));
    },
    undeclared(schemaPointer, value) {
      const found: UndeclaredProperty[] = [];
      collectUndeclared(spec.doc, [schemaPointer], value, '', found, 0);
      return found.map((u) => ({ field: u.field, schema: u.schema.split(' or ').map((p) => schemaLabel(spec, p)).join(' or ') }));
    },
  };
}

/** Drops errors that only restate a deeper one (`must match a schema in anyOf`) when others exist. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if', '$ref'].includes(e.keyword));
  return concrete.length > 0 ? concrete : errors;
}

function toIssue(spec: LoadedSpec, pointers: WeakMap<object, string>, error: ErrorObject): SchemaIssue {
  const params = error.params as Record<string, unknown>;
  let field = error.instancePath;
  let expected: string;
  // ajv's schemaPath restarts at every separately compiled $ref; the schema object itself
  // (verbose mode) maps back to its one place in the document.
  const parent = error.parentSchema as object | undefined;
  const at = schemaLabel(spec, (parent && pointers.get(parent)) ?? error.schemaPath.replace(SPEC_ID, ''));
  if (error.keyword === 'required') {
    field += `/${String(params.missingProperty)}`;
    expected = `"${String(params.missingProperty)}" is required by ${at}`;
  } else if (error.keyword === 'additionalProperties') {
    field += `/${String(params.additionalProperty)}`;
    expected = `no other properties in ${at}`;
  } else {
    expected = `${error.keyword} ${JSON.stringify(error.schema)} in ${at}`;
  }
  return { field: field || '(body)', message: error.message ?? error.keyword, expected };
}

/** Maps every object of the document to its JSON pointer (the first place it occurs). */
function indexPointers(doc: unknown): WeakMap<object, string> {
  const map = new WeakMap<object, string>();
  const walk = (node: unknown, pointer: string) => {
    if (node === null || typeof node !== 'object' || map.has(node)) return;
    map.set(node, pointer);
    if (Array.isArray(node)) node.forEach((child, i) => walk(child, `${pointer}/${i}`));
    else for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${escapePointer(key)}`);
  };
  walk(doc, '#');
  return map;
}

/**
 * A readable name for a schema location: component schemas keep their pointer
 * (`#/components/schemas/Patient/properties/id`); inline ones are named after their
 * operation (`getPatientById 200 response schema/properties/id`).
 */
export function schemaLabel(spec: LoadedSpec, pointer: string): string {
  const match = /^#\/paths\/([^/]+)\/([a-z]+)\/(?:responses\/([^/]+)|requestBody)\/content\/([^/]+)\/schema(.*)$/.exec(pointer);
  if (!match) return pointer;
  const [, rawPath, method, status, , rest] = match;
  const path = rawPath!.replace(/~1/g, '/').replace(/~0/g, '~');
  const op = spec.operations.find((o) => o.path === path && o.method === method);
  const name = op?.operationId ?? `${method!.toUpperCase()} ${path}`;
  return `${name} ${status ? `${status} response` : 'request body'} schema${rest ?? ''}`;
}

type Schema = Record<string, unknown>;

/** The schemas that apply to one value: follows `$ref` and `allOf`, and every branch of `anyOf`/`oneOf`. */
function expand(doc: unknown, pointers: readonly string[]): Schema[] {
  const out: Schema[] = [];
  const seen = new Set<string>();
  const visit = (pointer: string) => {
    const resolved = resolveAt(doc, pointer);
    if (!resolved || seen.has(resolved.pointer)) return;
    seen.add(resolved.pointer);
    out.push({ ...resolved.node, '#pointer': resolved.pointer });
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = resolved.node[keyword];
      if (Array.isArray(list)) list.forEach((_, i) => visit(`${resolved.pointer}/${keyword}/${i}`));
    }
  };
  pointers.forEach(visit);
  return out;
}

/**
 * Lenient on purpose: a property declared by any applicable branch counts as declared,
 * so a union never produces false drift warnings.
 */
function collectUndeclared(doc: unknown, pointers: readonly string[], value: unknown, at: string, found: UndeclaredProperty[], depth: number): void {
  if (depth > 40 || value === null || typeof value !== 'object') return;
  const schemas = expand(doc, pointers);
  if (Array.isArray(value)) {
    const itemPointers = schemas.filter((s) => s.items !== undefined && typeof s.items === 'object').map((s) => `${String(s['#pointer'])}/items`);
    if (itemPointers.length > 0) value.forEach((item, i) => collectUndeclared(doc, itemPointers, item, `${at}/${i}`, found, depth + 1));
    return;
  }
  const declaring = schemas.filter((s) => s.properties && typeof s.properties === 'object');
  const patterns = schemas.flatMap((s) => Object.keys((s.patternProperties as object | undefined) ?? {}).map((p) => new RegExp(p, 'u')));
  const additional = schemas.filter((s) => s.additionalProperties && typeof s.additionalProperties === 'object');
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPointers = declaring
      .filter((s) => Object.hasOwn(s.properties as object, key))
      .map((s) => `${String(s['#pointer'])}/properties/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (childPointers.length > 0) {
      collectUndeclared(doc, childPointers, child, `${at}/${key}`, found, depth + 1);
      continue;
    }
    if (patterns.some((re) => re.test(key))) continue;
    if (additional.length > 0) {
      // A map (`additionalProperties: {schema}`): its keys are data, not fields.
      collectUndeclared(doc, additional.map((s) => `${String(s['#pointer'])}/additionalProperties`), child, `${at}/${key}`, found, depth + 1);
      continue;
    }
    if (declaring.length > 0) found.push({ field: `${at}/${key}`, schema: declaring.map((s) => String(s['#pointer'])).join(' or ') });
  }
}

