/**
 * Indexes what the contract suite needs per operation of an OpenAPI 3.x document:
 * parameters, request body, responses, their schemas (as JSON pointers for ajv) and examples.
 * The document is read by src/openapi/load.ts: bounded, and self-contained.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { escapePointerSegment as escapePointer, HTTP_METHODS, readPointer, type HttpMethod, type OpenApiDocument } from '../openapi/document.js';
import { loadOpenApiDocument, type LoadOpenApiOptions } from '../openapi/load.js';
import { bundledSpecPath } from '../openapi/package-root.js';

/** One example: from `example`, a named entry of `examples`, or a schema's `example(s)`. */
export interface SpecExample {
  /** Key in `examples`; undefined for a lone `example`. */
  readonly name: string | undefined;
  readonly value: unknown;
  /** Where the example sits, for messages. */
  readonly pointer: string;
}

/** A media type of a request or response body. */
export interface MediaSpec {
  readonly mediaType: string;
  /** Pointer to the media type's `schema` (may itself be a `$ref`), or undefined when none is given. */
  readonly schemaPointer: string | undefined;
  readonly examples: readonly SpecExample[];
}

/** A parameter after `$ref` resolution. */
export interface ParameterSpec {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schemaPointer: string | undefined;
  readonly examples: readonly SpecExample[];
  readonly pointer: string;
}

/** A documented response. */
export interface ResponseSpec {
  /** `200`, `404`, or a range (`4XX`) / `default`. */
  readonly status: string;
  readonly description: string;
  readonly content: readonly MediaSpec[];
  /** Header names the spec marks `required: true`, lower case. */
  readonly requiredHeaders: readonly string[];
  /** Every header name the spec documents for the response, lower case. */
  readonly headers: readonly string[];
  readonly pointer: string;
}

/** One operation of the spec. */
export interface OperationSpec {
  readonly operationId: string;
  /** Lower case, as in the document. */
  readonly method: HttpMethod;
  readonly path: string;
  readonly tags: readonly string[];
  readonly pointer: string;
  readonly parameters: readonly ParameterSpec[];
  readonly requestBody: { readonly required: boolean; readonly content: readonly MediaSpec[] } | undefined;
  readonly responses: readonly ResponseSpec[];
  /** Header names (lower case) of the apiKey security schemes every request must carry. */
  readonly requiredAuthHeaders: readonly string[];
}

/** The indexed document. */
export interface LoadedSpec {
  readonly doc: OpenApiDocument;
  /** The spec as the user named it, for reports. */
  readonly specPath: string;
  /**
   * The file Prism reads: `specPath` itself for the spec this package ships, otherwise a JSON
   * copy of the document as checked. Prism parses YAML its own way, so it is never handed text
   * that could read differently from what was checked, nor a reference to resolve.
   */
  readonly servedPath: string;
  /** `3.1` gets JSON Schema 2020-12 semantics; `3.0` the OpenAPI subset of draft 4/7. */
  readonly version: '3.0' | '3.1';
  readonly operations: readonly OperationSpec[];
}

/**
 * Reads and indexes a YAML or JSON OpenAPI document. Throws `HeroSpecError` (from
 * src/openapi/) for a document that cannot be read, is too large, does not parse, or has a
 * `$ref` to a file or URL that `allowRefDirs` does not cover.
 */
export async function loadSpec(specPath: string, options: Pick<LoadOpenApiOptions, 'allowRefDirs' | 'cwd'> = {}): Promise<LoadedSpec> {
  const loaded = await loadOpenApiDocument(specPath, options);
  const doc = loaded.document;
  const version = doc.openapi.startsWith('3.1') ? '3.1' : '3.0';
  const servedPath = resolve(specPath) === bundledSpecPath() ? specPath : writeServedCopy(doc);
  return { doc, specPath, servedPath, version, operations: indexOperations(doc) };
}

