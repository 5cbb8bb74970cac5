/**
 * Compares the spec with the catalogue it was rebuilt from (`openapi/reference/operations.json`,
 * a copy of the reconstructed Hero reference): which operations it must contain, and, for every
 * field of a `full` or `partial` operation, whether requiredness, type and nullability agree.
 *
 * Schemas are read as sets of alternatives: `allOf` members apply together, each `oneOf` /
 * `anyOf` branch is one alternative. A field is "required" when every alternative that declares
 * it requires it, and "optional" when at least one valid body may leave it out — so Create
 * Invoice's `anyOf` rule (one of two optional fields) keeps both fields optional, and each form
 * of register_pds is judged on its own, as Hero's field list does.
 */

/** One entry of operations.json (only what the comparison reads). */
export interface ReferenceOperation {
  tag: string;
  title: string;
  slug: string;
  method: string;
  path: string;
  detail_level: 'full' | 'partial' | 'example-only' | 'index-only' | 'path-only' | 'name-only';
  parameters: ReferenceField[] | null;
  requestBody: { fields?: ReferenceField[] } | null;
  responses: Record<string, { fields?: ReferenceField[] }> | null;
}

/** A parameter or field as the reference documents it. */
export interface ReferenceField {
  name: string;
  in?: string;
  type: string;
  required: boolean;
  nullable?: boolean;
  unsure?: boolean;
}

type Json = Record<string, unknown>;
type Schema = Json;
/** One alternative: schemas that all apply at once (an `allOf`, flattened). */
type Alternative = Schema[];

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** `GET (unsure)` → `GET`; `unknown` → undefined. */
export function knownMethod(operation: ReferenceOperation): string | undefined {
  const method = operation.method.replace(/\s*\(unsure\)$/, '').toUpperCase();
  return (METHODS as readonly string[]).includes(method.toLowerCase()) ? method : undefined;
}

/** `/v1/slots (unsure)` → `/v1/slots`; `unknown` → undefined. */
export function knownPath(operation: ReferenceOperation): string | undefined {
  const path = operation.path.replace(/\s*\(unsure\)$/, '');
  return path.startsWith('/') ? path : undefined;
}

/** Follows local `$ref`s (`#/components/...`). */
function deref(document: Json, schema: unknown): Schema {
  let current = schema as Schema;
  for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
    if (hops > 20) throw new Error(`$ref loop at ${String(current.$ref)}`);
    const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
    const ref = current.$ref as string;
    current = pointer.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document) as Schema;
    if (current === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return current;
}

function cross(left: Alternative[], right: Alternative[]): Alternative[] {
  return left.flatMap((a) => right.map((b) => [...a, ...b]));
}

/** The alternatives a schema allows, each a list of plain schemas (no $ref/allOf/oneOf/anyOf). */
function expand(document: Json, schema: unknown): Alternative[] {
  const resolved = deref(document, schema);
  const { allOf, oneOf, anyOf, ...plain } = resolved;
  let alternatives: Alternative[] = [[plain]];
  for (const member of (allOf as unknown[] | undefined) ?? []) alternatives = cross(alternatives, expand(document, member));
  for (const choice of [oneOf, anyOf] as (unknown[] | undefined)[]) {
    if (choice) alternatives = cross(alternatives, choice.flatMap((branch) => expand(document, branch)));
  }
  return alternatives;
}

/** JSON types one alternative allows; `undefined` when no member constrains the type. */
function typesOf(alternative: Alternative): Set<string> | undefined {
  let allowed: Set<string> | undefined;
  for (const schema of alternative) {
    let declared: string[] | undefined;
    if (schema.type !== undefined) declared = ([] as string[]).concat(schema.type as string | string[]);
    else if ('const' in schema) declared = [jsonType(schema.const)];
    else if (Array.isArray(schema.enum)) declared = [...new Set(schema.enum.map(jsonType))];
    if (!declared) continue;
    // `integer` is a `number`: intersecting ['number'] with ['integer'] keeps 'integer'.
    const next = new Set(declared.flatMap((t) => (t === 'number' ? ['number', 'integer'] : [t])));
    allowed = allowed ? new Set([...allowed].filter((t) => next.has(t))) : next;
  }
  if (allowed?.has('number')) allowed.delete('integer');
  return allowed;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
}

