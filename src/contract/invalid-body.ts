/**
 * Derives a request body the operation's schema rejects, from its valid example, for the
 * "a body that violates the schema is rejected" negative case.
 */
import { resolveAt } from './spec.js';
import type { SpecValidator } from './validate.js';

/** A body the schema rejects, and how it was broken (for the case title and messages). */
export interface InvalidBody {
  readonly value: unknown;
  readonly how: string;
}

const wrongTypeFor = (value: unknown): unknown => {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not-a-number';
  if (typeof value === 'boolean') return 'not-a-boolean';
  return 'not-an-object-or-array';
};

/**
 * Tries, in order: drop a required property, give a typed property a value of the wrong
 * type, send a JSON array instead of an object. Each candidate is confirmed with ajv, so
 * the case never claims a body is invalid when the spec would accept it. Returns undefined
 * when the schema accepts anything (an open, undocumented body).
 */
export function makeInvalidBody(doc: unknown, validator: SpecValidator, schemaPointer: string, valid: unknown): InvalidBody | undefined {
  const candidates: InvalidBody[] = [];
  const schema = resolveAt(doc, schemaPointer);
  const objectLike = valid !== null && typeof valid === 'object' && !Array.isArray(valid);
  if (schema && objectLike) {
    const record = valid as Record<string, unknown>;
    for (const key of requiredKeys(doc, schema.pointer)) {
      if (!(key in record)) continue;
      const { [key]: _dropped, ...rest } = record;
      candidates.push({ value: rest, how: `required property "${key}" removed` });
    }
    for (const [key, value] of Object.entries(record)) {
      candidates.push({ value: { ...record, [key]: wrongTypeFor(value) }, how: `property "${key}" given a ${typeof wrongTypeFor(value)}` });
    }
  }
  candidates.push({ value: ['not', 'an', 'object'], how: 'a JSON array sent instead of the documented body' });
  candidates.push({ value: 'not-json-object', how: 'a JSON string sent instead of the documented body' });
  return candidates.find((c) => validator.validate(schemaPointer, c.value).length > 0);
}

/** `required` of a schema and of its `allOf` parts. */
function requiredKeys(doc: unknown, pointer: string, depth = 0): string[] {
  const resolved = resolveAt(doc, pointer);
  if (!resolved || depth > 8) return [];
  const own = Array.isArray(resolved.node.required) ? resolved.node.required.map(String) : [];
  const parts = Array.isArray(resolved.node.allOf) ? resolved.node.allOf.flatMap((_, i) => requiredKeys(doc, `${resolved.pointer}/allOf/${i}`, depth + 1)) : [];
  return [...own, ...parts];
}
