/**
 * Consumer smoke test: builds and packs this package as `npm publish` would, installs the
 * tarball into a throwaway project outside the repository, and uses it as a new user
 * would: `import` and `require`, a TypeScript type-check under node16 and bundler
 * resolution, the PDS example against `startHeroMock()`, and the `hero-drift` bin.
 * It catches what the repository's own tests cannot see: a missing file in `files`, an
 * `exports` entry pointing nowhere, a path resolved from `src/` that breaks from `dist/`,
 * a runtime import that is only a devDependency.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  expectSuccess,
  installedVersion,
  installInto,
  node,
  npm,
  npmIsAvailable,
  packPackageOnce,
  run,
  type RunResult,
} from './lib/consumer-project.js';
import { repoRoot } from './lib/paths.js';
import { startFaultServer, type FaultServer } from '../test/helpers/fault-server.js';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const packageName = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;
// The Prism the repository is tested with, so the install is served from the npm cache.
const prismVersion = await installedVersion('@stoplight/prism-cli');
// hero-contract's optional peers, at the versions the repository is tested with.
const ajvVersion = await installedVersion('ajv');
const ajvFormatsVersion = await installedVersion('ajv-formats');
// `npx hero-contract …` as a partner types it; --no: never download a package of that name.
const npxHeroContract = (args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) => npm(['exec', '--no', '--', 'hero-contract', ...args], projectDir, extraEnv);

// Run through npm's .bin link and the file's shebang, as `npx hero-drift` would.
const heroDrift = () => join(projectDir, 'node_modules', '.bin', 'hero-drift');

/** The last line of stdout parsed as JSON: each consumer script prints one result line. */
function lastJsonLine(result: RunResult): unknown {
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line);
}

async function duBytes(path: string): Promise<number | undefined> {
  const result = await run('du', ['-sk', path], tmpdir()).catch(() => undefined);
  const kib = result?.code === 0 ? Number(result.stdout.split(/\s/)[0]) : Number.NaN;
  return Number.isFinite(kib) ? kib * 1024 : undefined;
}

const npmAvailable = await npmIsAvailable();
if (!npmAvailable) console.warn('consumer smoke test SKIPPED: npm cannot be run here, so the package cannot be packed.');

// The package as a consumer sees it; filled in by beforeAll.
let workDir = '';
let projectDir = '';
let installedDir = '';
let packedFiles: string[] = [];

// --- consumer sources ----------------------------------------------------------------

const esmConsumer = `
import { existsSync } from 'node:fs';
import { createHeroClient, HeroConfigError, HeroError } from '${packageName}';
import { bundledSpecPath, HeroPrismError } from '${packageName}/testing';

let thrown;
try {
  createHeroClient({ apiKey: 'smoke-key', practiceGroupId: '1' }); // no environment or baseUrl
} catch (error) {
  thrown = error;
}
const hero = createHeroClient({ apiKey: 'smoke-key', practiceGroupId: '1', baseUrl: 'http://127.0.0.1:9' });
console.log(JSON.stringify({
  configErrorClass: thrown instanceof HeroConfigError,
  configErrorBase: thrown instanceof HeroError,
  configErrorName: thrown?.name,
  registerPds: typeof hero.patients.registerPds,
  testingSharesErrorBase: HeroPrismError.prototype instanceof HeroError,
  bundledSpecPath,
  bundledSpecExists: existsSync(bundledSpecPath),
}));
`;

const cjsConsumer = esmConsumer
  .replace(/^import \{ existsSync \} from 'node:fs';$/m, "const { existsSync } = require('node:fs');")
  .replace(/^import \{ (.+) \} from '(.+)';$/gm, "const { $1 } = require('$2');");

const pdsExample = `
import { createHeroClient } from '${packageName}';
import { startHeroMock } from '${packageName}/testing';

const mock = await startHeroMock();
try {
  const hero = createHeroClient({ baseUrl: mock.url, apiKey: 'test-key', practiceGroupId: '1' });
  const result = await hero.patients.registerPds({ nhs_number: '9000000009', dob: '1992-01-01' });
  console.log(JSON.stringify(result));
} finally {
  await mock.stop();
}
`;

// Type-only use: narrows the PDS result, and fails to compile if the types were \`any\`
// (the @ts-expect-error lines would then be unused, which is an error).
const typedConsumer = (importLine: (alias: string, specifier: string) => string) => `
${importLine('pkg', packageName)}
${importLine('testing', `${packageName}/testing`)}

export async function registerAndPick(baseUrl: string): Promise<string> {
  const hero = pkg.createHeroClient({ baseUrl, apiKey: 'test-key', practiceGroupId: '1' });
  const result: pkg.PdsRegistrationResult = await hero.patients.registerPds({ nhs_number: '9000000009', dob: '1992-01-01' });
  return result.outcome === 'registered' ? result.patientId : result.loginUrl;
}

export function describeError(error: unknown): string {
  return error instanceof pkg.HeroConfigError ? error.problems.join('; ') : String(error);
}

export async function withMock(): Promise<void> {
  const mock: testing.HeroMock = await testing.startHeroMock({ port: 0 });
  await mock.stop();
}

export function wrongOutcome(result: pkg.PdsRegistrationResult): string {
  // @ts-expect-error loginUrl exists only once the result is narrowed to 'verification_required'
  return result.loginUrl;
}

// @ts-expect-error registerPds needs an NHS number or demographics
export const missingInput = (hero: pkg.HeroClient) => hero.patients.registerPds();
`;