/** What the spec says about one field, across the alternatives that declare it. */
export interface SpecField {
  /** `required`, `optional`, or undefined when no alternative declares the field. */
  requiredness?: 'required' | 'optional';
  /** Non-null JSON types the field may take (`any` when unconstrained). */
  types: Set<string>;
  nullable: boolean;
  /** Item types, for arrays. */
  itemTypes: Set<string>;
}

/**
 * Looks up a reference field name (`a`, `a.b`, `a[].b`) in a schema. Segments ending in `[]`
 * step into array items.
 */
export function findField(document: Json, root: unknown, name: string): SpecField {
  let alternatives = expand(document, root);
  const segments = name.split('.');
  const requiredFlags: boolean[] = [];
  for (const [index, rawSegment] of segments.entries()) {
    const isArray = rawSegment.endsWith('[]');
    const segment = isArray ? rawSegment.slice(0, -2) : rawSegment;
    const last = index === segments.length - 1;
    const next: Alternative[] = [];
    for (const alternative of alternatives) {
      const declarations = alternative.flatMap((schema) => {
        const properties = schema.properties as Json | undefined;
        return properties && segment in properties ? [properties[segment]] : [];
      });
      if (declarations.length === 0) continue;
      if (last) requiredFlags.push(alternative.some((schema) => ((schema.required as string[] | undefined) ?? []).includes(segment)));
      let childAlternatives: Alternative[] = [[]];
      for (const declaration of declarations) childAlternatives = cross(childAlternatives, expand(document, declaration));
      next.push(...childAlternatives);
    }
    alternatives = next;
    if (isArray && !last) {
      alternatives = alternatives.flatMap((alternative) => {
        const items = alternative.flatMap((schema) => (schema.items === undefined ? [] : [schema.items]));
        let itemAlternatives: Alternative[] = [[]];
        for (const item of items) itemAlternatives = cross(itemAlternatives, expand(document, item));
        return itemAlternatives;
      });
    }
  }
  const types = new Set<string>();
  const itemTypes = new Set<string>();
  for (const alternative of alternatives) {
    const allowed = typesOf(alternative);
    for (const t of allowed ?? ['any']) types.add(t);
    if (allowed?.has('array') ?? true) {
      // Every `items` of one alternative applies to each element (they come from one allOf).
      const items = alternative.flatMap((schema) => (schema.items === undefined ? [] : [schema.items]));
      let itemAlternatives: Alternative[] = [[]];
      for (const item of items) itemAlternatives = cross(itemAlternatives, expand(document, item));
      if (items.length > 0) for (const itemAlternative of itemAlternatives) for (const t of typesOf(itemAlternative) ?? ['any']) itemTypes.add(t);
    }
  }
  const nullable = types.has('null');
  types.delete('null');
  const requiredness = requiredFlags.length === 0 ? undefined : requiredFlags.every(Boolean) ? 'required' : 'optional';
  return { ...(requiredness && { requiredness }), types, nullable, itemTypes };
}

/** The reference's type words as JSON types (and item types for `array of …`). */
function referenceTypes(type: string): { types: string[]; itemTypes?: string[] } {
  const words: Record<string, { types: string[]; itemTypes?: string[] }> = {
    string: { types: ['string'] },
    number: { types: ['number'] },
    integer: { types: ['integer'] },
    boolean: { types: ['boolean'] },
    object: { types: ['object'] },
    array: { types: ['array'] },
    'array of strings': { types: ['array'], itemTypes: ['string'] },
    'array of objects': { types: ['array'], itemTypes: ['object'] },
    'array of objects (oneOf)': { types: ['array'], itemTypes: ['object'] },
    'array of objects or object': { types: ['array', 'object'] },
    'boolean or string (any)': { types: ['boolean', 'string'] },
  };
  const known = words[type];
  if (!known) throw new Error(`operations.json type "${type}" has no mapping in scripts/lib/spec-reference.ts`);
  return known;
}

const sameSet = (a: Iterable<string>, b: Iterable<string>) => {
  const left = [...new Set(a)].sort().join('|');
  return left === [...new Set(b)].sort().join('|');
};

/** Where a reference field lives, for messages and the list of known differences. */
function locate(method: string, path: string, where: string, name: string): string {
  return `${method} ${path} ${where} ${name}`;
}

/** One disagreement, keyed `METHOD /path where field: aspect`. */
export interface FieldDifference {
  key: string;
  detail: string;
}

