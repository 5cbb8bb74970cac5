/**
 * Turns spec text into plain JSON values, bounded: a document someone else wrote cannot
 * crash the parser, exhaust memory, loop a walker or smuggle in values JSON cannot hold.
 */
import { parse as parseYaml } from 'yaml';
import { isObject, type JsonObject, type OpenApiDocument } from './document.js';
import { externalRefError, HeroSpecError, quoteFromSpec } from './spec-error.js';

/** How much a spec may hold. The defaults are far above any real API description. */
export interface SpecLimits {
  /** Bytes of text. Hero's bundle is about 0.2 MB. @default 10 MiB */
  maxBytes: number;
  /** Nesting of objects and arrays. Hero's bundle nests about 20 deep. @default 128 */
  maxDepth: number;
  /** Values after YAML aliases are expanded. Hero's bundle holds about 40,000. @default 2,000,000 */
  maxNodes: number;
  /** YAML aliases, weighted by what they expand to (yaml's own guard against alias bombs). @default 100 */
  maxAliasCount: number;
}

/** The limits every load applies unless told otherwise. */
export const DEFAULT_SPEC_LIMITS: Readonly<SpecLimits> = {
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 128,
  maxNodes: 2_000_000,
  maxAliasCount: 100,
};

/** A `$ref` that leaves the document, where it was found. */
export interface ExternalRef {
  /** JSON pointer of the object holding the `$ref`, e.g. `#/paths/~1a/get`. */
  readonly pointer: string;
  /** The reference as written. */
  readonly ref: string;
  /**
   * Set for the other places a library follows: an example's `externalValue` and a discriminator
   * `mapping` value that is a reference (openapi-typescript's bundler reads or fetches both).
   * Never inlined, even under --allow-ref-dir.
   */
  readonly keyword?: 'externalValue' | 'discriminator mapping';
}

// A discriminator mapping value the bundler resolves as a reference rather than a schema name
// (@redocly/openapi-core's isMappingRef): a path or URL.
const MAPPING_REF = /^(?:https?:\/\/|\.\.?\/)|\//;

/** Text parsed and checked: the value, and the `$ref`s in it that leave the document. */
export interface ParsedSpec {
  readonly value: unknown;
  readonly externalRefs: readonly ExternalRef[];
}

/**
 * Parses YAML or JSON text into plain values and checks them ({@link inspectValue}).
 * Throws {@link HeroSpecError} (`too-large` or `unparsable`) naming `source`; never lets a
 * parser's stack overflow happen, since V8 does not always survive a second one.
 */
export function parseSpecValue(text: string, source: string, limits: SpecLimits = DEFAULT_SPEC_LIMITS): ParsedSpec {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new HeroSpecError(`${source} is ${formatBytes(bytes)}, over the ${formatBytes(limits.maxBytes)} a spec may be`, source, { reason: 'too-large' });
  }
  let parsed: unknown;
  const trimmed = text.trimStart();
  // JSON.parse does not recurse on the call stack and is much faster than YAML on a large file;
  // text that is not strict JSON falls through to YAML, which also reads JSON and names a line.
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === undefined) {
    // The YAML parser recurses once per nesting level; it is never handed text nested deeper than
    // the limit (estimated from the text itself, before any parsing).
    if (estimateNesting(text, limits.maxDepth * 2) > limits.maxDepth * 2) {
      throw new HeroSpecError(`${source} nests deeper than ${limits.maxDepth} levels`, source, { reason: 'too-large' });
    }
    try {
      // logLevel 'error': yaml would otherwise print warnings (unknown tags) to the console.
      parsed = parseYaml(text, { schema: 'core', version: '1.2', maxAliasCount: limits.maxAliasCount, logLevel: 'error', prettyErrors: true });
    } catch (error) {
      throw new HeroSpecError(`Could not parse ${source} as YAML or JSON: ${parserMessage(error)}`, source, { reason: 'unparsable', cause: error });
    }
  }
  return { value: parsed, externalRefs: inspectValue(parsed, source, limits) };
}

/**
 * Parses an OpenAPI 3 document that must be self-contained (tests and fixtures); throws
 * {@link HeroSpecError} naming `source` and what is wrong.
 */
export function parseOpenApiText(text: string, source: string, limits: SpecLimits = DEFAULT_SPEC_LIMITS): OpenApiDocument {
  const { value, externalRefs } = parseSpecValue(text, source, limits);
  const document = checkOpenApiShape(value, source);
  if (externalRefs.length > 0) throw externalRefError(source, externalRefs);
  return document;
}

/** Checks the top level of a parsed value: an object, `openapi: 3.x`, and `paths` or `webhooks`. */
export function checkOpenApiShape(parsed: unknown, source: string): OpenApiDocument {
  const fail = (what: string) => new HeroSpecError(`${source} ${what}`, source, { reason: 'not-openapi' });
  if (!isObject(parsed)) throw fail('is not an OpenAPI document (the top level is not an object)');
  if (typeof parsed.openapi !== 'string' || !/^3\.\d+/.test(parsed.openapi)) {
    const found = typeof parsed.swagger === 'string' ? `Swagger ${quoteFromSpec(parsed.swagger, 20)}` : 'no `openapi: 3.x` field';
    throw fail(`is not an OpenAPI 3 document (${found})`);
  }
  if (!isObject(parsed.paths) && !isObject(parsed.webhooks)) throw fail('has neither `paths` nor `webhooks`');
  return parsed as OpenApiDocument;
}

