import type { DriftChange, Severity } from './change.js';
import { HeroSpecError } from '../openapi/spec-error.js';
import { importTool } from './optional-import.js';
import {
  HTTP_METHODS,
  isObject,
  objectEntries,
  pointerOf,
  readPointer,
  type JsonObject,
  type OpenApiDocument,
} from '../openapi/document.js';
import { canonicalJson, listOperations, normalizePathTemplate } from './openapi-document.js';

/**
 * A change found by openapi-diff, mapped to our severities. `bodyKey` names the
 * request or response body a set-theory finding is about, so classify.ts can drop it
 * when our own rules already explain that body property by property.
 */
export interface OpenapiDiffChange extends DriftChange {
  bodyKey?: string;
}

/** A labelled spec handed to {@link runOpenapiDiff}. */
export interface LabelledDocument {
  document: OpenApiDocument;
  /** File path or URL, used in error messages. */
  label: string;
}

/**
 * Runs openapi-diff on two documents and maps its findings to {@link DriftChange}s.
 * openapi-diff 0.24 validates with a 3.0-only parser, so both sides are first projected
 * to the 3.0 subset it reads ({@link projectForOpenapiDiff}); the projection is the same
 * for both, so it cannot invent a difference.
 */
export async function runOpenapiDiff(before: LabelledDocument, after: LabelledDocument): Promise<OpenapiDiffChange[]> {
  const [projectedBefore, projectedAfter] = dropUnchangedOperations(
    projectForOpenapiDiff(before.document),
    projectForOpenapiDiff(after.document),
  );
  const { default: openapiDiff } = await importTool('openapi-diff', () => import('openapi-diff'));
  let outcome: Awaited<ReturnType<typeof openapiDiff.diffSpecs>>;
  try {
    outcome = await openapiDiff.diffSpecs({
      sourceSpec: { content: JSON.stringify(projectedBefore), location: before.label, format: 'openapi3' },
      destinationSpec: { content: JSON.stringify(projectedAfter), location: after.label, format: 'openapi3' },
    });
  } catch (error) {
    const detail = describeOpenapiDiffError(error);
    throw new HeroSpecError(`openapi-diff could not read the specs: ${detail}`, after.label, { reason: 'unparsable', cause: error });
  }
  const results = [
    ...('breakingDifferences' in outcome ? outcome.breakingDifferences : []),
    ...outcome.nonBreakingDifferences,
    ...outcome.unclassifiedDifferences,
  ];
  return results.flatMap((result) => mapResult(result, before.document, after.document));
}

// openapi-diff wraps swagger-parser's message in a VError chain; the innermost text says what is wrong.
function describeOpenapiDiffError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message.split('\n').slice(0, 3).join(' ');
}

type DiffResult = Parameters<typeof mapResult>[0];