function compareField(location: string, reference: ReferenceField, spec: SpecField | undefined): FieldDifference[] {
  if (!spec || spec.requiredness === undefined) {
    return [{ key: `${location}: missing`, detail: `documented (${reference.type}) but not in the spec` }];
  }
  const differences: FieldDifference[] = [];
  const expected = reference.required ? 'required' : 'optional';
  if (spec.requiredness !== expected) {
    differences.push({ key: `${location}: requiredness`, detail: `reference ${expected}, spec ${spec.requiredness}` });
  }
  const { types, itemTypes } = referenceTypes(reference.type);
  // The reference says "number" for any numeric field; the spec may narrow it to integer.
  const specTypes = [...spec.types].map((t) => (t === 'integer' && types.includes('number') ? 'number' : t));
  if (!sameSet(specTypes, types)) {
    differences.push({ key: `${location}: type`, detail: `reference ${types.join(' or ')}, spec ${[...spec.types].join(' or ')}` });
  } else if (itemTypes && !sameSet(spec.itemTypes, itemTypes)) {
    differences.push({ key: `${location}: item type`, detail: `reference ${itemTypes.join(' or ')}, spec ${[...spec.itemTypes].join(' or ') || 'none'}` });
  }
  if (reference.nullable !== undefined && spec.nullable !== reference.nullable) {
    differences.push({ key: `${location}: nullability`, detail: `reference ${reference.nullable ? 'nullable' : 'not nullable'}, spec ${spec.nullable ? 'nullable' : 'not nullable'}` });
  }
  return differences;
}

/** A parameter of the spec's operation (path-level and operation-level), `$ref`s followed. */
function specParameter(document: Json, pathItem: Json, operation: Json, name: string, location: string | undefined): Json | undefined {
  const all = [...((pathItem.parameters as unknown[]) ?? []), ...((operation.parameters as unknown[]) ?? [])].map((p) => deref(document, p));
  return all.find((p) => p.name === name && (location === undefined || p.in === location));
}

/** The JSON schema of a request body or response (`$ref`s followed), if any. */
function jsonSchemaOf(document: Json, holder: unknown): unknown {
  if (holder === undefined) return undefined;
  const content = deref(document, holder).content as Json | undefined;
  return (content?.['application/json'] as Json | undefined)?.schema;
}

/** Every field disagreement between the spec and one `full` / `partial` reference operation. */
export function compareOperation(document: Json, reference: ReferenceOperation): FieldDifference[] {
  const method = knownMethod(reference);
  const path = knownPath(reference);
  if (!method || !path) return [];
  const pathItem = (document.paths as Json)[path] as Json | undefined;
  const operation = pathItem?.[method.toLowerCase()] as Json | undefined;
  if (!pathItem || !operation) return [{ key: `${method} ${path}: operation`, detail: 'not in the spec' }];
  const differences: FieldDifference[] = [];

  for (const parameter of reference.parameters ?? []) {
    const location = locate(method, path, parameter.in ?? 'query', parameter.name);
    const found = specParameter(document, pathItem, operation, parameter.name, parameter.in);
    if (!found) {
      differences.push({ key: `${location}: missing`, detail: `documented (${parameter.type}) but not in the spec` });
      continue;
    }
    const schema = found.schema;
    const field = findField(document, { type: 'object', properties: { value: schema }, ...(found.required === true && { required: ['value'] }) }, 'value');
    differences.push(...compareField(location, parameter, field));
  }

  const bodySchema = jsonSchemaOf(document, operation.requestBody);
  for (const field of reference.requestBody?.fields ?? []) {
    const location = locate(method, path, 'body', field.name);
    differences.push(...compareField(location, field, bodySchema === undefined ? undefined : findField(document, bodySchema, field.name)));
  }

  for (const [status, response] of Object.entries(reference.responses ?? {})) {
    const fields = response.fields ?? [];
    if (fields.length === 0) continue;
    const specResponse = (operation.responses as Json | undefined)?.[status];
    const schema = jsonSchemaOf(document, specResponse);
    for (const field of fields) {
      const location = locate(method, path, `response ${status}`, field.name);
      differences.push(...compareField(location, field, schema === undefined ? undefined : findField(document, schema, field.name)));
    }
  }
  return differences;
}

/** `METHOD /path` of every operation in the spec. */
export function specOperations(document: Json): Set<string> {
  const found = new Set<string>();
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const method of METHODS) if ((item as Json)[method]) found.add(`${method.toUpperCase()} ${path}`);
  }
  return found;
}
