/**
 * The README's table of operations whose answer Hero does not document, rendered from the
 * spec: every operation whose success response reaches `UndocumentedObject` (an open object,
 * typed `{ [key: string]: unknown }`), where in the body it does, how much of the operation
 * Hero's docs showed (`x-hero-docs`), the facade method that calls it (read from
 * src/resources/) and what a caller checks at run time. `npm run generate` writes it between
 * the markers; `npm run generate:check` fails when it is stale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HTTP_METHODS, isObject, objectEntries, readPointer, type JsonObject, type OpenApiDocument } from '../../src/openapi/document.js';

export const GAPS_START = '<!-- gaps:start (generated from openapi/ by npm run generate; do not edit) -->';
export const GAPS_END = '<!-- gaps:end -->';
const UNDOCUMENTED = '#/components/schemas/UndocumentedObject';

/** One operation with an undocumented answer. */
export interface UndocumentedAnswer {
  operationId: string;
  method: string;
  path: string;
  /** `x-hero-docs` of the operation. */
  docs: string;
  /** Where in the success body the open object sits: `(body)`, `data[]`, `.field`. */
  where: string[];
}

/** Every operation whose success response is, or contains, `UndocumentedObject`, in document order. */
export function undocumentedAnswers(document: OpenApiDocument): UndocumentedAnswer[] {
  const found: UndocumentedAnswer[] = [];
  for (const [path, item] of objectEntries(document.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = new Set<string>();
      for (const [status, response] of objectEntries(operation.responses)) {
        if (!/^2/.test(status)) continue;
        const resolved = follow(document, response);
        for (const [, media] of objectEntries(isObject(resolved) ? resolved.content : undefined)) {
          if (isObject(media)) collect(document, media.schema, '', where, new Set());
        }
      }
      if (where.size === 0) continue;
      found.push({
        operationId: typeof operation.operationId === 'string' ? operation.operationId : `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        docs: typeof operation['x-hero-docs'] === 'string' ? operation['x-hero-docs'] : 'unknown',
        where: [...where],
      });
    }
  }
  return found;
}

function follow(document: OpenApiDocument, value: unknown): unknown {
  let current = value;
  for (let hop = 0; hop < 16 && isObject(current) && typeof current.$ref === 'string'; hop += 1) current = readPointer(document, current.$ref);
  return current;
}

// Walks a schema, recording the places (as a reader would write them) typed by the open object.
function collect(document: OpenApiDocument, schema: unknown, at: string, where: Set<string>, seen: Set<string>): void {
  if (!isObject(schema)) return;
  if (typeof schema.$ref === 'string') {
    if (schema.$ref === UNDOCUMENTED) {
      where.add(at === '' ? '(body)' : at);
      return;
    }
    if (seen.has(schema.$ref)) return;
    collect(document, readPointer(document, schema.$ref), at, where, new Set([...seen, schema.$ref]));
    return;
  }
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) for (const member of list) collect(document, member, at, where, seen);
  }
  for (const [name, property] of objectEntries(schema.properties)) collect(document, property, `${at}.${name}`, where, seen);
  if (schema.items !== undefined) collect(document, schema.items, `${at === '' ? '' : at.replace(/^\./, '')}[]`, where, seen);
  if (isObject(schema.additionalProperties)) collect(document, schema.additionalProperties, `${at}[key]`, where, seen);
}

/**
 * Facade methods by operationId, read from src/resources/*.ts: each `expectData('<operationId>', …)`
 * sits in a method `name: (…) =>` or `name: async (…)` of `hero.<resource>` (or of a nested group such as `batches`).
 */
export function facadeMethods(resourcesDir: string): Map<string, string> {
  const methods = new Map<string, string>();
  for (const file of readdirSync(resourcesDir).filter((name) => /^[a-z-]+\.ts$/.test(name) && !name.includes('test'))) {
    const resource = basename(file, '.ts');
    const lines = readFileSync(join(resourcesDir, file), 'utf8').split('\n');
    // Nested groups are object literals one level inside the returned resource: `    batches: {`.
    let group: string | undefined;
    let method: string | undefined;
    for (const line of lines) {
      const opened = /^ {4}(\w+): \{$/.exec(line);
      if (opened) group = opened[1];
      else if (/^ {4}\},?$/.test(line)) group = undefined;
      // Methods return a HeroPromise since `.withResponse()` (issue 26), so most are no longer `async`.
      const named = /^\s+(\w+): (?:async\b|\()/.exec(line) ?? /^\s+async (\w+)\(/.exec(line);
      if (named) method = named[1];
      const call = /expectData\('(\w+)'/.exec(line);
      if (call && method !== undefined && !methods.has(call[1]!)) {
        methods.set(call[1]!, `hero.${resource}.${group === undefined ? '' : `${group}.`}${method}()`);
      }
    }
  }
  return methods;
}

function runTimeCheck(where: string[]): string {
  if (where.includes('(body)')) return 'the whole body: check every field you read';
  const places = where.map((place) => `\`${place}\``).join(', ');
  return `${places}: check every field you read there; the rest is typed`;
}

/** The markdown table, between {@link GAPS_START} and {@link GAPS_END}. */
export function renderGapsTable(document: OpenApiDocument, resourcesDir: string): string {
  const answers = undocumentedAnswers(document);
  const methods = facadeMethods(resourcesDir);
  let total = 0;
  for (const [, item] of objectEntries(document.paths)) {
    if (isObject(item)) total += HTTP_METHODS.filter((method) => isObject((item as JsonObject)[method])).length;
  }
  const rows = answers.map((answer) => {
    const call = methods.get(answer.operationId) ?? `hero.raw.${answer.method}('${answer.path}')`;
    return `| \`${answer.operationId}\` ${answer.method} \`${answer.path}\` | \`${call}\` | ${answer.docs} | ${runTimeCheck(answer.where)} |`;
  });
  return [
    GAPS_START,
    `**${answers.length} of the ${total} operations answer, in whole or in part, with an object Hero's docs do not describe.** Their types`,
    "say so — `{ [key: string]: unknown }` — so nothing is promised: check each field you read at run time (`typeof x.count === 'number'`,",
    '`Array.isArray(x.data)`) and handle its absence. `docs` is how much of the operation Hero\'s archived pages showed (`x-hero-docs`',
    'in the spec: `full`, `partial`, `example-only`, `index-only`, `path-only`).',
    '',
    '| operation | call | docs | untyped, check at run time |',
    '|---|---|---|---|',
    ...rows,
    GAPS_END,
  ].join('\n');
}

/** Replaces the generated region of a README; throws when the markers are missing. */
export function withGapsTable(readme: string, table: string): string {
  const start = readme.indexOf(GAPS_START);
  const end = readme.indexOf(GAPS_END);
  if (start < 0 || end < start) throw new Error(`README.md has no generated gaps region (${GAPS_START} … ${GAPS_END})`);
  return readme.slice(0, start) + table + readme.slice(end + GAPS_END.length);
}