/**
 * Walks a parsed value once and refuses what no JSON document can be: a cycle (a YAML alias
 * inside its own anchor), a value JSON cannot hold (`!!binary`, `.nan`, a date), nesting
 * deeper than `maxDepth`, more than `maxNodes` values. Returns the `$ref`s that leave the
 * document: every `$ref` whose value is a string not starting with `#`, wherever it sits
 * (parsers resolve them in examples and extensions too).
 */
export function inspectValue(value: unknown, source: string, limits: SpecLimits = DEFAULT_SPEC_LIMITS): ExternalRef[] {
  const external: ExternalRef[] = [];
  const path: string[] = [];
  const ancestors = new Set<object>();
  let nodes = 0;
  const pointer = () => (path.length === 0 ? '#' : `#/${path.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`);
  const fail = (reason: 'too-large' | 'unparsable', what: string) => new HeroSpecError(`${source} ${what}`, source, { reason });
  const visit = (node: unknown, depth: number): void => {
    if (++nodes > limits.maxNodes) throw fail('too-large', `holds more than ${limits.maxNodes.toLocaleString('en-GB')} values (YAML aliases expanded)`);
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw fail('unparsable', `holds a number JSON cannot express (.inf or .nan) at ${shorten(pointer())}`);
      return;
    }
    if (typeof node !== 'object') throw fail('unparsable', `holds a value JSON cannot express at ${shorten(pointer())}`);
    if (depth >= limits.maxDepth) throw fail('too-large', `nests deeper than ${limits.maxDepth} levels (at ${shorten(pointer())})`);
    if (ancestors.has(node)) throw fail('unparsable', `contains a recursive YAML alias (a node inside itself) at ${shorten(pointer())}`);
    const proto = Object.getPrototypeOf(node) as unknown;
    const isArray = Array.isArray(node);
    if (!isArray && proto !== Object.prototype && proto !== null) {
      throw fail('unparsable', `holds a value JSON cannot express (a YAML tag such as !!binary, !!set or a timestamp) at ${shorten(pointer())}`);
    }
    ancestors.add(node);
    if (isArray) {
      (node as unknown[]).forEach((child, index) => {
        path.push(String(index));
        visit(child, depth + 1);
        path.pop();
      });
    } else {
      const isMapping = path.length >= 2 && path.at(-1) === 'mapping' && path.at(-2) === 'discriminator';
      for (const key of Object.keys(node)) {
        const child = (node as JsonObject)[key];
        if (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) external.push({ pointer: pointer(), ref: child });
        if (key === 'externalValue' && typeof child === 'string') external.push({ pointer: pointer(), ref: child, keyword: 'externalValue' });
        if (isMapping && typeof child === 'string' && !child.startsWith('#') && MAPPING_REF.test(child)) external.push({ pointer: pointer(), ref: child, keyword: 'discriminator mapping' });
        path.push(key);
        visit(child, depth + 1);
        path.pop();
      }
    }
    ancestors.delete(node);
  };
  visit(value, 0);
  return external;
}

/**
 * An upper bound on how deep `text` nests, without parsing it: block indentation levels,
 * `- `/`? ` entries opened on one line, and `[`/`{` flow brackets (quoted or not, so
 * brackets in strings can only raise the estimate). Stops counting past `stopAt`.
 */
export function estimateNesting(text: string, stopAt: number): number {
  const indents: number[] = [];
  let flow = 0;
  let blockAtFlowStart = 0;
  let deepest = 0;
  for (const line of text.split(/\r\n|\r|\n/)) {
    let indent = 0;
    while (indent < line.length && (line[indent] === ' ' || line[indent] === '\t')) indent++;
    const rest = line.slice(indent);
    let block = blockAtFlowStart;
    if (flow === 0 && rest !== '' && !rest.startsWith('#')) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
      const entries = /^(?:[-?:][ \t]+)*/.exec(rest)![0].replace(/[ \t]/g, '').length;
      block = indents.length + entries;
    }
    for (const char of line) {
      if (char === '[' || char === '{') {
        if (flow === 0) blockAtFlowStart = block;
        flow++;
      } else if ((char === ']' || char === '}') && flow > 0) flow--;
      deepest = Math.max(deepest, block + flow);
    }
    deepest = Math.max(deepest, block + flow);
    if (flow === 0) blockAtFlowStart = 0;
    if (deepest > stopAt) return deepest;
  }
  return deepest;
}

// yaml's message starts with what is wrong and where; the lines after it quote the source.
function parserMessage(error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return shorten(first, 200);
}

function shorten(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
