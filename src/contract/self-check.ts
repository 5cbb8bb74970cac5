/**
 * Checks of the spec itself, which every generated case relies on: examples match their
 * schemas, operationIds are unique, every `$ref` resolves, every operation documents a
 * 2xx and a 4xx.
 */
import { escapePointerSegment as escapePointer } from '../openapi/document.js';
import { examplesOf, getAt, type LoadedSpec, type OperationSpec } from './spec.js';
import type { SpecValidator } from './validate.js';

/** The result of one self-check. `operationId` is set for per-operation checks. */
export interface SelfCheckResult {
  readonly id: string;
  readonly operationId: string | undefined;
  readonly problems: readonly string[];
}

/** Runs every self-check: two per operation, then four over the whole document. */
export function runSelfChecks(spec: LoadedSpec, validator: SpecValidator): SelfCheckResult[] {
  const results: SelfCheckResult[] = [];
  // A schema ajv cannot compile fails its own check, not the run.
  const check = (id: string, operationId: string | undefined, problems: () => string[]) => {
    try {
      results.push({ id, operationId, problems: problems() });
    } catch (error) {
      results.push({ id, operationId, problems: [`could not check: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`] });
    }
  };
  for (const op of spec.operations) {
    check(`${op.operationId} examples match their schemas`, op.operationId, () => operationExampleProblems(spec, validator, op));
    check(`${op.operationId} documents a 2xx and a 4xx`, op.operationId, () => statusProblems(op));
  }
  check('operationIds are present and unique', undefined, () => operationIdProblems(spec));
  check('every $ref resolves', undefined, () => refProblems(spec));
  check('component schema examples match their schemas', undefined, () => componentExampleProblems(spec, validator));
  check('every schema compiles with known formats', undefined, () => compileProblems(spec, validator));
  return results;
}

function exampleProblems(validator: SpecValidator, schemaPointer: string | undefined, examples: readonly { pointer: string; value: unknown }[], label: string): string[] {
  if (!schemaPointer) return [];
  return examples.flatMap((example) =>
    validator.validate(schemaPointer, example.value).map((i) => `${label} example ${example.pointer}: ${i.field} ${i.message} (expected ${i.expected})`),
  );
}

function operationExampleProblems(spec: LoadedSpec, validator: SpecValidator, op: OperationSpec): string[] {
  const problems: string[] = [];
  for (const p of op.parameters) problems.push(...exampleProblems(validator, p.schemaPointer, p.examples, `${p.in} parameter "${p.name}"`));
  for (const m of op.requestBody?.content ?? []) problems.push(...exampleProblems(validator, m.schemaPointer, m.examples, `request ${m.mediaType}`));
  for (const r of op.responses) {
    for (const m of r.content) problems.push(...exampleProblems(validator, m.schemaPointer, m.examples, `${r.status} ${m.mediaType}`));
  }
  return problems;
}

function statusProblems(op: OperationSpec): string[] {
  const statuses = op.responses.map((r) => r.status.toUpperCase());
  const problems: string[] = [];
  if (!statuses.some((s) => s.startsWith('2'))) problems.push(`${op.operationId} documents no 2xx response (has ${statuses.join(', ') || 'none'})`);
  if (!statuses.some((s) => s.startsWith('4'))) problems.push(`${op.operationId} documents no 4xx response (has ${statuses.join(', ') || 'none'})`);
  return problems;
}

function operationIdProblems(spec: LoadedSpec): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const op of spec.operations) {
    const where = `${op.method.toUpperCase()} ${op.path}`;
    if (typeof (getAt(spec.doc, op.pointer) as { operationId?: unknown }).operationId !== 'string') problems.push(`${where} has no operationId`);
    const previous = seen.get(op.operationId);
    if (previous) problems.push(`operationId "${op.operationId}" is used by ${previous} and ${where}`);
    else seen.set(op.operationId, where);
  }
  return problems;
}

function refProblems(spec: LoadedSpec): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${pointer}/${i}`));
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref' && typeof child === 'string') {
        if (!child.startsWith('#')) problems.push(`${pointer}: external $ref "${child}" (bundle the spec first)`);
        else if (getAt(spec.doc, child) === undefined) problems.push(`${pointer}: $ref "${child}" does not resolve`);
      } else if (key !== 'example' && key !== 'value') {
        // Example values are data: a "$ref" inside one is not a reference.
        walk(child, `${pointer}/${escapePointer(key)}`);
      }
    }
  };
  walk(spec.doc, '#');
  return problems;
}

/** Examples on component schemas and on their nested properties, items and branches. */
function componentExampleProblems(spec: LoadedSpec, validator: SpecValidator): string[] {
  const problems: string[] = [];
  const visit = (pointer: string, label: string, depth: number) => {
    const node = getAt(spec.doc, pointer) as Record<string, unknown> | undefined;
    if (!node || typeof node !== 'object' || depth > 20 || '$ref' in node) return;
    problems.push(...exampleProblems(validator, pointer, examplesOf(spec.doc, pointer), label));
    for (const [key, child] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
      if (child && typeof child === 'object') visit(`${pointer}/properties/${escapePointer(key)}`, `${label}.${key}`, depth + 1);
    }
    if (node.items && typeof node.items === 'object') visit(`${pointer}/items`, `${label}[]`, depth + 1);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') visit(`${pointer}/additionalProperties`, `${label}{}`, depth + 1);
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      const list = node[keyword];
      if (Array.isArray(list)) list.forEach((_, i) => visit(`${pointer}/${keyword}/${i}`, `${label}/${keyword}/${i}`, depth + 1));
    }
  };
  const schemas = (getAt(spec.doc, '#/components/schemas') ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(schemas)) visit(`#/components/schemas/${escapePointer(name)}`, `schema ${name}`, 0);
  return problems;
}

/**
 * Compiles every parameter and body schema. A bad `pattern` or `$ref` fails compilation;
 * an unknown `format` only makes ajv warn, and then that format is silently not checked.
 */
function compileProblems(spec: LoadedSpec, validator: SpecValidator): string[] {
  const problems: string[] = [];
  const pointers = spec.operations.flatMap((op) => [
    ...op.parameters.map((p) => p.schemaPointer),
    ...(op.requestBody?.content ?? []).map((m) => m.schemaPointer),
    ...op.responses.flatMap((r) => r.content.map((m) => m.schemaPointer)),
  ]);
  for (const pointer of pointers) {
    if (!pointer) continue;
    try {
      validator.validate(pointer, null);
    } catch (error) {
      problems.push(`${pointer}: ${(error as Error).message}`);
    }
  }
  return [...problems, ...[...validator.warnings].map((w) => `ajv: ${w}`)];
}
