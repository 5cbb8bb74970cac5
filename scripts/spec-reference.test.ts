/**
 * The spec against the catalogue it was rebuilt from (openapi/reference/operations.json, a copy
 * of shared/reference/hero-api/operations.json): every operation whose method and path are known
 * is in the spec with its documentation level and tag, every other one is in openapi/README.md's
 * list of operations left out, and every field the reference documents for a `full` or `partial`
 * operation has the same requiredness, type and nullability in the spec — except the judgement
 * calls below, each also listed in openapi/README.md.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareOperation, knownMethod, knownPath, specOperations, type ReferenceOperation } from './lib/spec-reference.js';
import { repoRoot, specPath } from './lib/paths.js';

const document = parse(await readFile(specPath, 'utf8')) as Record<string, unknown>;
const reference = JSON.parse(await readFile(resolve(repoRoot, 'openapi/reference/operations.json'), 'utf8')) as ReferenceOperation[];
const specReadme = await readFile(resolve(repoRoot, 'openapi/README.md'), 'utf8');

/** Field differences the spec makes on purpose. Keys are exactly what the comparison reports. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'GET /v1/appointment_types response 200 data[].assignee_id: requiredness':
    'seen only in the newest crawl of the page; a field seen in one crawl is optional so older answers still validate',
  'GET /v1/appointment_types response 200 data[].assignee_type: requiredness':
    'seen only in the newest crawl of the page; a field seen in one crawl is optional so older answers still validate',
  'PATCH /v1/me body address.co…: missing': 'the name is cut off on the archived page (country?); no field is invented',
  'GET /v1/slots query location filter (name unknown): missing': 'the parameter name is not visible; no parameter is invented',
  'POST /v1/patients/register_pds body forename: requiredness':
    "the reference marks it unsure (from a sample); Hero's newer description makes forename + surname + dob + postcode the second form, so it is required within that form",
  'POST /v1/patients/register_pds body surname: requiredness':
    "the reference marks it unsure (from a sample); Hero's newer description makes forename + surname + dob + postcode the second form, so it is required within that form",
  'POST /v1/patients/register_pds body postcode: requiredness':
    "the reference marks it unsure (from a sample); Hero's newer description makes forename + surname + dob + postcode the second form, so it is required within that form",
};

/** Documentation levels or tags the spec sets differently from operations.json, with the reason. */
const KNOWN_LEVELS: Record<string, string> = {
  'GET /v1/patients/{id}/attachments: example-only':
    "the second pass found a request sample and a {data, count} response sample; operations.json keeps the first pass's index-only",
};
const KNOWN_TAGS: Record<string, string> = {
  'GET /v2/automated_messages: Messages':
    'first filed under Booking from a neighbouring sample; Hero files Get Automated Message under messages/, so both are Messages',
};

const located = reference.flatMap((operation) => {
  const method = knownMethod(operation);
  const path = knownPath(operation);
  return method && path ? [{ operation, key: `${method} ${path}` }] : [];
});

