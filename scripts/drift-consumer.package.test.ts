/**
 * hero-drift in a partner's project, end to end: this package packed as `npm publish` would,
 * installed with the drift peers the README lists into a brand-new project with its own
 * tsconfig and code, then `npx hero-drift --against <Hero's changed spec>` run there.
 *
 * Renaming a field the partner's code sends must fail the run (exit 1) and name the
 * partner's file and line; Hero's spec unchanged, or grown by an optional request
 * property, must pass (exit 0). Packed once and installed once; each case only writes a
 * spec and runs the bin.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { DriftReport } from '../src/drift/drift-report.js';
import {
  installedVersion,
  installInto,
  npmIsAvailable,
  packPackageOnce,
  run,
} from './lib/consumer-project.js';
import { repoRoot } from './lib/paths.js';

const packageName = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;
const npmAvailable = await npmIsAvailable();
if (!npmAvailable) console.warn('drift consumer test SKIPPED: npm cannot be run here, so the package cannot be packed.');

let workDir = '';
let projectDir = '';
let bundledSpec: Spec;

type Spec = { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Record<string, unknown>> } };

// The partner's code: the README's send-message example, and a v3 patient search.
const notifySource = `import type { HeroClient } from '${packageName}';

export async function sendResultsReady(hero: HeroClient, patientId: string) {
  const sent = await hero.messages.send({
    patient_id: patientId,
    message_type: 'sms',
    message_string: 'Your test results are ready.',
  });
  return sent.message_id;
}
`;
const searchSource = `import type { HeroClient } from '${packageName}';

export async function findSmiths(hero: HeroClient) {
  const page = await hero.patients.search({ last_name: 'Smith' });
  return page.data.length;
}
`;
// Line of each field in the files above (1-based).
const MESSAGE_STRING_LINE = 7;
const LAST_NAME_LINE = 4;

const partnerTsconfig = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    skipLibCheck: true,
    types: [],
  },
  include: ['src'],
};

beforeAll(async () => {
  if (!npmAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'hero-drift-consumer-'));
  projectDir = join(workDir, 'partner-app');
  await mkdir(join(projectDir, 'src'), { recursive: true });
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify({ name: 'partner-app', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
  // The peers as the README's install table gives them, at the versions this repository tests with.
  const peers = await Promise.all(['openapi-diff', 'typescript', 'openapi-typescript'].map(async (name) => `${name}@${await installedVersion(name)}`));
  const packed = await packPackageOnce();
  await installInto(projectDir, packed.tarball, peers);
  await Promise.all([
    writeFile(join(projectDir, 'tsconfig.json'), `${JSON.stringify(partnerTsconfig, null, 2)}\n`),
    writeFile(join(projectDir, 'src', 'notify.ts'), notifySource),
    writeFile(join(projectDir, 'src', 'search.ts'), searchSource),
  ]);
  const installed = join(projectDir, 'node_modules', ...packageName.split('/'));
  bundledSpec = parseYaml(await readFile(join(installed, 'openapi', 'hero-public-api.yaml'), 'utf8')) as Spec;
}, 240_000);

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

/** Writes Hero's "new" spec (the bundled one, edited) and runs `npx hero-drift --against` it. */
async function driftAgainst(name: string, edit: (spec: Spec) => void) {
  const spec = structuredClone(bundledSpec);
  edit(spec);
  await writeFile(join(projectDir, name), stringifyYaml(spec));
  const bin = join(projectDir, 'node_modules', '.bin', 'hero-drift');
  const result = await run(bin, ['--against', name, '--quiet', '--json', `${name}.json`], projectDir);
  const report = JSON.parse(await readFile(join(projectDir, `${name}.json`), 'utf8')) as DriftReport;
  return { ...result, report };
}

const compileErrors = (report: DriftReport) => report.changes.filter((change) => change.rule === 'client.compile-error');

// Each run loads two specs, runs openapi-diff, generates types and compiles the project
// (twice when it finds errors): seconds alone, far more on a loaded 2-core machine.
const RUN_TIMEOUT_MS = 120_000;

describe.skipIf(!npmAvailable)('hero-drift in a partner project (consumer mode)', { timeout: RUN_TIMEOUT_MS }, () => {
  it('exits 0 when Hero publishes the spec unchanged', async () => {
    const { code, stderr, report } = await driftAgainst('unchanged.yaml', () => {});
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(report.changes).toEqual([]);
  });

  it('exits 1 and names src/notify.ts:7 when SendMessageRequest.message_string is renamed', async () => {
    const { code, report } = await driftAgainst('renamed-message-string.yaml', (spec) => {
      const schema = spec.components.schemas.SendMessageRequest!;
      const properties = schema.properties as Record<string, unknown>;
      properties.message_text = properties.message_string;
      delete properties.message_string;
      schema.required = (schema.required as string[]).map((name) => (name === 'message_string' ? 'message_text' : name));
    });
    expect(code).toBe(1);
    expect(report.clientCheck).toMatchObject({ status: 'failed', mode: 'consumer', project: 'tsconfig.json', filesChecked: 2 });
    const errors = compileErrors(report);
    expect(errors.map((error) => error.details?.file)).toEqual(['src/notify.ts']);
    expect(errors[0]?.details).toMatchObject({ line: MESSAGE_STRING_LINE, call: 'hero.messages.send', fields: ['message_string'] });
    expect(errors[0]?.operations).toEqual(['POST /v1/messages/send (sendMessage)']);
    expect(errors[0]?.location).toMatch(/^src\/notify\.ts:7:\d+$/);
    expect(errors[0]?.message).toMatch(/^in hero\.messages\.send\(…\); operation POST \/v1\/messages\/send \(sendMessage\); field message_string: .*'message_string' does not exist/);
  });

  it('exits 1 and names src/search.ts:4 when the v3 last_name filter is renamed', async () => {
    const { code, report } = await driftAgainst('renamed-last-name.yaml', (spec) => {
      const operation = spec.paths['/v3/patients']!.get!;
      const parameters = operation.parameters as { name?: string }[];
      const filter = parameters.find((parameter) => parameter.name === 'last_name');
      if (filter === undefined) throw new Error('the bundled spec has no v3 last_name filter');
      filter.name = 'surname';
    });
    expect(code).toBe(1);
    const errors = compileErrors(report);
    expect(errors.map((error) => `${String(error.details?.file)}:${String(error.details?.line)}`)).toEqual([`src/search.ts:${LAST_NAME_LINE}`]);
    expect(errors[0]?.details).toMatchObject({ call: 'hero.patients.search', fields: ['last_name'] });
    expect(errors[0]?.operations).toContain('GET /v3/patients (listPatientsV3)');
  });

  it('exits 0 when Hero adds an optional request property', async () => {
    const { code, report } = await driftAgainst('new-optional-property.yaml', (spec) => {
      const properties = spec.components.schemas.SendMessageRequest!.properties as Record<string, unknown>;
      properties.priority = { type: 'string', enum: ['normal', 'urgent'] };
    });
    expect(code).toBe(0);
    expect(report.clientCheck).toMatchObject({ status: 'passed', mode: 'consumer' });
    expect(report.changes.map((change) => `${change.severity} ${change.rule}`)).toEqual(['non-breaking request.property.optional-added']);
  });
});
