import type { OpenAPI3 } from 'openapi-typescript';
import { GENERATE_OPTIONS } from './generate-options.js';
import { HTTP_METHODS, isObject, objectEntries, type OpenApiDocument } from './openapi-document.js';
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
  const types = generatedBanner(specName) + astToString(ast);

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
  ]);
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
  const rows: OperationRow[] = [];
  for (const [path, item] of objectEntries(document.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : `${method} ${path}`;
      rows.push({ operationId, method: method.toUpperCase(), path });
    }
  }
  return rows;
}
