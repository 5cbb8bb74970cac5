/** A parsed JSON or YAML object. */
export type JsonObject = { [key: string]: unknown };

/** An OpenAPI 3.x document as parsed from YAML or JSON; only `openapi` is checked on load. */
export interface OpenApiDocument extends JsonObject {
  openapi: string;
}

/** The HTTP methods a Path Item can hold, in the order reports list them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's own entries when `value` is an object, otherwise none. */
export function objectEntries(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}

/**
 * JSON text with object keys sorted, so two documents that differ only in key order (a
 * re-serialised YAML file, say) compare equal. Array order is kept: it can carry meaning.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    isObject(node) ? Object.fromEntries(Object.keys(node).sort().map((key) => [key, node[key]])) : node,
  );
}

/** Escapes one segment of a JSON pointer (RFC 6901). */
export function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a `#/a/b` pointer from raw segments. */
export function pointerOf(...segments: string[]): string {
  return `#/${segments.map(escapePointerSegment).join('/')}`;
}

/** A value reached by following internal `$ref`s, with the last ref followed (if any). */
export interface Resolved {
  value: unknown;
  /** The last `$ref` followed, e.g. `#/components/schemas/Patient`. */
  ref?: string;
}

// A bundle can chain refs (a ref to a ref); more than this many hops is a cycle.
const MAX_REF_HOPS = 32;

/**
 * Follows internal `$ref`s (`#/...`) until a non-reference value. External refs are
 * left as they are: Hero publishes a bundled single-file spec.
 */
export function resolveRef(document: OpenApiDocument, value: unknown): Resolved {
  let current = value;
  let ref: string | undefined;
  for (let hop = 0; hop < MAX_REF_HOPS; hop += 1) {
    if (!isObject(current) || typeof current.$ref !== 'string' || !current.$ref.startsWith('#')) break;
    ref = current.$ref;
    current = readPointer(document, ref);
  }
  return ref === undefined ? { value: current } : { value: current, ref };
}

/** Reads a `#/a/b` pointer; `undefined` when any segment is missing. */
export function readPointer(document: OpenApiDocument, pointer: string): unknown {
  const segments = pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeSegment(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
  let current: unknown = document;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isObject(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

// Refs written as URI fragments may percent-encode braces (`%7Bid%7D`); a stray `%` is kept as is.
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Path templates that differ only in parameter names are the same route
 * (`/patients/{id}` and `/patients/{patientId}`); openapi-diff matches them the same way.
 */
export function normalizePathTemplate(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

/** One operation of a document, with what reports need to name it. */
export interface OperationEntry {
  /** Match key across documents: `GET /patients/{}`. */
  key: string;
  method: string;
  path: string;
  /** `GET /patients/{id} (getPatient)`. */
  label: string;
  operation: JsonObject;
  pathItem: JsonObject;
  /** Pointer to the operation, e.g. `#/paths/~1patients/get`. */
  pointer: string;
}

/** Every operation under `paths` (or the 3.1 `webhooks` section), keyed by {@link OperationEntry.key}. */
export function listOperations(
  document: OpenApiDocument,
  section: 'paths' | 'webhooks' = 'paths',
): Map<string, OperationEntry> {
  const operations = new Map<string, OperationEntry>();
  for (const [path, rawItem] of objectEntries(document[section])) {
    const pathItem = resolveRef(document, rawItem).value;
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const upper = method.toUpperCase();
      const operationId = typeof operation.operationId === 'string' ? ` (${operation.operationId})` : '';
      const key = section === 'paths' ? `${upper} ${normalizePathTemplate(path)}` : `WEBHOOK ${path} ${upper}`;
      const label = section === 'paths' ? `${upper} ${path}${operationId}` : `webhook ${path}${operationId}`;
      operations.set(key, { key, method, path, label, operation, pathItem, pointer: pointerOf(section, path, method) });
    }
  }
  return operations;
}

/** One operation as {@link eachOperation} yields it. */
export interface OperationVisit {
  path: string;
  method: (typeof HTTP_METHODS)[number];
  pathItem: JsonObject;
  operation: JsonObject;
  /** The operationId, or `method path` when the operation has none. */
  operationId: string;
}

/** Every operation under `paths` in document order, `$ref`ed path items followed. */
export function* eachOperation(document: OpenApiDocument): Generator<OperationVisit> {
  for (const [path, rawItem] of objectEntries(document.paths)) {
    const pathItem = resolveRef(document, rawItem).value;
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : `${method} ${path}`;
      yield { path, method, pathItem, operation, operationId };
    }
  }
}
