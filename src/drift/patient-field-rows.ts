/**
 * Finds, in a spec, every request field that carries a patient identifier (NHS number,
 * date of birth, postcode) by its wire name, so `generated/patient-fields.ts` lists where
 * the client must check them — derived from the spec, not from a hand-kept list. A new
 * operation with `nhs_number` in its body is checked as soon as `npm run generate` runs.
 */
import { patientFieldKind, type PatientFieldKind } from '../validation/patient-field-names.js';
import { isObject, objectEntries, type JsonObject, type OpenApiDocument } from '../openapi/document.js';
import { eachOperation, resolveRef } from '../openapi/operations.js';

/** One field to check: where it is in an operation's request, and how to check it. */
export interface PatientFieldRow {
  operationId: string;
  /** `query` parameter or JSON `body` field. */
  in: 'query' | 'body';
  /** Property names from the body root (`[]` steps into array items); one name for a query parameter. */
  path: string[];
  kind: PatientFieldKind;
  /** The schema's `format` (`date`, `date-time`), if any. */
  format?: string;
  /** Whether the schema allows JSON `null`. */
  nullable: boolean;
}

function typeAllowsNull(schema: JsonObject): boolean {
  return schema.nullable === true || schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'));
}

/** Walks a schema (through refs, allOf/oneOf/anyOf and array items), calling `found` for each patient field. */
function walkSchema(
  document: OpenApiDocument,
  schemaOrRef: unknown,
  path: string[],
  found: (path: string[], kind: PatientFieldKind, schema: JsonObject) => void,
  seen: Set<unknown>,
): void {
  const schema = resolveRef(document, schemaOrRef).value;
  if (!isObject(schema) || seen.has(schema)) return;
  seen.add(schema);
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    const parts = schema[key];
    if (Array.isArray(parts)) for (const part of parts) walkSchema(document, part, path, found, seen);
  }
  if (schema.items !== undefined) walkSchema(document, schema.items, [...path, '[]'], found, seen);
  for (const [name, property] of objectEntries(schema.properties)) {
    const kind = patientFieldKind(name);
    const resolved = resolveRef(document, property).value;
    if (kind !== undefined && isObject(resolved)) found([...path, name], kind, resolved);
    else walkSchema(document, property, [...path, name], found, seen);
  }
  seen.delete(schema);
}

/** Every patient-identifier field of every operation's query and JSON body, in document order, without duplicates. */
export function listPatientFieldRows(document: OpenApiDocument): PatientFieldRow[] {
  const rows: PatientFieldRow[] = [];
  const keys = new Set<string>();
  for (const { pathItem: item, operation, operationId } of eachOperation(document)) {
    const add = (row: PatientFieldRow) => {
      const key = `${row.operationId} ${row.in} ${row.path.join('.')}`;
      if (keys.has(key)) return;
      keys.add(key);
      rows.push(row);
    };
    const parameters = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])];
    for (const rawParameter of parameters) {
      const parameter = resolveRef(document, rawParameter).value;
      if (!isObject(parameter) || parameter.in !== 'query' || typeof parameter.name !== 'string') continue;
      const kind = patientFieldKind(parameter.name);
      const schema = resolveRef(document, parameter.schema).value;
      if (kind === undefined) continue;
      const format = isObject(schema) && typeof schema.format === 'string' ? schema.format : undefined;
      add({ operationId, in: 'query', path: [parameter.name], kind, ...(format && { format }), nullable: false });
    }
    const body = resolveRef(document, operation.requestBody).value;
    const content = isObject(body) && isObject(body.content) ? body.content['application/json'] : undefined;
    if (!isObject(content)) continue;
    walkSchema(document, content.schema, [], (fieldPath, kind, schema) => {
      const format = typeof schema.format === 'string' ? schema.format : undefined;
      add({ operationId, in: 'body', path: fieldPath, kind, ...(format && { format }), nullable: typeAllowsNull(schema) });
    }, new Set());
  }
  return rows;
}

/**
 * Operations searched by `field` + `search` query parameters (Hero's v1/v2 patient lists):
 * when `field` names a patient identifier, `search` must be a valid one.
 */
export function listFieldSearchOperations(document: OpenApiDocument): string[] {
  const found: string[] = [];
  for (const { operation, operationId } of eachOperation(document)) {
    if (!Array.isArray(operation.parameters)) continue;
    const names = operation.parameters
      .map((p) => resolveRef(document, p).value)
      .filter((p): p is JsonObject => isObject(p) && p.in === 'query')
      .map((p) => p.name);
    if (names.includes('field') && names.includes('search')) {
      found.push(operationId);
    }
  }
  return found;
}

/** `generated/patient-fields.ts`, without its banner. */
export function renderPatientFields(document: OpenApiDocument): string {
  const rows = listPatientFieldRows(document).map((row) => `  ${JSON.stringify(row)},`);
  return (
    '/**\n' +
    ' * Request fields that carry a patient identifier, found by wire name (nhs_number, dob,\n' +
    ' * date_of_birth, postcode…) in every query and JSON body of the spec. The client checks\n' +
    ' * each before sending (src/validation/patient-identifiers.ts).\n' +
    ' */\n' +
    `export const patientFields = [\n${rows.join('\n')}\n] as const;\n\n` +
    "/** Operations whose `field` query parameter names what `search` holds (Hero's v1/v2 patient lists). */\n" +
    `export const fieldSearchOperations = ${JSON.stringify(listFieldSearchOperations(document))} as const;\n`
  );
}
