/**
 * The package's shape, checked in seconds without building: every `exports`, `main`, `types`
 * and `bin` target is an output of a tsup entry, every bin source starts with a shebang, and
 * `npm pack` would ship no source, test or script. The built-and-installed checks (ESM and
 * CJS loads, consumer type-checks, the bins in a fresh project) are `npm run test:package`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './lib/paths.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, Record<string, string>>>;
  main: string;
  module: string;
  types: string;
  typesVersions: Record<string, Record<string, string[]>>;
  bin: Record<string, string>;
  files: string[];
};

interface Build {
  entry: Record<string, string>;
  format: string[];
  dts?: { entry: Record<string, string> };
}
/**
 * The builds of tsup.config.ts, read from its text: importing it would run its clean-up of
 * dist/. Each build is an `entry: { … }` object with its `format: [ … ]` and optional `dts: { entry }`.
 */
function readBuilds(): Build[] {
  const text = readFileSync(join(repoRoot, 'tsup.config.ts'), 'utf8');
  const record = (body: string): Record<string, string> =>
    Object.fromEntries([...body.matchAll(/'?([\w/-]+)'?:\s*'([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
  const builds: Build[] = [];
  for (const block of text.split(/\n  \{\n/).slice(1)) {
    const entry = /^\s*entry: \{([^}]*)\}/m.exec(block);
    const format = /^\s*format: \[([^\]]*)\]/m.exec(block);
    const dts = /^\s*dts: \{\s*entry: \{([^}]*)\}/m.exec(block);
    if (entry === null || format === null) continue;
    builds.push({ entry: record(entry[1]!), format: [...format[1]!.matchAll(/'(\w+)'/g)].map((m) => m[1]!), ...(dts && { dts: { entry: record(dts[1]!) } }) });
  }
  return builds;
}
const builds = readBuilds();

/** Every file the build writes for its named entries (chunks aside), as `./dist/…` paths. */
function builtFiles(): Set<string> {
  const files = new Set<string>();
  for (const build of builds) {
    for (const name of Object.keys(build.entry)) {
      if (build.format.includes('esm')) files.add(`./dist/${name}.js`);
      if (build.format.includes('cjs')) files.add(`./dist/${name}.cjs`);
    }
    for (const name of Object.keys(build.dts?.entry ?? {})) {
      files.add(`./dist/${name}.d.ts`);
      if (build.format.includes('cjs')) files.add(`./dist/${name}.d.cts`);
    }
  }
  return files;
}

function exportTargets(): string[] {
  const targets: string[] = [];
  for (const value of Object.values(pkg.exports)) {
    if (typeof value === 'string') continue; // ./package.json
    for (const condition of Object.values(value)) targets.push(...Object.values(condition));
  }
  return targets;
}

describe('the package, as package.json and tsup describe it', () => {
  it('reads both builds of tsup.config.ts', () => {
    expect(builds.map((b) => [Object.keys(b.entry).length, b.format, Object.keys(b.dts?.entry ?? {}).length])).toEqual([
      [2, ['esm', 'cjs'], 3],
      [Object.keys(pkg.bin).length, ['esm'], 0],
    ]);
  });

  it('points exports, main, module, types and typesVersions at files the build writes', () => {
    const built = builtFiles();
    const targets = [...exportTargets(), pkg.main, pkg.module, pkg.types, ...Object.values(pkg.typesVersions['*'] ?? {}).flat()];
    expect(targets.length).toBeGreaterThan(8);
    expect(targets.map((t) => (t.startsWith('./') ? t : `./${t}`)).filter((t) => !built.has(t))).toEqual([]);
  });

  it('points every bin at an ESM build of a source that starts with a shebang', () => {
    const built = builtFiles();
    for (const [name, target] of Object.entries(pkg.bin)) {
      expect(built.has(target.startsWith('./') ? target : `./${target}`), name).toBe(true);
      const entryName = target.replace(/^\.?\/?dist\//, '').replace(/\.js$/, '');
      const source = builds.map((b) => b.entry[entryName]).find((s) => s !== undefined);
      expect(source, name).toBeDefined();
      expect(readFileSync(join(repoRoot, source!), 'utf8').startsWith('#!/usr/bin/env node\n'), name).toBe(true);
    }
  });

  it('would pack no source, test or script, and of docs and examples only what the README links (npm pack --dry-run)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot });
    const [info] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const paths = info!.files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'openapi/hero-public-api.yaml']));
    // docs/*.md and the examples ship so that every README link resolves from node_modules.
    expect(paths.filter((path) => !/^(dist\/|openapi\/|docs\/[^/]+\.md$|examples\/.+\.(ts|yml)$|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(path))).toEqual([]);
    expect(paths.filter((path) => /^(src|test|generated|scripts|contract-tests|bench)\/|\.test\./.test(path))).toEqual([]);
  });
});