describe('spec against the reference catalogue', () => {
  it('has every operation whose method and path are known, and no other', () => {
    const inSpec = specOperations(document);
    expect(located.length).toBeGreaterThanOrEqual(68);
    expect(located.map((o) => o.key).filter((key) => !inSpec.has(key))).toEqual([]);
    expect([...inSpec].filter((key) => !located.some((o) => o.key === key))).toEqual([]);
  });

  it("lists every other operation in openapi/README.md's operations left out", () => {
    const unlocated = reference.filter((operation) => !knownMethod(operation) || !knownPath(operation));
    const leftOut = specReadme.slice(specReadme.indexOf('## Operations left out'), specReadme.indexOf('\n## ', specReadme.indexOf('## Operations left out') + 1));
    const missing = unlocated.filter((operation) => {
      const title = operation.title.replace(/\s*\(.*$/, '');
      return operation.slug !== 'unknown' ? !leftOut.includes(`(\`${operation.slug}\`)`) : !leftOut.includes(`| ${title}`);
    });
    expect(missing.map((operation) => operation.title)).toEqual([]);
    expect(leftOut).toMatch(new RegExp(`These ${unlocated.length}\\s+stay out`));
  });

  it('gives each operation the reference’s documentation level and tag', () => {
    const levels: string[] = [];
    const tags: string[] = [];
    for (const { operation, key } of located) {
      const [method, path] = key.split(' ') as [string, string];
      const specOperation = ((document.paths as Record<string, Record<string, Record<string, unknown>>>)[path]!)[method.toLowerCase()]!;
      if (specOperation['x-hero-docs'] !== operation.detail_level) levels.push(`${key}: ${String(specOperation['x-hero-docs'])}`);
      const tag = operation.tag.replace(/\s*\(.*$/, '');
      const specTag = (specOperation.tags as string[])[0];
      if (specTag !== tag) tags.push(`${key}: ${specTag}`);
    }
    expect(levels.sort()).toEqual(Object.keys(KNOWN_LEVELS).sort());
    expect(tags.sort()).toEqual(Object.keys(KNOWN_TAGS).sort());
  });

  it('agrees field by field with every full or partial operation, except the listed judgement calls', () => {
    const detailed = reference.filter((operation) => operation.detail_level === 'full' || operation.detail_level === 'partial');
    const differences = detailed.flatMap((operation) => compareOperation(document, operation));
    const unexpected = differences.filter((difference) => !(difference.key in KNOWN_DIFFERENCES));
    expect(unexpected.map((d) => `${d.key} (${d.detail})`)).toEqual([]);
    // A judgement call that no longer differs must leave the list (and openapi/README.md).
    const stale = Object.keys(KNOWN_DIFFERENCES).filter((key) => !differences.some((difference) => difference.key === key));
    expect(stale).toEqual([]);
  });

  it('names every judgement call in openapi/README.md', () => {
    const section = specReadme.slice(specReadme.indexOf('## Where the spec knowingly differs'));
    for (const key of [...Object.keys(KNOWN_DIFFERENCES), ...Object.keys(KNOWN_LEVELS), ...Object.keys(KNOWN_TAGS)]) {
      const [where] = key.split(':');
      expect(section, key).toContain(`\`${where!.trim()}\``);
    }
  });
});

describe('the field comparison itself', () => {
  const field = (name: string, type: string, required: boolean, nullable = false) => ({ name, type, required, nullable });
  const operation = (body: ReturnType<typeof field>[], responseFields: ReturnType<typeof field>[] = []): ReferenceOperation => ({
    tag: 'T',
    title: 'Probe',
    slug: 'probe',
    method: 'POST',
    path: '/probe',
    detail_level: 'full',
    parameters: [{ name: 'page_size', in: 'query', type: 'integer', required: false }],
    requestBody: { fields: body },
    responses: { 200: { fields: responseFields } },
  });
  const spec = (bodySchema: unknown, responseSchema: unknown = { type: 'object' }) => ({
    paths: {
      '/probe': {
        post: {
          parameters: [{ name: 'page_size', in: 'query', schema: { type: 'string' } }],
          requestBody: { content: { 'application/json': { schema: bodySchema } } },
          responses: { 200: { content: { 'application/json': { schema: responseSchema } } } },
        },
      },
    },
    components: { schemas: { Dob: { type: ['string', 'null'] } } },
  });

  it('reports requiredness, type, nullability, item type and missing fields', () => {
    const differences = compareOperation(
      spec({
        type: 'object',
        required: ['a'],
        properties: { a: { type: 'string' }, b: { type: 'integer' }, c: { type: 'string' }, d: { type: 'array', items: { type: 'object' } } },
      }),
      operation([field('a', 'string', false), field('b', 'string', false), field('c', 'string', false, true), field('d', 'array of strings', false), field('e', 'string', false)]),
    );
    expect(differences.map((d) => d.key)).toEqual([
      'POST /probe query page_size: type',
      'POST /probe body a: requiredness',
      'POST /probe body b: type',
      'POST /probe body c: nullability',
      'POST /probe body d: item type',
      'POST /probe body e: missing',
    ]);
  });

  it('judges each oneOf form on its own and keeps an anyOf rule over optional fields optional', () => {
    const body = {
      allOf: [
        { oneOf: [{ type: 'object', required: ['x', 'dob'], properties: { x: { type: 'string' }, dob: { $ref: '#/components/schemas/Dob' } } }, { type: 'object', required: ['y'], properties: { y: { type: 'string' } } }] },
        { type: 'object', properties: { p: { type: 'string' }, q: { type: 'string' } } },
        { anyOf: [{ required: ['p'] }, { required: ['q'] }] },
      ],
    };
    expect(compareOperation(spec(body), operation([field('x', 'string', true), field('dob', 'string', true, true), field('y', 'string', true), field('p', 'string', false), field('q', 'string', false)]))).toEqual([
      { key: 'POST /probe query page_size: type', detail: 'reference integer, spec string' },
    ]);
    expect(compareOperation(spec(body), operation([field('p', 'string', true)])).map((d) => d.key)).toContain('POST /probe body p: requiredness');
  });

  it('reads list envelopes through allOf and narrows number to integer', () => {
    const response = {
      allOf: [
        { type: 'object', required: ['data', 'count'], properties: { data: { type: 'array', items: {} }, count: { type: 'number' } } },
        { type: 'object', properties: { data: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, n: { type: 'integer' } } } } } },
      ],
    };
    const differences = compareOperation(
      spec({ type: 'object' }, response),
      operation([], [field('data', 'array of objects', true), field('data[].id', 'string', true), field('data[].n', 'number', false), field('count', 'number', true), field('data[].gone', 'string', false)]),
    );
    expect(differences.map((d) => d.key)).toEqual(['POST /probe query page_size: type', 'POST /probe response 200 data[].gone: missing']);
  });
});
