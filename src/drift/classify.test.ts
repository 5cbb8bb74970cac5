import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DriftChange } from './change.js';
import { classifyChanges } from './classify.js';
import { parseOpenApiText } from '../openapi/parse.js';
import type { JsonObject, OpenApiDocument } from '../openapi/document.js';

const load = (name: string) => parseOpenApiText(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'), name);
const base = load('base.yaml');

const classify = (after: OpenApiDocument, before: OpenApiDocument = base) =>
  classifyChanges({ document: before, label: 'before' }, { document: after, label: 'after' });

// Edits a deep copy of base.yaml; the fixture files cover the named cases, these the rest.
function edit(change: (document: JsonObject & { paths: JsonObject; components: JsonObject }) => void): OpenApiDocument {
  const copy = structuredClone(base) as OpenApiDocument & { paths: JsonObject; components: JsonObject };
  change(copy);
  return copy;
}

const at = (value: unknown, ...path: (string | number)[]): JsonObject =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value) as JsonObject;

const summary = (changes: DriftChange[]) => changes.map(({ severity, rule }) => ({ severity, rule }));

describe('classifyChanges on the fixture spec pairs', () => {
  it('reports nothing for identical specs', async () => {
    expect(await classify(load('base.yaml'))).toEqual([]);
  });

  it('classifies a removed operation as breaking', async () => {
    const changes = await classify(load('removed-operation.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'breaking', rule: 'operation.removed' }]);
    expect(changes[0]).toMatchObject({ source: 'openapi-diff', operations: ['GET /widgets/{id} (getWidget)'] });
  });

  it('classifies a removed response property as breaking, once, listing every operation that returns it', async () => {
    const changes = await classify(load('removed-response-property.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'breaking', rule: 'response.property.removed' }]);
    expect(changes[0]?.location).toBe('#/components/schemas/Widget/properties/colour');
    expect(changes[0]?.operations).toEqual([
      'GET /widgets (listWidgets)',
      'POST /widgets (createWidget)',
      'GET /widgets/{id} (getWidget)',
    ]);
  });

  it('classifies a new required request property as breaking', async () => {
    const changes = await classify(load('new-required-request-property.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'breaking', rule: 'request.property.required-added' }]);
    expect(changes[0]?.message).toContain('WidgetInput.owner');
  });

  it('classifies a changed property type as breaking', async () => {
    const changes = await classify(load('type-change.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'breaking', rule: 'response.type.changed' }]);
    expect(changes[0]?.details).toEqual({ before: 'string', after: 'integer' });
  });

  it('classifies a narrowed request enum as breaking', async () => {
    const changes = await classify(load('request-enum-narrowed.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'breaking', rule: 'request.enum.narrowed' }]);
    expect(changes[0]?.message).toContain('"blue"');
  });

  it('classifies a widened response enum as a warning', async () => {
    const changes = await classify(load('response-enum-widened.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'warning', rule: 'response.enum.widened' }]);
  });

  it('classifies an added optional response property as non-breaking', async () => {
    const changes = await classify(load('added-optional-property.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'non-breaking', rule: 'response.property.added' }]);
  });

  it('classifies an added operation as non-breaking', async () => {
    const changes = await classify(load('added-operation.yaml'));
    expect(summary(changes)).toEqual([{ severity: 'non-breaking', rule: 'operation.added' }]);
    expect(changes[0]?.operations).toEqual(['DELETE /widgets/{id} (deleteWidget)']);
  });
});

describe('classifyChanges rules beyond openapi-diff', () => {
  it('treats a new required query parameter as breaking and a new optional one as non-breaking', async () => {
    const after = edit((document) => {
      const list = at(document.paths, '/widgets', 'get').parameters as unknown[];
      list.push({ name: 'owner', in: 'query', required: true, schema: { type: 'string' } });
      list.push({ name: 'sort', in: 'query', schema: { type: 'string' } });
    });
    expect(summary(await classify(after))).toEqual([
      { severity: 'breaking', rule: 'request.parameter.required-added' },
      { severity: 'non-breaking', rule: 'request.parameter.optional-added' },
    ]);
  });

  it('treats a path parameter renamed in the template as the same route', async () => {
    const after = edit((document) => {
      const item = document.paths['/widgets/{id}'];
      delete document.paths['/widgets/{id}'];
      document.paths['/widgets/{widgetId}'] = item;
      at(item, 'get').parameters = [{ name: 'widgetId', in: 'path', required: true, schema: { type: 'string' } }];
    });
    expect(summary(await classify(after))).toEqual([]);
  });

  it('still classifies a spec whose parameter $ref points nowhere, which openapi-diff alone would refuse, and warns that it is malformed', async () => {
    const after = edit((document) => {
      at(document.paths, '/widgets/{id}', 'get').parameters = [{ $ref: '#/components/parameters/Missing' }];
      at(document.paths, '/widgets/{id}', 'get').summary = 'Get a widget';
    });
    expect(summary(await classify(after))).toEqual([
      { severity: 'warning', rule: 'spec.path-parameter.undeclared' },
      { severity: 'warning', rule: 'request.parameter.removed' },
      { severity: 'non-breaking', rule: 'docs.changed' },
    ]);
  });

  it('treats a changed API key header as a breaking security change reported once for all operations', async () => {
    const after = edit((document) => {
      at(document.components, 'securitySchemes', 'apiKey').name = 'x-partner-key';
    });
    const changes = await classify(after);
    expect(summary(changes)).toEqual([{ severity: 'breaking', rule: 'security.changed' }]);
    expect(changes[0]?.location).toBe('#/security');
    expect(changes[0]?.operations).toHaveLength(3);
  });

  it('treats a response property becoming nullable as a breaking type change', async () => {
    const after = edit((document) => {
      at(document.components, 'schemas', 'Widget', 'properties', 'name').type = ['string', 'null'];
    });
    expect(summary(await classify(after))).toEqual([{ severity: 'breaking', rule: 'response.type.changed' }]);
  });

  it('treats a request integer widened to number as non-breaking', async () => {
    const after = edit((document) => {
      at(document.components, 'schemas', 'WidgetInput', 'properties', 'size').type = 'number';
    });
    expect(summary(await classify(after))).toEqual([{ severity: 'non-breaking', rule: 'request.type.widened' }]);
  });

  it('treats a new response status as a warning', async () => {
    const after = edit((document) => {
      at(document.paths, '/widgets', 'get', 'responses')['429'] = { description: 'Too many requests.' };
    });
    expect(summary(await classify(after))).toEqual([{ severity: 'warning', rule: 'response.status.added' }]);
  });

  it('treats a pattern added to a request property as breaking, and a changed one as a warning for a person to judge', async () => {
    const added = await classify(
      edit((document) => {
        at(document.components, 'schemas', 'WidgetInput', 'properties', 'name').pattern = '^[a-z]+$';
      }),
    );
    expect(summary(added)).toEqual([{ severity: 'breaking', rule: 'request.constraint.tightened' }]);
    expect(added[0]?.message).toContain('pattern');
    const base = edit((document) => {
      at(document.components, 'schemas', 'WidgetInput', 'properties', 'name').pattern = '^[a-z]+$';
    });
    const changed = edit((document) => {
      at(document.components, 'schemas', 'WidgetInput', 'properties', 'name').pattern = '^[a-z0-9]+$';
    });
    expect(summary(await classify(changed, base))).toEqual([{ severity: 'warning', rule: 'request.pattern.changed' }]);
  });

  it("drops openapi-diff's coarse body finding whenever our rules name a change in that body", async () => {
    // Closing a request body to extra properties: openapi-diff's set comparison says values
    // are no longer accepted (breaking); our rule names the keyword, for a person to judge.
    const after = edit((document) => {
      at(document.components, 'schemas', 'WidgetInput').additionalProperties = false;
    });
    const changes = await classify(after);
    expect(changes.map(({ severity, rule, source }) => ({ severity, rule, source }))).toEqual([
      { severity: 'warning', rule: 'schema.constraint.changed', source: 'hero-drift' },
    ]);
    expect(changes[0]?.operations).toEqual(['POST /widgets (createWidget)']);
  });

  it("drops openapi-diff's body finding when our rules name the change at the same severity", async () => {
    const changes = await classify(load('type-change.yaml'));
    expect(changes.some((change) => change.source === 'openapi-diff')).toBe(false);
  });

  it('treats description and summary edits as documentation only', async () => {
    const after = edit((document) => {
      at(document.paths, '/widgets', 'get').summary = 'List widgets';
      at(document.components, 'schemas', 'Widget', 'properties', 'note').description = 'Free text, at most 200 characters.';
    });
    const changes = await classify(after);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((change) => change.severity === 'non-breaking' && change.rule === 'docs.changed')).toBe(true);
  });

  it('reads OpenAPI 3.0 documents, where null is written as nullable', async () => {
    const before = edit((document) => {
      document.openapi = '3.0.3';
      at(document.components, 'schemas', 'Widget', 'properties').note = { type: 'string', nullable: true };
    });
    const after = structuredClone(before);
    delete at(after, 'components', 'schemas', 'Widget', 'properties').colour;
    expect(summary(await classify(after, before))).toEqual([{ severity: 'breaking', rule: 'response.property.removed' }]);
  });

  it('treats a field removed from a webhook payload as breaking, since the client reads payloads', async () => {
    const withWebhook = (properties: JsonObject) =>
      edit((document) => {
        document.webhooks = {
          widgetCreated: {
            post: {
              requestBody: { content: { 'application/json': { schema: { type: 'object', properties } } } },
              responses: { '200': { description: 'Received.' } },
            },
          },
        };
      });
    const before = withWebhook({ id: { type: 'string' }, event: { type: 'string' } });
    const after = withWebhook({ id: { type: 'string' } });
    expect(summary(await classify(after, before))).toEqual([{ severity: 'breaking', rule: 'response.property.removed' }]);
  });

  describe('schemas composed with allOf', () => {
    // A derived schema that refines a base property (here: marks it readOnly), as specs often do.
    const derived = (baseId: JsonObject, extra: JsonObject = {}) =>
      edit((document) => {
        const schemas = at(document, 'components', 'schemas');
        schemas.Base = { type: 'object', required: ['id'], properties: { id: baseId } };
        schemas.Widget = { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', properties: { id: { readOnly: true }, name: { type: 'string' }, ...extra } }] };
      });

    it("finds a base property's type change when another member also names the property, beside a harmless change in the same body", async () => {
      const before = derived({ type: 'string' });
      const after = derived({ type: 'integer' }, { extra: { type: 'string' } });
      const changes = summary(await classify(after, before));
      expect(changes).toContainEqual({ severity: 'breaking', rule: 'response.type.changed' });
    });

    it("keeps openapi-diff's body finding when two members bound one keyword and only the tighter one changed", async () => {
      const input = (maxLength: number) =>
        edit((document) => {
          at(document, 'components', 'schemas').WidgetInput = {
            allOf: [{ type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 50 } } }, { properties: { name: { maxLength } } }],
          };
        });
      const changes = summary(await classify(input(3), input(5)));
      expect(changes.filter((change) => change.severity === 'breaking')).not.toEqual([]);
    });
  });

  it('reads keywords beside a $ref in OpenAPI 3.1, where they apply with it: a bound added there is found', async () => {
    const withName = (name: JsonObject) =>
      edit((document) => {
        at(document, 'components', 'schemas').Name = { type: 'string' };
        at(document, 'components', 'schemas', 'WidgetInput', 'properties').name = name;
      });
    const before = withName({ $ref: '#/components/schemas/Name' });
    const after = withName({ $ref: '#/components/schemas/Name', maxLength: 3 });
    expect(summary(await classify(after, before))).toEqual([{ severity: 'breaking', rule: 'request.constraint.tightened' }]);
    expect(summary(await classify(before, after))).toEqual([{ severity: 'non-breaking', rule: 'request.constraint.loosened' }]);
  });
});
