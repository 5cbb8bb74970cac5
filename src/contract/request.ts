/**
 * Builds the request a case sends from the spec's own examples: path and query parameters,
 * and a JSON body. Where the spec has no example, a minimal value is derived from the schema
 * (and the case says so, because a derived value is a guess, not documentation).
 */
import { isJsonMediaType, resolveAt, type LoadedSpec, type OperationSpec, type SpecExample } from './spec.js';

/** A request ready for the client: values keyed like openapi-fetch's `params`. */
export interface BuiltRequest {
  readonly path: Record<string, string | number | boolean>;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** Present when the operation takes a JSON body. */
  readonly body?: { readonly value: unknown; readonly mediaType: string; readonly schemaPointer: string | undefined };
  /** Values that came from the schema rather than an example, e.g. `query "page_size"`. */
  readonly derived: readonly string[];
}

/** Builds a valid request for `op`; `requestExample` picks a named request-body example (default the first). */
export function buildRequest(spec: LoadedSpec, op: OperationSpec, requestExample?: string): BuiltRequest {
  const derived: string[] = [];
  const path: Record<string, string | number | boolean> = {};
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in === 'cookie') continue;
    const example = p.examples[0];
    // Optional parameters go out only when documented with an example: a guessed value
    // for an optional filter tests nothing and may trip validation.
    if (!example && !p.required) continue;
    let value: unknown;
    if (example) value = example.value;
    else {
      value = sampleFromSchema(spec.doc, p.schemaPointer);
      derived.push(`${p.in} parameter "${p.name}"`);
    }
    if (p.in === 'path') path[p.name] = value as string;
    else if (p.in === 'query') query[p.name] = value;
    else if (p.in === 'header' && !op.requiredAuthHeaders.includes(p.name.toLowerCase())) headers[p.name] = String(value);
  }
  const media = op.requestBody?.content.find((m) => isJsonMediaType(m.mediaType)) ?? op.requestBody?.content[0];
  if (!op.requestBody || !media) return { path, query, headers, derived };
  const example: SpecExample | undefined = media.examples.find((e) => e.name === requestExample) ?? media.examples[0];
  let value: unknown;
  if (example) value = example.value;
  else {
    value = sampleFromSchema(spec.doc, media.schemaPointer);
    derived.push('request body');
  }
  return { path, query, headers, body: { value, mediaType: media.mediaType, schemaPointer: media.schemaPointer }, derived };
}

/**
 * An id no server holds, for the last path parameter of `op` (the resource's own id), shaped
 * like the parameter so a server cannot reject it as malformed instead of answering 404:
 * digits for Hero's digit-string ids, a number for integers, a nil-like UUID for uuids.
 */
export function unknownPathId(spec: LoadedSpec, op: OperationSpec): { name: string; value: string | number } | undefined {
  const param = op.parameters.filter((p) => p.in === 'path').at(-1);
  if (!param) return undefined;
  const schema = param.schemaPointer ? resolveAt(spec.doc, param.schemaPointer)?.node : undefined;
  const types = Array.isArray(schema?.type) ? schema.type : [schema?.type];
  const example = param.examples[0]?.value;
  if (types.includes('integer') || types.includes('number')) return { name: param.name, value: UNKNOWN_NUMERIC_ID };
  if (schema?.format === 'uuid') return { name: param.name, value: 'ffffffff-ffff-4fff-bfff-ffffffffffff' };
  const digits = (typeof example === 'string' && /^\d+$/.test(example)) || (typeof schema?.pattern === 'string' && /^\^?\\d/.test(schema.pattern));
  return { name: param.name, value: digits || example === undefined ? String(UNKNOWN_NUMERIC_ID) : 'hero-contract-unknown-id' };
}

/** The id {@link unknownPathId} sends for numeric and digit-string ids: recognisable in a server's logs. */
export const UNKNOWN_NUMERIC_ID = 999_999_999;

const FORMAT_SAMPLES: Record<string, string> = {
  date: '2024-03-15',
  'date-time': '2024-03-15T14:00:00Z',
  time: '14:00:00Z',
  email: 'patient@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '192.0.2.1',
};

/**
 * A minimal value that satisfies the schema's common constraints: `const`, `default`,
 * `enum`, examples, required properties. Patterns are honoured only for digit strings,
 * Hero's id format; anything fancier is left for the self-check to flag.
 */
export function sampleFromSchema(doc: unknown, pointer: string | undefined, depth = 0): unknown {
  if (!pointer || depth > 12) return undefined;
  const resolved = resolveAt(doc, pointer);
  if (!resolved) return undefined;
  const s = resolved.node;
  const at = resolved.pointer;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((v) => v !== null && v !== '') ?? s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('example' in s) return s.example;
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((_, i) => sampleFromSchema(doc, `${at}/allOf/${i}`, depth + 1));
    if (parts.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p))) return Object.assign({}, ...parts);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[keyword]) && s[keyword].length > 0) return sampleFromSchema(doc, `${at}/${keyword}/0`, depth + 1);
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const type = types.find((t) => t !== 'null') ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = Array.isArray(s.required) ? s.required.map(String) : [];
      for (const key of required) out[key] = sampleFromSchema(doc, `${at}/properties/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1) ?? 'string';
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      return Array.from({ length: min }, () => sampleFromSchema(doc, `${at}/items`, depth + 1));
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'string': {
      if (typeof s.format === 'string' && FORMAT_SAMPLES[s.format]) return FORMAT_SAMPLES[s.format];
      if (typeof s.pattern === 'string' && /^\^?\\d[+*]\$?$/.test(s.pattern)) return '12345';
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      return 'string'.padEnd(min, 'x');
    }
    default:
      return type === 'null' ? null : 'string';
  }
}
