import { describe, expect, it } from 'vitest';
import { dropUnchangedOperations, projectForOpenapiDiff } from './openapi-diff-adapter.js';
import type { OpenApiDocument } from '../openapi/document.js';

const jsonBody = (schema: unknown) => ({ description: 'ok', content: { 'application/json': { schema } } });

describe('projectForOpenapiDiff', () => {
  it('rewrites OpenAPI 3.1 schema forms into the 3.0 forms openapi-diff validates', () => {
    const document: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: 't', version: '1', summary: '3.1 only' },
      paths: {
        '/a': {
          get: {
            responses: {
              '200': jsonBody({
                type: 'object',
                required: [],
                properties: {
                  note: { type: ['string', 'null'], examples: ['x'] },
                  kind: { const: 'fixed' },
                  size: { type: 'number', exclusiveMinimum: 0 },
                  ref: { $ref: '#/components/schemas/B', description: 'sibling allowed in 3.1' },
                },
              }),
            },
          },
        },
      },
      components: { schemas: { B: { type: 'string' } } },
    };
    const projected = projectForOpenapiDiff(document);
    expect(projected.openapi).toBe('3.0.3');
    expect(projected.paths).toEqual({
      '/a': {
        get: {
          parameters: [],
          responses: {
            '200': {
              description: '',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      note: { type: 'string', nullable: true },
                      kind: { enum: ['fixed'] },
                      size: { type: 'number', minimum: 0, exclusiveMinimum: true },
                      ref: { $ref: '#/components/schemas/B' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    });
  });
  it('declares path parameters from the template, whatever the spec declares', () => {
    const projected = projectForOpenapiDiff({
      openapi: '3.1.0',
      paths: { '/a/{id}/b/{bId}': { get: { parameters: [{ name: 'stray', in: 'path', required: true }] } } },
    });
    expect(projected.paths).toMatchObject({
      '/a/{id}/b/{bId}': {
        get: {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: {} },
            { name: 'bId', in: 'path', required: true, schema: {} },
          ],
        },
      },
    });
  });
});

describe('dropUnchangedOperations', () => {
  it('leaves out operations identical on both sides, following refs, and keeps changed ones', () => {
    const side = (bType: string) => ({
      openapi: '3.0.3',
      paths: {
        '/same': { get: { responses: { '200': jsonBody({ $ref: '#/components/schemas/A' }) } } },
        '/changed': { get: { responses: { '200': jsonBody({ $ref: '#/components/schemas/B' }) } } },
      },
      components: { schemas: { A: { type: 'string' }, B: { type: bType } } },
    });
    const [before, after] = dropUnchangedOperations(side('string'), side('integer'));
    expect(Object.keys(before.paths as object)).toEqual(['/changed']);
    expect(Object.keys(after.paths as object)).toEqual(['/changed']);
  });

  it('keeps an operation whose shared component changed even though its own text did not', () => {
    const side = (aType: string) => ({
      openapi: '3.0.3',
      paths: { '/uses-a': { get: { responses: { '200': jsonBody({ $ref: '#/components/schemas/A' }) } } } },
      components: { schemas: { A: { type: 'object', properties: { self: { $ref: '#/components/schemas/A' }, v: { type: aType } } } } },
    });
    const [before] = dropUnchangedOperations(side('string'), side('number'));
    expect(Object.keys(before.paths as object)).toEqual(['/uses-a']);
  });
});
