/**
 * Walking a loaded OpenAPI document: `$ref` chains followed, and every operation visited in
 * document order. Shared by hero-drift and the generator; hero-contract reads pointers itself.
 */
import { HTTP_METHODS, isObject, objectEntries, pointerOf, readPointer, type JsonObject, type OpenApiDocument } from './document.js';

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

/** One operation as {@link eachOperation} yields it. */
export interface OperationVisit {
  path: string;
  method: (typeof HTTP_METHODS)[number];
  pathItem: JsonObject;
  operation: JsonObject;
  /** The operationId, or `method path` when the operation has none. */
  operationId: string;
  /** Pointer to the operation as written under its section, e.g. `#/paths/~1patients/get`. */
  pointer: string;
}

/** Every operation under `paths` (or the 3.1 `webhooks` section) in document order, `$ref`ed path items followed. */
export function* eachOperation(document: OpenApiDocument, section: 'paths' | 'webhooks' = 'paths'): Generator<OperationVisit> {
  for (const [path, rawItem] of objectEntries(document[section])) {
    const pathItem = resolveRef(document, rawItem).value;
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : `${method} ${path}`;
      yield { path, method, pathItem, operation, operationId, pointer: pointerOf(section, path, method) };
    }
  }
}
