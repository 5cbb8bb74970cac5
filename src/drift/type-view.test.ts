import { describe, expect, it } from 'vitest';
import { typeRelevantJson } from './type-view.js';

const base = () => ({
  openapi: '3.1.0',
  info: { title: 'A', version: '1' },
  paths: {
    '/things': {
      get: {
        operationId: 'listThings',
        summary: 'List things',
        parameters: [{ name: 'q', in: 'query', description: 'search', schema: { type: 'string' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        description: 'A thing.',
        properties: { name: { type: 'string', example: 'x' }, kind: { const: { description: 'a value, not a keyword' } } },
      },
    },
  },
});

describe('typeRelevantJson', () => {
  it('ignores key order, documentation, examples and extensions nothing generated reads', () => {
    const changed = base();
    changed.info = { version: '2', title: 'B', 'x-audit': 'yes' } as typeof changed.info;
    changed.paths['/things'].get.summary = 'Every thing';
    changed.paths['/things'].get.parameters[0]!.description = 'free text';
    changed.components.schemas.Thing.description = 'Another thing.';
    (changed.components.schemas.Thing as Record<string, unknown>)['x-internal'] = true;
    changed.components.schemas.Thing.properties.name.example = 'y';
    expect(typeRelevantJson(changed)).toBe(typeRelevantJson(base()));
    const reordered = JSON.parse(JSON.stringify(base(), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value)) as unknown;
    expect(typeRelevantJson(reordered)).toBe(typeRelevantJson(base()));
    const listsReordered = base();
    listsReordered.paths['/things'].get.parameters.unshift({ name: 'p', in: 'query', description: '', schema: { type: 'string' } });
    const again = base();
    again.paths['/things'].get.parameters.push({ name: 'p', in: 'query', description: '', schema: { type: 'string' } });
    expect(typeRelevantJson(listsReordered)).toBe(typeRelevantJson(again));
  });

  it('sees a property added, even one named like a documentation keyword', () => {
    const added = base();
    (added.components.schemas.Thing.properties as Record<string, unknown>).description = { type: 'string' };
    expect(typeRelevantJson(added)).not.toBe(typeRelevantJson(base()));
  });

  it('sees a change inside a const value, an enum name extension and a parameter', () => {
    const constChanged = base();
    constChanged.components.schemas.Thing.properties.kind.const.description = 'another value';
    expect(typeRelevantJson(constChanged)).not.toBe(typeRelevantJson(base()));
    const enumNames = base();
    (enumNames.components.schemas.Thing as Record<string, unknown>)['x-enum-varnames'] = ['A'];
    expect(typeRelevantJson(enumNames)).not.toBe(typeRelevantJson(base()));
    const parameter = base();
    parameter.paths['/things'].get.parameters[0]!.schema = { type: 'integer' };
    expect(typeRelevantJson(parameter)).not.toBe(typeRelevantJson(base()));
  });
});