// The checked document, for Prism; removed when this process exits.
function writeServedCopy(doc: OpenApiDocument): string {
  const dir = mkdtempSync(join(tmpdir(), 'hero-contract-spec-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'openapi.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

// Every case resolves the same few hundred pointers; the document is never changed after
// loading, so each pointer is walked once per document.
const lookups = new WeakMap<object, Map<string, unknown>>();

/** Returns the value at a local JSON pointer (`#/a/b`), or undefined. */
export function getAt(doc: unknown, pointer: string): unknown {
  if (doc === null || typeof doc !== 'object') return readPointer(doc, pointer);
  let cache = lookups.get(doc);
  if (!cache) lookups.set(doc, (cache = new Map()));
  if (cache.has(pointer)) return cache.get(pointer);
  const node = readPointer(doc, pointer);
  cache.set(pointer, node);
  return node;
}


/**
 * Follows `$ref` chains from `pointer`. Returns the node and the pointer where it really
 * lives (so messages can name `#/components/schemas/Patient`), or undefined if a `$ref` dangles.
 */
export function resolveAt(doc: unknown, pointer: string): { node: Record<string, unknown>; pointer: string } | undefined {
  let current = pointer;
  for (let hops = 0; hops < 32; hops++) {
    const node = getAt(doc, current);
    if (node === null || typeof node !== 'object') return undefined;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string') return { node: node as Record<string, unknown>, pointer: current };
    current = ref;
  }
  return undefined;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Examples of a media type, parameter or schema, in document order. */
export function examplesOf(doc: unknown, pointer: string): SpecExample[] {
  const resolved = resolveAt(doc, pointer);
  if (!resolved) return [];
  const { node } = resolved;
  const out: SpecExample[] = [];
  if ('example' in node) out.push({ name: undefined, value: node.example, pointer: `${resolved.pointer}/example` });
  const named = node.examples;
  if (Array.isArray(named)) {
    // JSON Schema `examples` (an array) inside a schema.
    named.forEach((value, i) => out.push({ name: undefined, value, pointer: `${resolved.pointer}/examples/${i}` }));
  } else if (named && typeof named === 'object') {
    for (const name of Object.keys(named)) {
      const example = resolveAt(doc, `${resolved.pointer}/examples/${escapePointer(name)}`);
      // `externalValue` examples are not fetched: the suite only reads the bundled document.
      if (example && 'value' in example.node) out.push({ name, value: example.node.value, pointer: `${example.pointer}/value` });
    }
  }
  return out;
}

function mediaOf(doc: unknown, contentPointer: string): MediaSpec[] {
  const content = asRecord(getAt(doc, contentPointer));
  return Object.keys(content).map((mediaType) => {
    const pointer = `${contentPointer}/${escapePointer(mediaType)}`;
    const media = asRecord(content[mediaType]);
    const schemaPointer = media.schema === undefined ? undefined : `${pointer}/schema`;
    let examples = examplesOf(doc, pointer);
    if (examples.length === 0 && schemaPointer) examples = examplesOf(doc, schemaPointer);
    return { mediaType, schemaPointer, examples };
  });
}

function indexOperations(doc: OpenApiDocument): OperationSpec[] {
  const operations: OperationSpec[] = [];
  const paths = asRecord(doc.paths);
  const globalSecurity = doc.security;
  for (const path of Object.keys(paths)) {
    const itemPointer = `#/paths/${escapePointer(path)}`;
    const item = resolveAt(doc, itemPointer);
    if (!item) continue;
    for (const method of HTTP_METHODS) {
      const op = asRecord(item.node[method]);
      if (!item.node[method]) continue;
      const pointer = `${item.pointer}/${method}`;
      const operationId = typeof op.operationId === 'string' ? op.operationId : `${method.toUpperCase()} ${path}`;
      operations.push({
        operationId,
        method,
        path,
        tags: Array.isArray(op.tags) ? op.tags.map(String) : [],
        pointer,
        parameters: parametersOf(doc, item.pointer, pointer),
        requestBody: requestBodyOf(doc, `${pointer}/requestBody`),
        responses: responsesOf(doc, `${pointer}/responses`),
        requiredAuthHeaders: authHeadersOf(doc, op.security ?? globalSecurity),
      });
    }
  }
  return operations;
}

function parametersOf(doc: unknown, itemPointer: string, opPointer: string): ParameterSpec[] {
  const byKey = new Map<string, ParameterSpec>();
  // Path-level parameters first; an operation's own parameter with the same name+in wins.
  for (const base of [itemPointer, opPointer]) {
    const list = getAt(doc, `${base}/parameters`);
    if (!Array.isArray(list)) continue;
    list.forEach((_, i) => {
      const resolved = resolveAt(doc, `${base}/parameters/${i}`);
      if (!resolved) return;
      const p = resolved.node;
      const where = p.in as ParameterSpec['in'];
      const schemaPointer = p.schema === undefined ? undefined : `${resolved.pointer}/schema`;
      let examples = examplesOf(doc, resolved.pointer);
      if (examples.length === 0 && schemaPointer) examples = examplesOf(doc, schemaPointer);
      byKey.set(`${where}:${String(p.name)}`, {
        name: String(p.name),
        in: where,
        required: p.required === true || where === 'path',
        schemaPointer,
        examples,
        pointer: resolved.pointer,
      });
    });
  }
  return [...byKey.values()];
}

function requestBodyOf(doc: unknown, pointer: string): OperationSpec['requestBody'] {
  const resolved = resolveAt(doc, pointer);
  if (!resolved) return undefined;
  return { required: resolved.node.required === true, content: mediaOf(doc, `${resolved.pointer}/content`) };
}

function responsesOf(doc: unknown, pointer: string): ResponseSpec[] {
  const responses = asRecord(getAt(doc, pointer));
  return Object.keys(responses).map((status) => {
    const resolved = resolveAt(doc, `${pointer}/${escapePointer(status)}`);
    const node = resolved?.node ?? {};
    const headers = asRecord(node.headers);
    const requiredHeaders = Object.keys(headers).filter((name) => {
      const header = resolved ? resolveAt(doc, `${resolved.pointer}/headers/${escapePointer(name)}`) : undefined;
      return header?.node.required === true;
    });
    return {
      status,
      description: typeof node.description === 'string' ? node.description : '',
      content: resolved ? mediaOf(doc, `${resolved.pointer}/content`) : [],
      requiredHeaders: requiredHeaders.map((h) => h.toLowerCase()),
      headers: Object.keys(headers).map((h) => h.toLowerCase()),
      pointer: resolved?.pointer ?? `${pointer}/${escapePointer(status)}`,
    };
  });
}

/**
 * Header names of apiKey schemes that every alternative of `security` needs. With a single
 * requirement `{apiKeyAuth, practiceGroupId}` both headers are mandatory; an empty
 * alternative (`{}`) makes the operation public.
 */
function authHeadersOf(doc: OpenApiDocument, security: unknown): string[] {
  if (!Array.isArray(security) || security.length === 0) return [];
  const schemes = asRecord(asRecord(doc.components).securitySchemes);
  const perAlternative = security.map((requirement) =>
    Object.keys(asRecord(requirement)).flatMap((name) => {
      const scheme = asRecord(resolveAt(doc, `#/components/securitySchemes/${escapePointer(name)}`)?.node ?? schemes[name]);
      return scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string' ? [scheme.name.toLowerCase()] : [];
    }),
  );
  const [first = [], ...rest] = perAlternative;
  return first.filter((header) => rest.every((alt) => alt.includes(header)));
}

/** True for `application/json`, `application/problem+json` and other `+json` types. */
export const isJsonMediaType = (mediaType: string): boolean => /^application\/([\w.-]+\+)?json$/i.test(mediaType.split(';')[0]!.trim());
