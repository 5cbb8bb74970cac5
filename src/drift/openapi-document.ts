/**
 * Drift's view of a document: operations matched across two versions, canonical JSON, and
 * `$ref` chains followed. The document itself and pointer reading live in src/openapi/.
 */
import { HTTP_METHODS, isObject, objectEntries, pointerOf, readPointer, type JsonObject, type OpenApiDocument } from '../openapi/document.js';

/**
 * JSON text with object keys sorted, so two documents that differ only in key order (a
 * re-serialised YAML file, say) compare equal. Array order is kept: it can carry meaning.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    isObject(node) ? Object.fromEntries(Object.keys(node).sort().map((key) => [key, node[key]])) : node,
  );
}

/** A deep copy with every object's keys sorted; array order is kept. */
export function canonicalDocument<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T;
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
 * Follows `$ref`s until a non-reference value. A loaded document has only internal
 * (`#/...`) refs: src/openapi/load.ts refuses or inlines any other.
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