function mapResult(
  result: {
    code: string;
    sourceSpecEntityDetails: { location: string; value?: unknown }[];
    destinationSpecEntityDetails: { location: string; value?: unknown }[];
    details?: unknown;
  },
  before: OpenApiDocument,
  after: OpenApiDocument,
): OpenapiDiffChange[] {
  const sourceLocation = result.sourceSpecEntityDetails[0]?.location;
  const destinationLocation = result.destinationSpecEntityDetails[0]?.location;
  const change = (severity: Severity, rule: string, location: string, operations: string[], message: string) =>
    ({ severity, rule, source: 'openapi-diff', operations, location, message }) satisfies OpenapiDiffChange;

  switch (result.code) {
    case 'path.remove':
    case 'method.remove': {
      const where = parseLocation(before, sourceLocation);
      return operationsAt(before, where).map((operation) =>
        change('breaking', 'operation.removed', operation.pointer, [operation.label], `Operation ${operation.label} was removed.`),
      );
    }
    case 'path.add':
    case 'method.add': {
      const where = parseLocation(after, destinationLocation);
      return operationsAt(after, where).map((operation) =>
        change('non-breaking', 'operation.added', operation.pointer, [operation.label], `New operation ${operation.label}.`),
      );
    }
    case 'response.status-code.add': {
      const where = parseLocation(after, destinationLocation);
      const status = where?.rest[1] ?? '?';
      return [
        change('warning', 'response.status.added', locationPointer(where), operationLabels(after, where),
          `New response status ${status}; code that switches on status may not handle it.`),
      ];
    }
    case 'response.status-code.remove': {
      const where = parseLocation(before, sourceLocation);
      const status = where?.rest[1] ?? '?';
      // A removed success status takes away the body the client reads; a removed error status only makes a handler idle.
      const success = /^2/.test(status);
      return [
        success
          ? change('breaking', 'response.status.success-removed', locationPointer(where), operationLabels(before, where),
              `Success response ${status} was removed; the body the client reads for it no longer exists.`)
          : change('non-breaking', 'response.status.error-removed', locationPointer(where), operationLabels(before, where),
              `Response status ${status} is no longer documented.`),
      ];
    }
    case 'response.required.header.remove':
    case 'response.optional.header.remove': {
      const where = parseLocation(before, sourceLocation);
      const required = result.code.includes('required');
      return [
        change(required ? 'breaking' : 'non-breaking', required ? 'response.header.required-removed' : 'response.header.optional-removed',
          locationPointer(where), operationLabels(before, where),
          `Response header ${where?.rest.at(-1) ?? '?'} (${required ? 'required' : 'optional'}) was removed.`),
      ];
    }
    case 'response.required.header.add':
    case 'response.optional.header.add': {
      const where = parseLocation(after, destinationLocation);
      return [
        change('non-breaking', 'response.header.added', locationPointer(where), operationLabels(after, where),
          `New response header ${where?.rest.at(-1) ?? '?'}.`),
      ];
    }
    case 'request.body.scope.add':
    case 'request.body.scope.remove':
    case 'response.body.scope.add':
    case 'response.body.scope.remove':
      return [mapScopeResult(result as DiffResult, before, sourceLocation ?? destinationLocation)];
    default: {
      const where = parseLocation(before, sourceLocation) ?? parseLocation(after, destinationLocation);
      return [
        change('non-breaking', 'extension.changed', locationPointer(where) ?? '#', [],
          `Specification extension changed at ${sourceLocation ?? destinationLocation ?? 'the document root'}.`),
      ];
    }
  }
}

// Set-theory findings say "this body now accepts or may contain other values"; severity
// follows the direction: fewer accepted request values or more possible response values hurt a client.
function mapScopeResult(result: DiffResult, document: OpenApiDocument, location: string | undefined): OpenapiDiffChange {
  const where = parseLocation(document, location);
  const isRequest = result.code.startsWith('request');
  const widened = result.code.endsWith('.add');
  const severity: Severity = isRequest ? (widened ? 'non-breaking' : 'breaking') : widened ? 'breaking' : 'non-breaking';
  const message = isRequest
    ? widened
      ? 'The request body accepts values it did not accept before.'
      : 'The request body no longer accepts some values it accepted before.'
    : widened
      ? 'The response body may contain values it could not contain before.'
      : 'The response body can no longer contain some values it could before.';
  const bodyKey = where === undefined ? undefined : bodyKeyOf(where);
  const change: OpenapiDiffChange = {
    severity,
    rule: `${isRequest ? 'request' : 'response'}.body.scope-${widened ? 'widened' : 'narrowed'}`,
    source: 'openapi-diff',
    operations: operationLabels(document, where),
    location: locationPointer(where) ?? '#',
    message: `${message} (openapi-diff set comparison; see details.differenceSchema.)`,
  };
  if (isObject(result.details)) change.details = { differenceSchema: result.details.differenceSchema };
  if (bodyKey !== undefined) change.bodyKey = bodyKey;
  return change;
}

interface ParsedLocation {
  path: string;
  method?: string;
  /** Segments after the method, e.g. `['responses', '200', 'headers', 'X-Rate']`. */
  rest: string[];
}

// openapi-diff joins locations with dots (`paths./a/{id}.get.responses.200`), and paths or
// media types may contain dots too, so the path is matched against the document's own keys.
function parseLocation(document: OpenApiDocument, location: string | undefined): ParsedLocation | undefined {
  if (location === undefined || !location.startsWith('paths.')) return undefined;
  const tail = location.slice('paths.'.length);
  const paths = Object.keys(isObject(document.paths) ? document.paths : {}).sort((a, b) => b.length - a.length);
  const path = paths.find((candidate) => tail === candidate || tail.startsWith(`${candidate}.`));
  if (path === undefined) return undefined;
  const remainder = tail.slice(path.length + 1);
  if (remainder === '') return { path, rest: [] };
  const [method, ...rest] = splitRest(remainder);
  return method !== undefined && (HTTP_METHODS as readonly string[]).includes(method) ? { path, method, rest } : { path, rest: [] };
}

