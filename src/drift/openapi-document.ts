/**
 * Drift's view of a document: operations matched across two versions, and canonical JSON.
 * The document, pointers, `$ref`s and the operation walk live in src/openapi/.
 */
import { isObject, type JsonObject, type OpenApiDocument } from '../openapi/document.js';
import { eachOperation } from '../openapi/operations.js';

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
  for (const { path, method, pathItem, operation, pointer } of eachOperation(document, section)) {
    const upper = method.toUpperCase();
    const operationId = typeof operation.operationId === 'string' ? ` (${operation.operationId})` : '';
    const key = section === 'paths' ? `${upper} ${normalizePathTemplate(path)}` : `WEBHOOK ${path} ${upper}`;
    const label = section === 'paths' ? `${upper} ${path}${operationId}` : `webhook ${path}${operationId}`;
    operations.set(key, { key, method, path, label, operation, pathItem, pointer });
  }
  return operations;
}
