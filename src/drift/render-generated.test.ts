import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenApiText } from '../openapi/parse.js';
import { listOperationParameters, listOperationRows, renderGeneratedFiles } from './render-generated.js';

const base = parseOpenApiText(readFileSync(join(import.meta.dirname, 'fixtures', 'base.yaml'), 'utf8'), 'base.yaml');

describe('renderGeneratedFiles', () => {
  it('renders the types, the operation table and the parameter rules under the generated banner', async () => {
    const files = await renderGeneratedFiles(base, 'hero-public-api.yaml');
    expect([...files.keys()]).toEqual(['hero-api.ts', 'operations.ts', 'patient-fields.ts', 'parameters.ts']);
    for (const contents of files.values()) {
      expect(contents.startsWith('// Generated from openapi/hero-public-api.yaml by scripts/generate.ts.')).toBe(true);
    }
    expect(files.get('operations.ts')).toContain('  { operationId: "getWidget", method: "GET", path: "/widgets/{id}" },');
    expect(files.get('parameters.ts')).toContain('  "listWidgets": { path: {}, query: ["page_size"] },');
    expect(files.get('parameters.ts')).toContain('  "getWidget": { path: {"id":null}, query: [] },');
    const types = files.get('hero-api.ts') ?? '';
    expect(types).toMatch(/export type SchemaWidget = components\['schemas'\]\['Widget'\];/);
    // openapi-fetch's Readable<T> mangles readonly arrays, so the types must stay mutable.
    expect(types).not.toContain('readonly ');
  });
});

describe('listOperationParameters', () => {
  it('follows $refs to the parameter and its schema, keeps the pattern, and lets the operation override the path item', () => {
    const document = structuredClone(base) as Record<string, any>;
    document.components.schemas.Digits = { type: 'string', pattern: '^\\d+$' };
    document.components.parameters.Id.schema = { $ref: '#/components/schemas/Digits' };
    document.paths['/widgets/{id}'].parameters = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^x$' } }, { name: 'q', in: 'query', schema: { type: 'string' } }];
    const rows = listOperationParameters(document as typeof base);
    expect(rows.get('getWidget')).toEqual({ path: { id: '^\\d+$' }, query: ['q'] });
  });
});

describe('listOperationRows', () => {
  it('lists operations in document order and names one without an operationId by method and path', () => {
    const document = structuredClone(base);
    delete (document.paths as Record<string, Record<string, Record<string, unknown>>>)['/widgets']!['post']!['operationId'];
    expect(listOperationRows(document)).toEqual([
      { operationId: 'listWidgets', method: 'GET', path: '/widgets' },
      { operationId: 'post /widgets', method: 'POST', path: '/widgets' },
      { operationId: 'getWidget', method: 'GET', path: '/widgets/{id}' },
    ]);
  });
});