// `responses.200.content.application/json.schema`: only the media type may hold dots, so
// rejoin everything between `content` and the trailing `schema`.
function splitRest(remainder: string): string[] {
  const parts = remainder.split('.');
  const contentIndex = parts.indexOf('content');
  if (contentIndex === -1 || parts.at(-1) !== 'schema') return parts;
  return [...parts.slice(0, contentIndex + 1), parts.slice(contentIndex + 1, -1).join('.'), 'schema'];
}

function operationsAt(document: OpenApiDocument, where: ParsedLocation | undefined) {
  if (where === undefined) return [];
  const operations = [...listOperations(document).values()].filter((operation) => operation.path === where.path);
  return where.method === undefined ? operations : operations.filter((operation) => operation.method === where.method);
}

function operationLabels(document: OpenApiDocument, where: ParsedLocation | undefined): string[] {
  if (where?.method === undefined) return [];
  return operationsAt(document, where).map((operation) => operation.label);
}

function locationPointer(where: ParsedLocation | undefined): string {
  if (where === undefined) return '#';
  return pointerOf('paths', where.path, ...(where.method === undefined ? [] : [where.method]), ...where.rest);
}

/**
 * Key of one request or response body, shared with the rule walker:
 * `POST /patients/{} request application/json` or `GET /patients/{} response 200 application/json`.
 */
export function bodyKeyOf(where: { path: string; method?: string; rest: readonly string[] }): string | undefined {
  if (where.method === undefined) return undefined;
  const operationKey = `${where.method.toUpperCase()} ${normalizePathTemplate(where.path)}`;
  const [first, second, , mediaType] = where.rest;
  if (first === 'requestBody') return `${operationKey} request ${where.rest[2] ?? ''}`;
  if (first === 'responses' && second !== undefined) return `${operationKey} response ${second} ${mediaType ?? ''}`;
  return undefined;
}

/**
 * openapi-diff runs a set comparison (json-schema-diff) for every operation on both sides,
 * changed or not, at tens of milliseconds each: about 12 s for Hero's 65 operations on two
 * cores. An operation whose projection, with every `$ref` expanded, is the same on both
 * sides cannot produce a finding, so it is left out of both; a path left with no
 * operation goes too. openapi-diff then only works on what changed.
 */
export function dropUnchangedOperations(before: JsonObject, after: JsonObject): [JsonObject, JsonObject] {
  const pathsBefore: JsonObject = isObject(before.paths) ? { ...before.paths } : {};
  const pathsAfter: JsonObject = isObject(after.paths) ? { ...after.paths } : {};
  for (const [path, itemBefore] of Object.entries(pathsBefore)) {
    const itemAfter = pathsAfter[path];
    if (!isObject(itemBefore) || !isObject(itemAfter) || typeof itemBefore.$ref === 'string' || typeof itemAfter.$ref === 'string') continue;
    const keptBefore: JsonObject = { ...itemBefore };
    const keptAfter: JsonObject = { ...itemAfter };
    for (const method of HTTP_METHODS) {
      const operationBefore = itemBefore[method];
      const operationAfter = itemAfter[method];
      if (!isObject(operationBefore) || !isObject(operationAfter)) continue;
      const expandedBefore = expandRefs(before, operationBefore);
      if (expandedBefore === undefined || expandedBefore !== expandRefs(after, operationAfter)) continue;
      delete keptBefore[method];
      delete keptAfter[method];
    }
    const hasOperation = (item: JsonObject) => HTTP_METHODS.some((method) => item[method] !== undefined);
    if (!hasOperation(keptBefore) && !hasOperation(keptAfter)) {
      delete pathsBefore[path];
      delete pathsAfter[path];
    } else {
      pathsBefore[path] = keptBefore;
      pathsAfter[path] = keptAfter;
    }
  }
  return [
    { ...before, paths: pathsBefore },
    { ...after, paths: pathsAfter },
  ];
}

// Past this size the comparison is not worth it; the operation is simply not stubbed.
const MAX_EXPANDED_CHARS = 2_000_000;

