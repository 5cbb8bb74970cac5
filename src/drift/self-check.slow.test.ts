/**
 * `npm run drift` at home: this repository checked against its own vendored spec, changed in
 * ways that change nothing for a client (keys reordered, re-serialised as JSON, an `x-`
 * extension, a description), exits 0, and so does a spec that only adds an optional field,
 * which makes the check compile what ships and what the README documents against the
 * regenerated types. Test helpers are never compiled (src/test-helpers imports bench/).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot, specPath } from '../../scripts/lib/paths.js';
import { main } from './cli.js';
import type { DriftReport } from './drift-report.js';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hero-drift-self-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;
const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Json).reverse().map(([key, child]) => [key, reversed(child)]));
};
const vendored = () => parse(readFileSync(specPath, 'utf8')) as Json & { info: Json; components: { schemas: Record<string, Json & { properties: Json }> } };

async function driftAgainst(name: string, document: unknown): Promise<{ exitCode: number; report: DriftReport }> {
  const against = join(workDir, name);
  const json = join(workDir, `${name}.report.json`);
  await writeFile(against, JSON.stringify(document, null, 1));
  const exitCode = await main(['--against', against, '--root', repoRoot, '--json', json, '--quiet'], { stderr: () => {}, cwd: repoRoot });
  return { exitCode, report: JSON.parse(readFileSync(json, 'utf8')) as DriftReport };
}

describe('npm run drift in this repository', () => {
  it('exits 0 against the vendored spec re-serialised, reordered, with an extension and a description edited', async () => {
    const document = vendored();
    document.info['x-published-by'] = 'hero';
    document.info.description = `${String(document.info.description ?? '')} Republished.`;
    const { exitCode, report } = await driftAgainst('no-real-change.json', reversed(document));
    expect(report.counts).toEqual({ breaking: 0, warning: 0, 'non-breaking': 1 });
    expect(report.changes.map((change) => change.rule)).toEqual(['docs.changed']);
    expect(report.clientCheck).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/types generated from the new spec are the same/) });
    expect(exitCode).toBe(0);
  });

  it('compiles what ships and the README against types regenerated from a spec with a new optional field, and passes', async () => {
    const document = vendored();
    document.components.schemas.Patient!.properties.preferred_name = { type: 'string' };
    const { exitCode, report } = await driftAgainst('optional-field.json', document);
    expect(report.changes.filter((change) => change.severity !== 'non-breaking')).toEqual([]);
    expect(report.clientCheck).toMatchObject({ status: 'passed', mode: 'repository', preExistingErrors: 0 });
    expect(report.clientCheck.filesChecked).toBeGreaterThan(50);
    expect(exitCode).toBe(0);
  }, 120_000);
});
