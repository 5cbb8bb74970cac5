/**
 * A partner's first hour, as published (`npm run test:package`, not `npm test`): this package
 * packed as `npm publish` would, installed into a new ESM project (strict, NodeNext) with what
 * the README tells a partner to install, then:
 * - every ```ts block of the README compiles there as pasted, against the installed package;
 * - every README link resolves inside node_modules;
 * - `npx hero-drift` against Hero's spec with no real change (re-serialised, keys reordered,
 *   an `x-` extension) exits 0, skipping the compile, and prints its version;
 * - `npx hero-mock` without Prism says what to install and exits 2; with Prism it serves the
 *   spec, prints its URL and stops on SIGTERM with exit 0.
 * Packed once per run (scripts/lib/consumer-project.ts), installed once per file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { DriftReport } from '../src/drift/drift-report.js';
import { childEnv, expectSuccess, installedVersion, installInto, npm, npmIsAvailable, packPackageOnce } from './lib/consumer-project.js';
import { repoRoot } from './lib/paths.js';
import { readmeBlocks, typeCheckModules } from './lib/readme-blocks.js';

const packageName = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;
const npmAvailable = await npmIsAvailable();
if (!npmAvailable) console.warn('first-hour package test SKIPPED: npm cannot be run here, so the package cannot be packed.');

let projectDir = '';
let installedDir = '';
const npx = (args: readonly string[]) => npm(['exec', '--no', '--', ...args], projectDir);

beforeAll(async () => {
  if (!npmAvailable) return;
  projectDir = await mkdtemp(join(tmpdir(), 'hero-first-hour-'));
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify({ name: 'partner-app', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const packed = await packPackageOnce();
  // What the README's blocks import, and the drift peers its install table lists; the versions
  // this repository tests with, so the install is served from the npm cache. Prism comes later.
  const extra = await Promise.all(
    ['typescript', 'openapi-diff', 'openapi-typescript', '@types/node', 'express', '@types/express', 'fastify', 'vitest', '@opentelemetry/api', '@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-metrics'].map(
      async (name) => `${name}@${await installedVersion(name)}`,
    ),
  );
  await installInto(projectDir, packed.tarball, extra);
  installedDir = join(projectDir, 'node_modules', ...packageName.split('/'));
}, 600_000);

afterAll(async () => {
  if (projectDir !== '') await rm(projectDir, { recursive: true, force: true });
});

describe.skipIf(!npmAvailable)('the README, as published', () => {
  it('compiles every ts block as pasted against the installed package (strict, NodeNext)', async () => {
    const readme = await readFile(join(installedDir, 'README.md'), 'utf8');
    const blocks = readmeBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    const modules = new Map(blocks.map((block, index) => [join(projectDir, 'readme', `block-${index + 1}.ts`), `${block.code}\nexport {};\n`]));
    const { diagnostics } = typeCheckModules(projectDir, modules);
    const located = diagnostics.map((diagnostic) => {
      const index = Number(/block-(\d+)\.ts$/.exec(diagnostic.file)?.[1] ?? 0) - 1;
      return `README.md:${(blocks[index]?.line ?? 0) + diagnostic.line - 1} TS${diagnostic.code} ${diagnostic.message}`;
    });
    expect(located).toEqual([]);
  }, 180_000);

  it('links only to files inside the installed package', async () => {
    const readme = await readFile(join(installedDir, 'README.md'), 'utf8');
    const prose = readme.replace(/^```[\s\S]*?^```/gm, '');
    const relative = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^(https?:|#|mailto:)/.test(target));
    expect(relative.length).toBeGreaterThan(10);
    expect(relative.filter((target) => !existsSync(join(installedDir, target.split('#')[0]!)))).toEqual([]);
  });
});

describe.skipIf(!npmAvailable)('npx hero-drift in a partner project', () => {
  it('exits 0 against Hero spec with no real change (re-serialised, reordered, an x- extension)', async () => {
    const document = parseYaml(await readFile(join(installedDir, 'openapi', 'hero-public-api.yaml'), 'utf8')) as Record<string, unknown> & { info: Record<string, unknown> };
    document.info['x-published'] = '2026-01-01';
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([key, child]) => [key, reversed(child)]))
          : value;
    await writeFile(join(projectDir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: true }, include: ['readme'] }));
    await writeFile(join(projectDir, 'hero-republished.json'), JSON.stringify(reversed(document)));
    const started = performance.now();
    const result = await npx(['hero-drift', '--against', 'hero-republished.json', '--json', 'drift.json', '--quiet']);
    const seconds = (performance.now() - started) / 1000;
    console.log(`npx hero-drift against the republished spec: ${seconds.toFixed(1)} s (exit ${String(result.code)})`);
    expectSuccess(result, 'npx hero-drift');
    const report = JSON.parse(await readFile(join(projectDir, 'drift.json'), 'utf8')) as DriftReport;
    expect(report.counts).toEqual({ breaking: 0, warning: 0, 'non-breaking': 1 });
    expect(report.clientCheck).toMatchObject({ status: 'skipped', mode: 'consumer' });
  }, 120_000);

  it('prints its version', async () => {
    const result = await npx(['hero-drift', '--version']);
    expect([result.code, result.stdout.trim()]).toEqual([0, JSON.parse(await readFile(join(installedDir, 'package.json'), 'utf8')).version]);
  });
});

describe.skipIf(!npmAvailable)('npx hero-mock', () => {
  it('without Prism: names the package to install and exits 2', async () => {
    const result = await npx(['hero-mock', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/@stoplight\/prism-cli is not installed.*npm install --save-dev @stoplight\/prism-cli@5/);
  });

  it('with Prism: serves the bundled spec, prints its URL, and stops on SIGTERM with exit 0', async () => {
    expectSuccess(await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', `@stoplight/prism-cli@${await installedVersion('@stoplight/prism-cli')}`], projectDir), 'npm install prism');
    const bin = join(installedDir, 'dist', 'mock-cli', 'bin.js');
    const child = spawn(process.execPath, [bin, '--port', '0'], { cwd: projectDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`hero-mock exited with ${String(code)}: ${out}`)));
      });
      const answer = await fetch(`${url}/v1/patients/12345`, { headers: { 'x-api-key': 'test', 'x-practice-group-id': '1' } });
      expect(answer.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});