// JSON text of `value` with internal refs replaced by their targets; a ref met again
// inside itself stays a ref. `undefined` when the text would exceed MAX_EXPANDED_CHARS.
function expandRefs(document: JsonObject, value: unknown): string | undefined {
  let size = 0;
  const stack: string[] = [];
  const expand = (node: unknown): unknown => {
    size += 1;
    if (size > MAX_EXPANDED_CHARS / 20) throw new RangeError('too large');
    if (Array.isArray(node)) return node.map(expand);
    if (!isObject(node)) return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
      if (stack.includes(node.$ref)) return { $ref: node.$ref };
      stack.push(node.$ref);
      const target = expand(readPointer(document as OpenApiDocument, node.$ref));
      stack.pop();
      return target;
    }
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, expand(child)]));
  };
  try {
    const text = canonicalJson(expand(value));
    return text.length > MAX_EXPANDED_CHARS ? undefined : text;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// Projection to the OpenAPI 3.0 subset openapi-diff reads.

// Schema keywords OpenAPI 3.0 allows; anything else (3.1's `examples`, `const`,
// `prefixItems`, `$defs`...) would fail swagger-parser's 3.0 validation.
// Documentation keywords (`title`, `description`) are left out: openapi-diff compares value sets,
// and a malformed one (`title: null`) would stop its validator for nothing. A keyword whose
// value has the wrong JSON type is left out for the same reason; our own rules still see it.
const NUMBER = (value: unknown) => typeof value === 'number';
const STRING = (value: unknown) => typeof value === 'string';
const BOOLEAN = (value: unknown) => typeof value === 'boolean';
const ANY = () => true;
const NON_EMPTY = (value: unknown) => Array.isArray(value) && value.length > 0;
const JSON_TYPES = new Set<unknown>(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
const SCHEMA_KEYWORDS_30 = new Map<string, (value: unknown) => boolean>([
  ['multipleOf', NUMBER], ['maximum', NUMBER], ['exclusiveMaximum', ANY], ['minimum', NUMBER], ['exclusiveMinimum', ANY],
  ['maxLength', NUMBER], ['minLength', NUMBER], ['pattern', STRING], ['maxItems', NUMBER], ['minItems', NUMBER],
  ['uniqueItems', BOOLEAN], ['maxProperties', NUMBER], ['minProperties', NUMBER],
  ['required', (value) => Array.isArray(value) && value.every(STRING)], ['enum', Array.isArray],
  ['type', (value) => (Array.isArray(value) ? value : [value]).every((type) => JSON_TYPES.has(type))],
  ['allOf', NON_EMPTY], ['oneOf', NON_EMPTY], ['anyOf', NON_EMPTY], ['not', ANY], ['items', ANY],
  ['properties', isObject], ['additionalProperties', ANY], ['format', STRING], ['default', ANY],
  ['nullable', BOOLEAN], ['readOnly', BOOLEAN], ['writeOnly', BOOLEAN], ['deprecated', BOOLEAN],
]);

/**
 * Projects an OpenAPI 3.0 or 3.1 document onto the 3.0.3 subset openapi-diff compares:
 * paths, operations (with path parameters declared from the template), bodies, responses,
 * headers and the components they reference. 3.1 schema forms are rewritten (`type: [x, 'null']` to
 * `nullable`, `const` to `enum`, numeric `exclusiveMinimum` to the boolean form).
 * Everything openapi-diff ignores (security, servers, docs) is dropped; our own rules cover it.
 */
export function projectForOpenapiDiff(document: OpenApiDocument): JsonObject {
  const paths: JsonObject = {};
  for (const [path, item] of objectEntries(document.paths)) {
    if (!isObject(item)) continue;
    if (typeof item.$ref === 'string') {
      paths[path] = { $ref: item.$ref };
      continue;
    }
    const projected: JsonObject = {};
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isObject(operation)) projected[method] = { parameters: templateParameters(path), ...projectOperation(operation) };
    }
    paths[path] = projected;
  }
  const components: JsonObject = {};
  const source = isObject(document.components) ? document.components : {};
  const sections: [string, (value: unknown) => unknown][] = [
    ['schemas', projectSchema],
    ['responses', projectResponse],
    ['requestBodies', projectRequestBody],
    ['headers', projectHeader],
    ['pathItems', projectPathItem],
  ];
  for (const [section, project] of sections) {
    const entries = objectEntries(source[section]);
    if (entries.length > 0) components[section] = Object.fromEntries(entries.map(([name, value]) => [name, project(value)]));
  }
  return {
    openapi: '3.0.3',
    info: { title: 'projection for openapi-diff', version: '0' },
    paths,
    components,
    ...extensionsOf(document),
  };
}

