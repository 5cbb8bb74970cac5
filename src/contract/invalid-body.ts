/**
 * Request bodies the operation's schema rejects, derived from its valid examples, for the
 * "a body that violates the schema is rejected" negative cases: one per required property
 * (removed) and one per typed property (given a value of another type). A server that checks
 * only the first field, or only presence and not types, fails the others.
 */
import { isJsonMediaType, resolveAt, type LoadedSpec, type OperationSpec } from './spec.js';

/** A body the schema rejects, and how it was broken (for the case title and messages). */
export interface InvalidBody {
  readonly value: unknown;
  readonly how: string;
  /** The named request example it was derived from (undefined: the only example). */
  readonly fromExample: string | undefined;
  /** Position among the operation's candidates; 0 is the one run on the embedded mock. */
  readonly index: number;
}

/** A value of another JSON type than the schema's `type`, so the change is a type error. */
function wrongTypeFor(types: readonly string[]): { value: unknown; type: string } {
  if (!types.includes('string')) return { value: 'not-a-number-or-object', type: 'string' };
  if (!types.includes('integer') && !types.includes('number')) return { value: 12345, type: 'number' };
  return { value: true, type: 'boolean' };
}

type Schema = Record<string, unknown>;

/** The schema and its `allOf`/`oneOf`/`anyOf` parts, with `$ref`s followed. */
function schemaParts(doc: unknown, pointer: string, depth = 0): { node: Schema; pointer: string }[] {
  const resolved = resolveAt(doc, pointer);
  if (!resolved || depth > 8) return [];
  const parts = [resolved];
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = resolved.node[keyword];
    if (Array.isArray(list)) list.forEach((_, i) => parts.push(...schemaParts(doc, `${resolved.pointer}/${keyword}/${i}`, depth + 1)));
  }
  return parts;
}

/** The declared `type`s of a property, from whichever part of the schema declares it. */
function propertyTypes(doc: unknown, parts: readonly { node: Schema; pointer: string }[], key: string): string[] {
  const types = new Set<string>();
  for (const part of parts) {
    const properties = part.node.properties as Record<string, unknown> | undefined;
    if (!properties || !Object.hasOwn(properties, key)) continue;
    const escaped = key.replace(/~/g, '~0').replace(/\//g, '~1');
    for (const p of schemaParts(doc, `${part.pointer}/properties/${escaped}`)) {
      const t = p.node.type;
      for (const name of Array.isArray(t) ? t : t === undefined ? [] : [t]) types.add(String(name));
    }
  }
  return [...types];
}

/**
 * Every candidate invalid body of `op`, one per required property and one per typed property
 * of each named request example (deduplicated by property). Not yet confirmed: the runner
 * checks each with ajv, so a case never claims a body is invalid when the spec accepts it.
 * When no property can be broken, a JSON array stands in for the documented object.
 */
export function invalidBodyCandidates(spec: LoadedSpec, op: OperationSpec): InvalidBody[] {
  const media = op.requestBody?.content.find((m) => isJsonMediaType(m.mediaType) && m.schemaPointer) ?? op.requestBody?.content.find((m) => m.schemaPointer);
  if (!media?.schemaPointer) return [];
  const parts = schemaParts(spec.doc, media.schemaPointer);
  const required = new Set(parts.flatMap((p) => (Array.isArray(p.node.required) ? p.node.required.map(String) : [])));
  const candidates = new Map<string, InvalidBody>();
  const examples = media.examples.length > 0 ? media.examples : [];
  for (const example of examples) {
    const valid = example.value;
    if (valid === null || typeof valid !== 'object' || Array.isArray(valid)) continue;
    const record = valid as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const removed = `required "${key}" removed`;
      if (required.has(key) && !candidates.has(removed)) {
        const { [key]: _dropped, ...rest } = record;
        candidates.set(removed, { value: rest, how: removed, fromExample: example.name, index: candidates.size });
      }
      const types = propertyTypes(spec.doc, parts, key);
      if (types.length === 0) continue;
      const wrong = wrongTypeFor(types);
      const how = `"${key}" sent as a ${wrong.type}`;
      if (!candidates.has(how)) candidates.set(how, { value: { ...record, [key]: wrong.value }, how, fromExample: example.name, index: candidates.size });
    }
  }
  if (candidates.size === 0) {
    candidates.set('array', { value: ['not', 'an', 'object'], how: 'a JSON array instead of the documented body', fromExample: undefined, index: 0 });
  }
  return [...candidates.values()];
}
