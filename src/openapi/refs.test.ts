import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { serveSpec, type SpecServer } from '../drift/fixtures/serve-spec.js';
import { loadOpenApiDocument } from './load.js';
import { inspectValue } from './parse.js';
import { HeroSpecError } from './spec-error.js';

const root = mkdtempSync(join(tmpdir(), 'hero-refs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let server: SpecServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const spec = (schema: unknown, extra: Record<string, unknown> = {}) =>
  stringify({
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } } } },
    components: { schemas: { Local: { type: 'string' } } },
    ...extra,
  });

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const reasonOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'loaded';
  } catch (error) {
    if (!(error instanceof HeroSpecError)) throw error;
    return error.reason;
  }
};

describe('external $refs with --allow-ref-dir', () => {
  const dir = join(root, 'project');
  const schemas = join(dir, 'schemas');
  write(join(schemas, 'patient.yaml'), stringify({ Patient: { type: 'object', properties: { id: { $ref: './id.yaml' }, local: { $ref: '../openapi.yaml#/components/schemas/Local' } } } }));
  write(join(schemas, 'id.yaml'), stringify({ type: 'string', pattern: '^\\d+$' }));
  write(join(schemas, 'loop-a.yaml'), stringify({ $ref: './loop-b.yaml' }));
  write(join(schemas, 'loop-b.yaml'), stringify({ $ref: './loop-a.yaml' }));
  write(join(root, 'outside', 'secret.yaml'), 'token: SECRET-OUTSIDE\n');
  symlinkSync(join(root, 'outside', 'secret.yaml'), join(schemas, 'escape.yaml'));
  execFileSync('mkfifo', [join(schemas, 'fifo.yaml')]);

  it('inlines files under the allowed directory; a ref back into the spec stays internal', async () => {
    const path = write(join(dir, 'openapi.yaml'), spec({ $ref: './schemas/patient.yaml#/Patient' }));
    const loaded = await loadOpenApiDocument(path, { allowRefDirs: [schemas] });
    expect(loaded.refsInlined).toBe(true);
    expect(inspectValue(loaded.document, 'x')).toEqual([]);
    const schema = (loaded.document.paths as any)['/a'].get.responses['200'].content['application/json'].schema; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(schema.properties.id).toEqual({ type: 'string', pattern: '^\\d+$' });
    expect(schema.properties.local).toEqual({ $ref: '#/components/schemas/Local' });
  });

  it.each([
    ['a file outside every allowed directory', '../outside/secret.yaml'],
    ['a symlink that leads outside', './schemas/escape.yaml'],
    ['an http URL, allowed directory or not', 'http://127.0.0.1:9/r.yaml'],
    ['a FIFO, which would block a read for ever', './schemas/fifo.yaml'],
    ['a cycle through files', './schemas/loop-a.yaml'],
    ['a file that does not exist', './schemas/missing.yaml'],
  ])('refuses %s, quoting nothing from it', async (_name, ref) => {
    const path = write(join(dir, `refuse-${ref.replace(/\W/g, '')}.yaml`), spec({ $ref: ref }));
    const started = Date.now();
    const failure = loadOpenApiDocument(path, { allowRefDirs: [schemas] });
    await expect(failure).rejects.toMatchObject({ name: 'HeroSpecError', reason: 'external-ref' });
    await expect(failure).rejects.not.toThrow(/SECRET-OUTSIDE/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses every external ref without an allow-list, naming the ref and where it is', async () => {
    const path = write(join(dir, 'no-allow.yaml'), spec({ $ref: './schemas/patient.yaml#/Patient' }, { 'x-more': { $ref: 'https://evil.example/x' } }));
    await expect(loadOpenApiDocument(path)).rejects.toThrow(
      /refers outside itself: \$ref "\.\/schemas\/patient\.yaml#\/Patient" at #\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema \(and 1 more\)\. A spec is read as data/,
    );
  });

  it('never follows a relative ref of a spec fetched from a URL, and fetches nothing but the spec', async () => {
    const requests: string[] = [];
    server = await serveSpec((request, response) => {
      requests.push(request.url ?? '');
      response.end(spec({ $ref: './schemas/patient.yaml' }));
    });
    expect(await reasonOf(loadOpenApiDocument(`${server.url}/openapi.yaml`, { allowRefDirs: [schemas] }))).toBe('external-ref');
    expect(requests).toEqual(['/openapi.yaml']);
  });
});

describe('the other references a bundler follows: an example externalValue, a discriminator mapping', () => {
  const dir = join(root, 'bundler-refs');
  write(join(dir, 'schemas', 'with-external-example.yaml'), stringify({ Pet: { type: 'object', example: { id: 1 } }, Example: { externalValue: 'http://127.0.0.1:9/e.json' } }));
  const mapped = (target: string) => ({ oneOf: [{ $ref: '#/components/schemas/Local' }], discriminator: { propertyName: 'kind', mapping: { cat: target, dog: 'Local', local: '#/components/schemas/Local' } } });
  const examples = (externalValue: string) => ({
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'string' }, examples: { one: { externalValue } } } } } } } } },
  });

  it.each([
    ['an externalValue URL (openapi-typescript fetched it)', stringify(examples('http://127.0.0.1:9/e.json')), /externalValue "http:\/\/127\.0\.0\.1:9\/e\.json"/],
    ['an externalValue file path', stringify(examples('/etc/passwd')), /externalValue "\/etc\/passwd"/],
    ['a discriminator mapping to a URL', spec(mapped('http://127.0.0.1:9/m.yaml#/Cat')), /discriminator mapping "http:\/\/127\.0\.0\.1:9\/m\.yaml#\/Cat" at #\/paths/],
    ['a discriminator mapping to a file', spec(mapped('./schemas/cat.yaml')), /discriminator mapping "\.\/schemas\/cat\.yaml"/],
  ])('refuses %s, even with --allow-ref-dir', async (_name, text, message) => {
    const path = write(join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`), text);
    await expect(loadOpenApiDocument(path)).rejects.toThrow(message);
    expect(await reasonOf(loadOpenApiDocument(path, { allowRefDirs: [dir] }))).toBe('external-ref');
  });

  it('refuses one that arrives inside a file inlined from an allowed directory', async () => {
    const path = write(join(dir, 'inlines.yaml'), spec({ $ref: './schemas/with-external-example.yaml#/Pet' }, { components: { schemas: { Local: { type: 'string' } }, examples: { E: { $ref: './schemas/with-external-example.yaml#/Example' } } } }));
    expect(await reasonOf(loadOpenApiDocument(path, { allowRefDirs: [join(dir, 'schemas')] }))).toBe('external-ref');
  });

  it('keeps mapping values that name a schema, or point inside the spec', async () => {
    const path = write(join(dir, 'names.yaml'), spec({ oneOf: [{ $ref: '#/components/schemas/Local' }], discriminator: { propertyName: 'kind', mapping: { dog: 'Local', local: '#/components/schemas/Local' } } }));
    expect(await reasonOf(loadOpenApiDocument(path))).toBe('loaded');
  });
});
