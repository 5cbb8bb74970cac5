import type { OpenAPI3 } from 'openapi-typescript';
import { GENERATE_OPTIONS } from './generate-options.js';
import { isObject, type OpenApiDocument } from '../openapi/document.js';
import { eachOperation, resolveRef } from '../openapi/operations.js';
import { importTool } from './optional-import.js';
import { renderPatientFields } from './patient-field-rows.js';

/** The header of every generated file; `specName` is the file name under `openapi/`. */
export function generatedBanner(specName: string): string {
  return (
    `// Generated from openapi/${specName} by scripts/generate.ts. Do not edit by hand:\n` +
    '// change the spec and run `npm run generate` (CI fails when this file is stale).\n\n'
  );
}

/**
 * Renders every file of `generated/` (file name → contents) from a parsed spec, in memory:
 * `hero-api.ts` (openapi-typescript with {@link GENERATE_OPTIONS}) and `operations.ts`
 * (operationId, method and path of each operation) and `patient-fields.ts` (request fields
 * carrying an NHS number, date of birth or postcode). `npm run generate` writes these files;
 * the drift client check compiles against them, so both make them the same way.
 */
export async function renderGeneratedFiles(document: OpenApiDocument, specName: string): Promise<Map<string, string>> {
  const { default: openapiTS, astToString } = await importTool('openapi-typescript', () => import('openapi-typescript'));
  // openapi-typescript annotates the object it is given; the caller's copy stays untouched.
  const ast = await openapiTS(structuredClone(document) as unknown as OpenAPI3, { ...GENERATE_OPTIONS, silent: true });
  const types = generatedBanner(specName) + documentRootTypes(astToString(ast));

  // A runtime table lets errors name the operation ("registerPatientPds") rather than
  // only the URL, and lets the contract suite enumerate operations without re-parsing.
  const rows = listOperationRows(document).map(
    (row) => `  { operationId: ${JSON.stringify(row.operationId)}, method: ${JSON.stringify(row.method)}, path: ${JSON.stringify(row.path)} },`,
  );
  const operations =
    generatedBanner(specName) +
    '/** Every operation in the spec: its operationId, HTTP method and path template. */\n' +
    `export const operations = [\n${rows.join('\n')}\n] as const;\n\n` +
    '/** An operationId of the Hero API. */\n' +
    "export type OperationId = (typeof operations)[number]['operationId'];\n";

  return new Map([
    ['hero-api.ts', types],
    ['operations.ts', operations],
    ['patient-fields.ts', generatedBanner(specName) + renderPatientFields(document)],
    ['parameters.ts', renderParameters(document, specName)],
  ]);
}

// openapi-typescript writes the three root types without a comment; the package exports them,
// so each gets one (editors show it, and the API reference requires every export documented).
const ROOT_TYPE_DOCS: Record<string, string> = {
  paths: 'Every path of the Hero API: per path and method, its parameters, request body and responses, as openapi-fetch (`hero.raw`) reads them.',
  components: "The spec's reusable parts: `components['schemas']['Patient']` and the other schemas, parameters, responses and headers.",
  operations: 'Every operation by operationId: its parameters, request body and responses (`operations[\'sendMessage\']`).',
};

function documentRootTypes(source: string): string {
  return source.replace(/^export interface (paths|components|operations) \{/gm, (line, name: string) => `/** ${ROOT_TYPE_DOCS[name]} */\n${line}`);
}

/** Path and query parameters of one operation, as `generated/parameters.ts` lists them. */
export interface OperationParameters {
  /** Path parameter name → the spec's `pattern` for it, or `null` when the spec gives none. */
  path: Record<string, string | null>;
  /** Names of the declared query parameters. */
  query: string[];
}

/**
 * `generated/parameters.ts`: per operationId, the path parameters with their spec `pattern`
 * and the declared query parameter names. The URL builder checks ids against these
 * patterns before sending, and the facade refuses query keys an operation does not declare.
 */
function renderParameters(document: OpenApiDocument, specName: string): string {
  const rows: string[] = [];
  for (const [operationId, params] of listOperationParameters(document)) {
    rows.push(`  ${JSON.stringify(operationId)}: { path: ${JSON.stringify(params.path)}, query: ${JSON.stringify(params.query)} },`);
  }
  return (
    generatedBanner(specName) +
    '/** Per operationId: path parameters (name → spec `pattern`, or null) and declared query parameter names. */\n' +
    `export const operationParameters: Readonly<Record<string, { readonly path: Readonly<Record<string, string | null>>; readonly query: readonly string[] }>> = {\n${rows.join('\n')}\n};\n`
  );
}

/** Path-item and operation parameters (the operation's win), `$ref`s followed, keyed by operationId. */
export function listOperationParameters(document: OpenApiDocument): Map<string, OperationParameters> {
  const result = new Map<string, OperationParameters>();
  for (const { pathItem: item, operation, operationId } of eachOperation(document)) {
    const byKey = new Map<string, { name: string; in: string; pattern: string | null }>();
    for (const list of [item.parameters, operation.parameters]) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const parameter = resolveRef(document, raw).value;
        if (!isObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
        const schema = resolveRef(document, parameter.schema).value;
        const pattern = isObject(schema) && typeof schema.pattern === 'string' ? schema.pattern : null;
        byKey.set(`${parameter.in} ${parameter.name}`, { name: parameter.name, in: parameter.in, pattern });
      }
    }
    const params: OperationParameters = { path: {}, query: [] };
    for (const parameter of byKey.values()) {
      if (parameter.in === 'path') params.path[parameter.name] = parameter.pattern;
      else if (parameter.in === 'query') params.query.push(parameter.name);
    }
    result.set(operationId, params);
  }
  return result;
}

/** One row of `generated/operations.ts`. */
export interface OperationRow {
  operationId: string;
  /** Upper case, e.g. `GET`. */
  method: string;
  path: string;
}

/** Every operation in document order; one without an operationId is named `method path`. */
export function listOperationRows(document: OpenApiDocument): OperationRow[] {
  return [...eachOperation(document)].map(({ operationId, method, path }) => ({ operationId, method: method.toUpperCase(), path }));
}
