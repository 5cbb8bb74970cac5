/**
 * Look-ups over generated/operations.ts, built once at import: which operation a method
 * and path template are, and the method and path of an operation. Errors use them to
 * name the operation (`getPatientById`, `GET /v1/patients/{id}`) rather than a URL.
 */
import { operations, type OperationId } from '../generated/operations.js';

// Per method, path template → operationId: the hot path (every `hero.raw` call) builds no key string.
const operationIdByMethod = new Map<string, Map<string, OperationId>>();
const routeById = new Map<string, { readonly method: string; readonly path: string }>();
for (const o of operations) {
  let byPath = operationIdByMethod.get(o.method);
  if (byPath === undefined) operationIdByMethod.set(o.method, (byPath = new Map()));
  byPath.set(o.path, o.operationId);
  routeById.set(o.operationId, o);
}

/** Path template → operationId for one upper-case HTTP method (empty when the spec has none). */
export function operationIdsFor(method: string): ReadonlyMap<string, OperationId> {
  return operationIdByMethod.get(method) ?? new Map();
}

/** operationId, method and path template of an operation, for error messages. */
export function describeOperation(operationId: OperationId): { operationId: OperationId; method: string; path: string } {
  const route = routeById.get(operationId);
  return { operationId, method: route?.method ?? 'UNKNOWN', path: route?.path ?? operationId };
}
