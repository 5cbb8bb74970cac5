/**
 * The README's TypeScript, as a user pastes it. Every ```ts block compiles on its own — imports
 * included — against the package's public entry points (src/index.ts and src/testing.ts, as
 * `@hero-sdk/hero-health` and `@hero-sdk/hero-health/testing`), strict and NodeNext, as in a
 * new Node project. A block marked `<!-- example: examples/<file> -->` is a copy of that file,
 * which examples/*.test.ts run against the embedded mock; every example file is run by a test.
 * "Every option, with its default" names every client option the types declare.
 * scripts/readme.package.test.ts repeats the compile against the packed tarball.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type ts from 'typescript';
import { repoRoot } from './lib/paths.js';
import { clientOptionKeys, readExample, readmeBlocks, typeCheckModules, type BlockDiagnostic } from './lib/readme-blocks.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const blocks = readmeBlocks(readme);
const blockFile = (index: number) => join(repoRoot, '.readme-blocks', `block-${String(index + 1).padStart(2, '0')}.ts`);
const probeFile = join(repoRoot, '.readme-blocks', 'client-options.ts');

let diagnostics: BlockDiagnostic[] = [];
let program: ts.Program;

beforeAll(() => {
  const modules = new Map(blocks.map((block, index) => [blockFile(index), `${block.code}\nexport {};\n`]));
  modules.set(probeFile, "import type { HeroClientOptions } from '@hero-sdk/hero-health';\nexport declare const options: HeroClientOptions;\n");
  ({ diagnostics, program } = typeCheckModules(repoRoot, modules, {
    // The package as published: its two entry points, by name.
    paths: { '@hero-sdk/hero-health': ['./src/index.ts'], '@hero-sdk/hero-health/testing': ['./src/testing.ts'] },
    baseUrl: repoRoot,
  }));
}, 120_000);

describe('README code blocks', () => {
  it('has TypeScript blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  for (const [index, block] of blocks.entries()) {
    it(`block at README.md:${block.line}${block.source === undefined ? '' : ` (${block.source})`} compiles as pasted`, () => {
      const errors = diagnostics
        .filter((diagnostic) => diagnostic.file.endsWith(blockFile(index).split('/').at(-1)!))
        .map((diagnostic) => `README.md:${block.line + diagnostic.line - 1} TS${diagnostic.code} ${diagnostic.message}`);
      expect(errors).toEqual([]);
    });
    if (block.source !== undefined) {
      it(`block at README.md:${block.line} is a copy of ${block.source}`, () => {
        expect(block.source, 'a README block copies a whole example file, imports included').not.toContain('#');
        expect(block.code).toBe(readExample(block.source!));
      });
    }
  }

  it('"Every option, with its default" names every client option the types declare', () => {
    const configure = blocks.find((block) => block.source === 'examples/configure.ts');
    expect(configure, 'the options block copies examples/configure.ts').toBeDefined();
    const keys = clientOptionKeys(program, probeFile);
    // The groups the options type has today; a new option or group appears here by itself.
    expect(keys).toEqual(expect.arrayContaining(['logger', 'fetch', 'rateLimit', 'hooks.onRequest', 'hooks.onResponse', 'hooks.onRetry', 'retry.budget.capacity', 'rateLimit.maxInFlight']));
    const missing = keys.filter((key) => !new RegExp(`\\b${key.split('.').at(-1)}\\b`).test(configure!.code));
    expect(missing).toEqual([]);
  });
});

describe('examples/', () => {
  const dir = join(repoRoot, 'examples');
  const files = readdirSync(dir).filter((file) => file.endsWith('.ts'));
  const testSources = files.filter((file) => file.endsWith('.test.ts')).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
  // A receiver example runs as its own process, started by a test helper that names its path.
  const helperSources = ['src', 'scripts', 'contract-tests', 'bench', 'test']
    .filter((folder) => existsSync(join(repoRoot, folder)))
    .flatMap((folder) => readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' }).map((file) => join(folder, file)))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(repoRoot, file), 'utf8'))
    .filter((text) => text.includes("'examples/"))
    .join('\n');

  it.each(files.filter((file) => !file.endsWith('.test.ts')))('%s is run by a test', (file) => {
    const imported = testSources.includes(`'./${file.replace(/\.ts$/, '.js')}'`);
    const spawned = helperSources.includes(`'examples/${file}'`);
    expect(imported || spawned, `no examples/*.test.ts imports ./${file.replace(/\.ts$/, '.js')}, and no test helper runs examples/${file}`).toBe(true);
  });

  it('every example a README block copies is one of them, and every example is in the README', () => {
    const copied = new Set(blocks.map((block) => block.source).filter((source) => source !== undefined));
    const shown = files.filter((file) => !['examples.test.ts', 'campaign.test.ts', 'webhook-receiver.test.ts', 'webhook-receiver-frameworks.test.ts'].includes(file));
    expect([...copied].sort()).toEqual(shown.map((file) => `examples/${file}`).sort());
  });
});
