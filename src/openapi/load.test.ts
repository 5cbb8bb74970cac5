import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { serveSpec, unreachableUrl, type SpecServer } from '../drift/fixtures/serve-spec.js';
import { loadOpenApiDocument as loadSpec } from './load.js';
import { parseOpenApiText as parseSpecText } from './parse.js';
import { HeroSpecError } from './spec-error.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'drift', 'fixtures', name);
const baseText = readFileSync(fixture('base.yaml'), 'utf8');

describe('loadOpenApiDocument', () => {
  let server: SpecServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads a YAML file and reports its info.version', async () => {
    const spec = await loadSpec(fixture('base.yaml'));
    expect(spec.document.openapi).toBe('3.1.0');
    expect(spec.version).toBe('1.0.0');
    expect(spec.text).toBe(baseText);
  });

  it('reads the same spec written as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hero-drift-test-'));
    try {
      const path = join(dir, 'spec.json');
      await writeFile(path, JSON.stringify(parseYaml(baseText)));
      const spec = await loadSpec(path);
      expect(spec.document).toEqual(parseYaml(baseText));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fetches a spec from a URL', async () => {
    server = await serveSpec((_request, response) => {
      response.setHeader('content-type', 'application/yaml');
      response.end(baseText);
    });
    const spec = await loadSpec(`${server.url}/openapi.yaml`);
    expect(spec.version).toBe('1.0.0');
    expect(spec.source).toBe(`${server.url}/openapi.yaml`);
  });

  it('rejects an HTTP error status with the status in the message', async () => {
    server = await serveSpec((_request, response) => {
      response.statusCode = 404;
      response.end('not here');
    });
    await expect(loadSpec(`${server.url}/openapi.yaml`)).rejects.toThrow(/HTTP 404/);
  });

  it('rejects an unreachable URL with the connection error', async () => {
    const url = await unreachableUrl();
    const failure = loadSpec(url);
    await expect(failure).rejects.toBeInstanceOf(HeroSpecError);
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
  });

  it('gives up on a server that never answers after timeoutMs', async () => {
    server = await serveSpec(() => {
      // Never answers.
    });
    await expect(loadSpec(`${server.url}/slow.yaml`, { timeoutMs: 100 })).rejects.toThrow(/no answer within 100 ms/);
  });

  it('rejects a missing file naming the path', async () => {
    await expect(loadSpec(fixture('does-not-exist.yaml'))).rejects.toThrow(/Could not read .*does-not-exist\.yaml: ENOENT/);
  });
});

describe('parseOpenApiText', () => {
  it('rejects broken YAML with the parser message', () => {
    const text = readFileSync(fixture('unparseable.yaml'), 'utf8');
    expect(() => parseSpecText(text, 'unparseable.yaml')).toThrow(/Could not parse unparseable\.yaml as YAML or JSON/);
  });

  it('rejects an HTML page served in place of the spec', () => {
    expect(() => parseSpecText('<html><body>Sign in</body></html>', 'page')).toThrow(/not an OpenAPI document/);
  });

  it('rejects Swagger 2.0 by name', () => {
    expect(() => parseSpecText('swagger: "2.0"\npaths: {}\n', 'old.yaml')).toThrow(/Swagger 2\.0/);
  });

  it('rejects a document with neither paths nor webhooks', () => {
    expect(() => parseSpecText('openapi: 3.1.0\ninfo: {title: t, version: "1"}\n', 'empty.yaml')).toThrow(/neither `paths` nor `webhooks`/);
  });
});