const tsconfig = (options: Record<string, unknown>, include: string[]) =>
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        noEmit: true,
        // Our declarations and openapi-fetch's are checked as a consumer's compiler sees them.
        skipLibCheck: false,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: [],
        ...options,
      },
      include,
    },
    null,
    2,
  );

// --- setup -----------------------------------------------------------------------------

beforeAll(async () => {
  if (!npmAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'hero-consumer-smoke-'));
  // The '#' is on purpose: a file URL built by string concatenation would cut the path there.
  projectDir = join(workDir, 'consumer#1');
  await mkdir(projectDir);

  const info = await packPackageOnce();
  packedFiles = info.files;
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify({ name: 'hero-consumer', version: '0.0.0', private: true }, null, 2)}\n`);
  await installInto(projectDir, info.tarball, [`@stoplight/prism-cli@${prismVersion}`, `ajv@${ajvVersion}`, `ajv-formats@${ajvFormatsVersion}`]);
  installedDir = join(projectDir, 'node_modules', ...packageName.split('/'));

  await Promise.all([
    writeFile(join(projectDir, 'esm-consumer.mjs'), esmConsumer),
    writeFile(join(projectDir, 'cjs-consumer.cjs'), cjsConsumer),
    writeFile(join(projectDir, 'pds-example.mjs'), pdsExample),
    writeFile(join(projectDir, 'consumer.mts'), typedConsumer((alias, specifier) => `import * as ${alias} from '${specifier}';`)),
    writeFile(join(projectDir, 'consumer.cts'), typedConsumer((alias, specifier) => `import ${alias} = require('${specifier}');`)),
    writeFile(join(projectDir, 'consumer.ts'), typedConsumer((alias, specifier) => `import * as ${alias} from '${specifier}';`)),
    writeFile(join(projectDir, 'tsconfig.node16.json'), tsconfig({ module: 'node16', moduleResolution: 'node16' }, ['consumer.mts', 'consumer.cts'])),
    writeFile(join(projectDir, 'tsconfig.bundler.json'), tsconfig({ module: 'preserve', moduleResolution: 'bundler' }, ['consumer.ts'])),
  ]);

  const [tarballBytes, installedBytes] = [info.size, await duBytes(installedDir)];
  console.info(
    `consumer smoke: ${info.filename} is ${tarballBytes} bytes packed (${info.files.length} files, ${info.unpackedSize} bytes unpacked); ` +
      `installed ${packageName} takes ${installedBytes ?? 'unknown'} bytes on disk (du -sk)`,
  );
}, 150_000);

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

// --- checks ---------------------------------------------------------------------------

describe.skipIf(!npmAvailable)(`the packed ${packageName} in a fresh project`, () => {
  it('ships the builds, declarations, bundled spec and licence, and no sources or tests', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/index.d.cts',
        'dist/testing.js',
        'dist/testing.cjs',
        'dist/testing.d.ts',
        'dist/testing.d.cts',
        'dist/generated/hero-api.d.ts',
        'dist/generated/hero-api.d.cts',
        'dist/drift/bin.js',
        'dist/contract/bin.js',
        'dist/campaign/bin.js',
        'dist/webhooks-cli/bin.js',
        'openapi/hero-public-api.yaml',
        'LICENSE',
        'CHANGELOG.md',
        'package.json',
      ]),
    );
    expect(packedFiles.filter((path) => /^(src|generated|scripts|contract-tests)\/|\.test\.|\.map$/.test(path))).toEqual([]);
  });

  /** What both the ESM and the CJS consumer print: the same package, whichever way it is loaded. */
  const expectedConsumerReport = () => ({
    configErrorClass: true,
    configErrorBase: true,
    configErrorName: 'HeroConfigError',
    registerPds: 'function',
    testingSharesErrorBase: true,
    bundledSpecPath: realpathSync(join(installedDir, 'openapi', 'hero-public-api.yaml')),
    bundledSpecExists: true,
  });

  it('loads from an ES module: createHeroClient works and errors are the exported classes', async () => {
    const result = await node(['esm-consumer.mjs'], projectDir);
    expectSuccess(result, 'node esm-consumer.mjs');
    expect(lastJsonLine(result)).toEqual(expectedConsumerReport());
  });

  it('loads from CommonJS: the same checks pass through require(), including the spec path without import.meta', async () => {
    const result = await node(['cjs-consumer.cjs'], projectDir);
    expectSuccess(result, 'node cjs-consumer.cjs');
    expect(lastJsonLine(result)).toEqual(expectedConsumerReport());
  });

  // tsc checks the package's 280 KB of declarations (skipLibCheck off): about 7 s of CPU,
  // 20 s and more of wall time on a loaded 2-core machine.
  const TSC_TIMEOUT_MS = 90_000;

  it('type-checks a consumer under node16 resolution, from ESM and from CommonJS', { timeout: TSC_TIMEOUT_MS }, async () => {
    expectSuccess(await node([tsc, '-p', 'tsconfig.node16.json'], projectDir), 'tsc -p tsconfig.node16.json');
  });

  it('type-checks a consumer under bundler resolution', { timeout: TSC_TIMEOUT_MS }, async () => {
    expectSuccess(await node([tsc, '-p', 'tsconfig.bundler.json'], projectDir), 'tsc -p tsconfig.bundler.json');
  });

  it('runs the PDS registration example against startHeroMock() and gets the registered outcome', async () => {
    const result = await node(['pds-example.mjs'], projectDir);
    expectSuccess(result, 'node pds-example.mjs');
    expect(lastJsonLine(result)).toEqual({ outcome: 'registered', patientId: '98765' });
  }, 60_000);

  it('runs hero-drift from the installed package: no drift against its own bundled spec', async () => {
    const spec = join(installedDir, 'openapi', 'hero-public-api.yaml');
    const result = await run(heroDrift(), ['--against', spec, '--quiet', '--json', 'drift.json'], projectDir);
    expectSuccess(result, 'hero-drift');
    const report = JSON.parse(await readFile(join(projectDir, 'drift.json'), 'utf8')) as { status: string; changes: unknown[] };
    expect(report.changes).toEqual([]);
  });

  it('has hero-drift name the optional openapi-diff package (exit 2) when a change needs it and it is not installed', async () => {
    expect(existsSync(join(projectDir, 'node_modules', 'openapi-diff'))).toBe(false);
    const document = parseYaml(await readFile(join(installedDir, 'openapi', 'hero-public-api.yaml'), 'utf8')) as { paths: Record<string, unknown> };
    delete document.paths['/v1/patients/register'];
    await writeFile(join(projectDir, 'changed.yaml'), stringifyYaml(document));
    const result = await run(heroDrift(), ['--against', 'changed.yaml', '--quiet'], projectDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hero-drift needs the openapi-diff package: npm install --save-dev openapi-diff/);
  });

  describe('hero-contract from the installed package', () => {
    let recorder: FaultServer | undefined;
    afterEach(async () => {
      await recorder?.close();
      recorder = undefined;
    });
    const methodsSeen = (server: FaultServer) => [...new Set(server.requests.map((r) => r.method))].sort();

    it('npx hero-contract: the embedded mock of the bundled spec passes (exit 0) and the reports are written', async () => {
      const result = await npxHeroContract(['--quiet', '--markdown', 'summary.md']);
      expectSuccess(result, 'npx hero-contract');
      expect(result.stdout).toMatch(/^hero-contract → embedded mock on 127\.0\.0\.1/);
      expect(result.stdout).toContain('RESULT: PASS');
      const report = JSON.parse(await readFile(join(projectDir, 'reports', 'contract.json'), 'utf8')) as { exitCode: number; specPath: string };
      expect(report).toMatchObject({ exitCode: 0, specPath: join(installedDir, 'openapi', 'hero-public-api.yaml') });
      expect(await readFile(join(projectDir, 'summary.md'), 'utf8')).toMatch(/^## Hero contract suite: ✅ PASS/);
    }, 120_000);

    it('npx hero-contract --target <loopback URL> with HERO_API_KEY sends only GET requests, with the key', async () => {
      recorder = await startFaultServer();
      const result = await npxHeroContract(['--target', recorder.url, '--quiet'], { HERO_API_KEY: 'consumer-key', HERO_PRACTICE_GROUP_ID: '42' });
      // The recorder answers {} to everything, so cases fail (exit 1); what matters is what was sent.
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('read-only: GET and HEAD only');
      expect(methodsSeen(recorder)).toEqual(['GET']);
      expect(recorder.requests.some((r) => r.headers['x-api-key'] === 'consumer-key')).toBe(true);
    }, 60_000);

    it('npx hero-contract --target <loopback URL> --allow-writes also sends writes there', async () => {
      recorder = await startFaultServer();
      const result = await npxHeroContract(['--target', recorder.url, '--allow-writes', '--quiet'], { HERO_API_KEY: 'consumer-key', HERO_PRACTICE_GROUP_ID: '42' });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain(`writes allowed to 127.0.0.1:${recorder.port}`);
      expect(methodsSeen(recorder)).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH']));
    }, 60_000);
  });
});
