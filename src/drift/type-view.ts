import { isObject } from '../openapi/document.js';
import { canonicalJson } from './openapi-document.js';

// Keywords that only describe. openapi-typescript turns some into JSDoc (`description`,
// `deprecated`, `example`), which no compiler check reads.
const DOCUMENTATION = new Set([
  'description', 'summary', 'example', 'examples', 'externalDocs', '$comment', 'deprecated', 'xml', 'tags',
  'contact', 'license', 'termsOfService',
]);
// Top-level sections the generated files never read.
const TOP_LEVEL_DOCUMENTATION = new Set(['info', 'servers', 'tags', 'externalDocs', 'jsonSchemaDialect']);
// openapi-typescript reads these extensions (enum names for its `enum` output); every other `x-` is ours or Hero's.
const READ_EXTENSIONS = /^x-enum/i;
// Maps whose keys are names (a property called `description`, a path, a status), never keywords.
const NAME_MAPS = new Set([
  'properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'paths', 'webhooks', 'schemas',
  'responses', 'parameters', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems',
  'content', 'encoding', 'mapping', 'variables', 'scopes',
]);

// Keywords whose value is data, compared as it is (a `const` object may have a `description` key).
const VALUES = new Set(['const', 'enum', 'default']);
// Lists whose order no generated type depends on (a union's members, an alphabetised object's
// keys), compared as sets: a spec that only reorders them generates the same declarations.
const UNORDERED = new Set(['required', 'enum', 'type', 'parameters']);

/**
 * The part of a spec the generated files (`generated/*.ts`) are made from, as canonical JSON:
 * keys sorted, documentation and unread extensions left out. When two specs give the same
 * text, the types generated from them are the same, so no code can compile differently
 * against them and the client check has nothing to find. Conservative by construction:
 * anything not known to be documentation is kept, and a kept difference only means the
 * compile runs.
 */
export function typeRelevantJson(document: unknown): string {
  return canonicalJson(strip(document, undefined, true));
}

function strip(value: unknown, parentKey: string | undefined, topLevel = false): unknown {
  if (Array.isArray(value)) return value.map((item) => strip(item, undefined));
  if (!isObject(value)) return value;
  const keepAllKeys = parentKey !== undefined && NAME_MAPS.has(parentKey);
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!keepAllKeys) {
      if (DOCUMENTATION.has(key) || (topLevel && TOP_LEVEL_DOCUMENTATION.has(key))) continue;
      if (key.startsWith('x-') && !READ_EXTENSIONS.test(key)) continue;
    }
    // Under a name map the children are named things (schemas, parameters…), whose own keys are keywords again.
    const kept = !keepAllKeys && VALUES.has(key) ? child : strip(child, keepAllKeys ? undefined : key);
    result[key] = !keepAllKeys && UNORDERED.has(key) && Array.isArray(kept) ? [...kept].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))) : kept;
  }
  return result;
}