// Reusable path items (3.1) are not reached by openapi-diff; their operations are projected
// without parameters, since the path template they will serve is not known here.
function projectPathItem(item: unknown): unknown {
  if (!isObject(item)) return item;
  const projected: JsonObject = {};
  for (const method of HTTP_METHODS) {
    const operation = item[method];
    if (isObject(operation)) projected[method] = projectOperation(operation);
  }
  return projected;
}

function projectOperation(operation: JsonObject): JsonObject {
  const projected: JsonObject = {};
  if (operation.requestBody !== undefined) projected.requestBody = projectRequestBody(operation.requestBody);
  const responses = objectEntries(operation.responses);
  // 3.0 requires at least one response; 3.1 does not. Both sides get the same placeholder.
  projected.responses =
    responses.length === 0
      ? { default: { description: '' } }
      : Object.fromEntries(responses.map(([status, response]) => [status, projectResponse(response)]));
  return { ...projected, ...extensionsOf(operation) };
}

// openapi-diff does not compare parameters (our rules do), but swagger-parser insists that
// each path template variable is declared, and only those. Declaring them from the
// template itself keeps a spec with a missing or stray declaration readable.
function templateParameters(path: string): JsonObject[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: {} }));
}

function projectRequestBody(body: unknown): unknown {
  if (!isObject(body)) return body;
  if (typeof body.$ref === 'string') return { $ref: body.$ref };
  return { content: projectContent(body.content), ...(body.required === true ? { required: true } : {}) };
}

function projectResponse(response: unknown): unknown {
  if (!isObject(response)) return response;
  if (typeof response.$ref === 'string') return { $ref: response.$ref };
  const projected: JsonObject = { description: '' };
  const headers = objectEntries(response.headers);
  if (headers.length > 0) projected.headers = Object.fromEntries(headers.map(([name, header]) => [name, projectHeader(header)]));
  if (isObject(response.content)) projected.content = projectContent(response.content);
  return projected;
}

function projectHeader(header: unknown): unknown {
  if (!isObject(header)) return header;
  if (typeof header.$ref === 'string') return { $ref: header.$ref };
  return { required: header.required === true, schema: {} };
}

function projectContent(content: unknown): JsonObject {
  return Object.fromEntries(
    objectEntries(content).map(([mediaType, media]) => [
      mediaType,
      isObject(media) && media.schema !== undefined ? { schema: projectSchema(media.schema) } : {},
    ]),
  );
}

function projectSchema(schema: unknown): unknown {
  if (schema === true) return {};
  if (schema === false) return { not: {} };
  if (!isObject(schema)) return {};
  // In 3.0 a $ref replaces its siblings; 3.1 allows `description` beside it.
  if (typeof schema.$ref === 'string') return { $ref: schema.$ref };
  const projected: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (SCHEMA_KEYWORDS_30.get(keyword)?.(value) !== true) continue;
    projected[keyword] = value;
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type): type is string => typeof type === 'string' && type !== 'null');
    if (types.length !== schema.type.length) projected.nullable = true;
    delete projected.type;
    if (types.length === 1) projected.type = types[0];
    else if (types.length > 1) projected.anyOf = types.map((type) => ({ type }));
  } else if (schema.type === 'null') {
    delete projected.type;
    projected.nullable = true;
    projected.enum = [null];
  }
  if ('const' in schema) projected.enum = [schema.const];
  for (const [numeric, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof schema[numeric] === 'number') {
      projected[bound] = schema[numeric];
      projected[numeric] = true;
    }
  }
  if (Array.isArray(projected.required) && projected.required.length === 0) delete projected.required;
  if (Array.isArray(projected.enum) && projected.enum.length === 0) delete projected.enum;
  if (isObject(projected.properties)) {
    projected.properties = Object.fromEntries(Object.entries(projected.properties).map(([name, value]) => [name, projectSchema(value)]));
  }
  for (const keyword of ['items', 'not'] as const) {
    if (projected[keyword] !== undefined) projected[keyword] = projectSchema(projected[keyword]);
  }
  if (isObject(projected.additionalProperties)) projected.additionalProperties = projectSchema(projected.additionalProperties);
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = projected[keyword];
    if (Array.isArray(list)) projected[keyword] = list.map(projectSchema);
  }
  return projected;
}

function extensionsOf(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([key]) => key.startsWith('x-')));
}
