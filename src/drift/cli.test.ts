import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { main } from './cli.js';
import { EXIT_CODE, type DriftReport } from './drift-report.js';
import { serveSpec, unreachableUrl, type SpecServer } from './fixtures/serve-spec.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hero-drift-cli-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: DriftReport;
}

let runCount = 0;
// Runs the CLI in-process with captured output and returns its JSON report too.
async function run(args: string[]): Promise<Run> {
  runCount += 1;
  const jsonPath = join(workDir, `report-${runCount}.json`);
  let stdout = '';
  let stderr = '';
  const exitCode = await main([...args, '--json', jsonPath], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: workDir,
  });
  const report = JSON.parse(await readFile(jsonPath, 'utf8')) as DriftReport;
  return { exitCode, stdout, stderr, report };
}

const compare = (against: string, ...extra: string[]) =>
  run(['--spec', fixture('base.yaml'), '--against', against, '--skip-client-check', ...extra]);

const rulesOf = (report: DriftReport) => report.changes.map(({ severity, rule }) => `${severity} ${rule}`);

describe('hero-drift on fixture spec pairs (--fail-on breaking)', () => {
  it.each([
    ['removed-operation.yaml', ['breaking operation.removed'], 1],
    ['removed-response-property.yaml', ['breaking response.property.removed'], 1],
    ['new-required-request-property.yaml', ['breaking request.property.required-added'], 1],
    ['type-change.yaml', ['breaking response.type.changed'], 1],
    ['request-enum-narrowed.yaml', ['breaking request.enum.narrowed'], 1],
    ['response-enum-widened.yaml', ['warning response.enum.widened'], 0],
    ['added-optional-property.yaml', ['non-breaking response.property.added'], 0],
    ['added-operation.yaml', ['non-breaking operation.added'], 0],
    ['base.yaml', [], 0],
  ] as const)('%s: reports %j and exits %i', async (name, rules, exitCode) => {
    const result = await compare(fixture(name));
    expect(rulesOf(result.report)).toEqual(rules);
    expect(result.exitCode).toBe(exitCode);
    expect(result.report.exitCode).toBe(exitCode);
    expect(result.report.status).toBe('compared');
  });

  it('exits 3, not 0, when Hero\'s spec cannot be parsed, and says so in every report', async () => {
    const markdownPath = join(workDir, 'unparseable.md');
    const junitPath = join(workDir, 'unparseable.xml');
    const result = await compare(fixture('unparseable.yaml'), '--markdown', markdownPath, '--junit', junitPath);
    expect(result.exitCode).toBe(EXIT_CODE.unreadable);
    expect(result.report).toMatchObject({ status: 'error', verdict: 'none', changes: [] });
    expect(result.report.error).toMatch(/Could not parse .*unparseable\.yaml/);
    expect(result.stderr).toMatch(/Could not parse/);
    expect(readFileSync(markdownPath, 'utf8')).toMatch(/could not compare[\s\S]*not "no drift"/);
    expect(readFileSync(junitPath, 'utf8')).toMatch(/<error message="Could not parse/);
  });

  it('exits 3 when the URL is unreachable', async () => {
    const result = await compare(await unreachableUrl());
    expect(result.exitCode).toBe(EXIT_CODE.unreadable);
    expect(result.report.error).toMatch(/Could not fetch http:\/\/127\.0\.0\.1:\d+\/openapi\.yaml: ECONNREFUSED/);
  });
});

describe('hero-drift against a URL', () => {
  let server: SpecServer;
  beforeAll(async () => {
    const text = readFileSync(fixture('removed-operation.yaml'), 'utf8');
    server = await serveSpec((request, response) => {
      if (request.url !== '/openapi.yaml') {
        response.statusCode = 404;
        response.end();
        return;
      }
      response.setHeader('content-type', 'application/yaml');
      response.end(text);
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('fetches the spec from the URL and classifies it', async () => {
    const result = await compare(`${server.url}/openapi.yaml`);
    expect(rulesOf(result.report)).toEqual(['breaking operation.removed']);
    expect(result.report.against.source).toBe(`${server.url}/openapi.yaml`);
    expect(result.exitCode).toBe(EXIT_CODE.drift);
  });

  it('exits 3 on an HTTP error status', async () => {
    const result = await compare(`${server.url}/missing.yaml`);
    expect(result.exitCode).toBe(EXIT_CODE.unreadable);
    expect(result.report.error).toMatch(/HTTP 404/);
  });
});

describe('hero-drift on a re-serialised spec', () => {
  it('treats a spec that differs only in key order as identical and skips the client check', async () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value).reverse().map(([key, child]) => [key, reversed(child)]))
          : value;
    const path = join(workDir, 'reordered.yaml');
    await writeFile(path, stringifyYaml(reversed(parseYaml(readFileSync(fixture('base.yaml'), 'utf8')))));
    const result = await run(['--root', workDir, '--spec', fixture('base.yaml'), '--against', path]);
    expect(result.exitCode).toBe(0);
    expect(result.report.changes).toEqual([]);
    expect(result.report.clientCheck).toEqual({ status: 'skipped', mode: 'repository', reason: 'the specs are identical' });
  });
});

describe('hero-drift --fail-on', () => {
  it('fails on a warning with --fail-on warning', async () => {
    expect((await compare(fixture('response-enum-widened.yaml'), '--fail-on', 'warning')).exitCode).toBe(1);
  });

  it('passes a non-breaking change with --fail-on warning and fails it with --fail-on any', async () => {
    expect((await compare(fixture('added-operation.yaml'), '--fail-on', 'warning')).exitCode).toBe(0);
    expect((await compare(fixture('added-operation.yaml'), '--fail-on', 'any')).exitCode).toBe(1);
  });

  it('passes identical specs even with --fail-on any', async () => {
    expect((await compare(fixture('base.yaml'), '--fail-on', 'any')).exitCode).toBe(0);
  });
});

describe('hero-drift usage errors', () => {
  const usage = async (args: string[]) => {
    let stderr = '';
    const exitCode = await main(args, { stdout: () => undefined, stderr: (text) => (stderr += text), cwd: workDir });
    return { exitCode, stderr };
  };

  it.each([
    [['--fail-on', 'minor'], /--fail-on must be one of breaking, warning, any/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--timeout-ms', 'soon'], /--timeout-ms must be a positive whole number/],
    [['extra-positional'], /positional/],
    [['--mode', 'partner'], /--mode must be consumer or repository/],
    [['--project', 'tsconfig.json', '--root', '.'], /--root is for repository mode and cannot be combined with --project/],
    [['--mode', 'consumer', '--client-src', 'src'], /--client-src is for repository mode/],
  ])('exits 2 for %j', async (args, message) => {
    const result = await usage(args);
    expect(result.exitCode).toBe(EXIT_CODE.usage);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: hero-drift');
  });

  it('prints help and exits 0 for --help', async () => {
    let stdout = '';
    expect(await main(['--help'], { stdout: (text) => (stdout += text), cwd: workDir })).toBe(0);
    expect(stdout).toMatch(/Exit codes \(the same for every @hero-sdk\/hero-health command\):[\s\S]*3 {2}no verdict: a spec could not be fetched/);
    expect(stdout).toMatch(/Examples:\n {2}npx hero-drift/);
  });
});

describe('hero-drift client check', () => {
  it('reports a compile error in the client as breaking, with the TypeScript message and location', async () => {
    const rootDir = join(workDir, 'client');
    await mkdir(join(rootDir, 'src'), { recursive: true });
    await writeFile(join(rootDir, 'package.json'), JSON.stringify({ name: 'fixture-client', type: 'module' }));
    await writeFile(
      join(rootDir, 'src', 'note.ts'),
      [
        "import type { components } from '../generated/hero-api.js';",
        '',
        "export const noteOf = (widget: components['schemas']['Widget']): string => widget.note ?? '';",
        '',
      ].join('\n'),
    );
    const after = join(workDir, 'without-note.yaml');
    const withoutNote = readFileSync(fixture('base.yaml'), 'utf8')
      .replace(/ {8}note:\n(?: {10}.*\n)+/, '')
      .replace('A page of widgets.', 'One page of widgets.');
    await writeFile(after, withoutNote);

    const result = await run(['--root', rootDir, '--spec', fixture('base.yaml'), '--against', after]);

    expect(result.exitCode).toBe(EXIT_CODE.drift);
    expect(result.report.clientCheck).toEqual({ status: 'failed', mode: 'repository', filesChecked: 1, preExistingErrors: 0 });
    // Compile errors are breaking, so they come before the documentation change.
    expect(result.report.changes.map((change) => change.rule)).toEqual([
      'client.compile-error',
      'response.property.removed',
      'docs.changed',
    ]);
    const compileErrors = result.report.changes.filter((change) => change.rule === 'client.compile-error');
    expect(compileErrors).toEqual([
      expect.objectContaining({
        severity: 'breaking',
        source: 'typescript',
        location: 'src/note.ts:3:83',
        details: { file: 'src/note.ts', line: 3, column: 83, code: 2339 },
      }),
    ]);
    expect(compileErrors[0]?.message).toMatch(/Property 'note' does not exist/);
    expect(result.stdout).toMatch(/Compile errors against the new types \(1\)[\s\S]*`src\/note\.ts:3:83` TS2339/);
  });
});

describe('hero-drift --update', () => {
  const makeRepo = async (name: string, scripts: Record<string, string>) => {
    const rootDir = join(workDir, name);
    await mkdir(join(rootDir, 'openapi'), { recursive: true });
    await copyFile(fixture('base.yaml'), join(rootDir, 'openapi', 'hero-public-api.yaml'));
    await writeFile(join(rootDir, 'package.json'), JSON.stringify({ name, private: true, scripts }));
    // Stands in for scripts/generate.ts: output depends on the spec, so a changed spec changes it.
    await writeFile(
      join(rootDir, 'gen.mjs'),
      [
        "import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';",
        "const spec = readFileSync('openapi/hero-public-api.yaml', 'utf8');",
        "mkdirSync('generated', { recursive: true });",
        "writeFileSync('generated/hero-api.ts', `// ${spec.length} characters of spec\\n`);",
      ].join('\n'),
    );
    return rootDir;
  };

  it('writes the new spec, runs npm run generate and lists the generated files that changed', async () => {
    const rootDir = await makeRepo('update-ok', { generate: 'node gen.mjs' });
    const result = await run(['--root', rootDir, '--against', fixture('added-operation.yaml'), '--skip-client-check', '--update']);
    expect(result.exitCode).toBe(EXIT_CODE.ok);
    expect(readFileSync(join(rootDir, 'openapi', 'hero-public-api.yaml'), 'utf8')).toBe(
      readFileSync(fixture('added-operation.yaml'), 'utf8'),
    );
    expect(existsSync(join(rootDir, 'generated', 'hero-api.ts'))).toBe(true);
    expect(result.stdout).toMatch(/Updated .*hero-public-api\.yaml \(\d+ → \d+ lines\)/);
    expect(result.stdout).toContain('+ generated/hero-api.ts');
  }, 30_000);

  it('exits 4 without touching the spec when the root has no generate script', async () => {
    const rootDir = await makeRepo('update-no-script', {});
    const result = await run(['--root', rootDir, '--against', fixture('added-operation.yaml'), '--skip-client-check', '--update']);
    expect(result.exitCode).toBe(EXIT_CODE.updateFailed);
    expect(result.stderr).toMatch(/has no "generate" script/);
    expect(readFileSync(join(rootDir, 'openapi', 'hero-public-api.yaml'), 'utf8')).toBe(readFileSync(fixture('base.yaml'), 'utf8'));
  });
});
