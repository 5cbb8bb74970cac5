/**
 * Renders the files of `generated/` from an OpenAPI document, in memory, so that
 * `generate` writes them and `generate --check` compares them with what is committed.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/**
 * openapi-typescript options shared by `npm run generate` and the drift check, so the
 * types a drift run compiles against are made exactly like the committed ones.
 * Not `immutable`: openapi-fetch 0.17 maps response types through `Readable<T>`, which
 * only recognises mutable arrays and turns `readonly T[]` into an object type.
 * `defaultNonNullable: false`: a request field with a `default` stays optional (the
 * server fills it in); the generator would otherwise make callers send it.
 */
export const generateOptions = { alphabetize: true, rootTypes: true, defaultNonNullable: false } as const;

const banner = (specName: string) =>
  `// Generated from openapi/${specName} by scripts/generate.ts. Do not edit by hand:\n` +
  `// change the spec and run \`npm run generate\` (CI fails when this file is stale).\n\n`;

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface OperationEntry {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
}

/** Lists every operation in document order (operationId, upper-case method, path template). */
export function listOperations(doc: { paths?: Record<string, Record<string, unknown>> }): OperationEntry[] {
  const out: OperationEntry[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of httpMethods) {
      const op = item[method] as { operationId?: string } | undefined;
      if (op) out.push({ operationId: op.operationId ?? `${method} ${path}`, method: method.toUpperCase(), path });
    }
  }
  return out;
}

/** Returns file name → contents for everything under `generated/`. */
export async function renderGenerated(specFile: string, specName: string): Promise<Map<string, string>> {
  const text = await readFile(specFile, 'utf8');
  const doc = parse(text) as { paths?: Record<string, Record<string, unknown>> };
  const ast = await openapiTS(pathToFileURL(specFile), { ...generateOptions });
  const types = banner(specName) + astToString(ast);

  // A runtime table lets errors name the operation ("registerPatientPds") rather than
  // only the URL, and lets the contract suite enumerate operations without re-parsing.
  const ops = listOperations(doc);
  const rows = ops.map((o) => `  { operationId: ${JSON.stringify(o.operationId)}, method: ${JSON.stringify(o.method)}, path: ${JSON.stringify(o.path)} },`);
  const operations =
    banner(specName) +
    `/** Every operation in the spec: its operationId, HTTP method and path template. */\n` +
    `export const operations = [\n${rows.join('\n')}\n] as const;\n\n` +
    `/** An operationId of the Hero API. */\n` +
    `export type OperationId = (typeof operations)[number]['operationId'];\n`;

  return new Map([
    ['hero-api.ts', types],
    ['operations.ts', operations],
  ]);
}
