/**
 * Nothing loads at import that a caller did not ask for: importing the client must not pull
 * in Node's fetch internals (undici, http, tls), which cost tens of milliseconds of cold
 * start, nor node:crypto, fs/promises or the streams (~5 ms together), which wait for the
 * paths that need them (lazy-builtins.ts). The time itself is measured by `npm run bench`
 * (bench/cold-import.ts). src/ is bundled as the package is (esbuild, code splitting) and
 * loaded by plain node: under tsx, tsx itself has loaded crypto and the streams already.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
let outDir: string;

beforeAll(async () => {
  // Under reports/ (git-ignored), so the bundle's `openapi-fetch` resolves from node_modules.
  mkdirSync(join(repoRoot, 'reports'), { recursive: true });
  outDir = mkdtempSync(join(repoRoot, 'reports', 'import-cost-'));
  const { build } = await import('tsup');
  await build({ entry: { index: join(repoRoot, 'src/index.ts') }, outDir, format: ['esm'], platform: 'node', target: 'node20', splitting: true, dts: false, silent: true, config: false });
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Node's internal modules the import loaded, beyond what importing an empty module loads. */
function loadedByImport(): string[] {
  const probe = (url: string) =>
    `const before = new Set(process.moduleLoadList); await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));`;
  const run = (url: string): string[] => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', probe(url)], { cwd: repoRoot, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as string[];
  };
  const empty = new Set(run('data:text/javascript,export {}'));
  return run(pathToFileURL(join(outDir, 'index.js')).href).filter((name) => !empty.has(name));
}

it('importing the package loads no fetch, http, tls, crypto or stream internals', () => {
  const loaded = loadedByImport();
  expect(loaded.filter((name) => /undici|_http_|\btls\b|worker_threads/.test(name))).toEqual([]);
  expect(loaded.filter((name) => /crypto|streams|NativeModule (os|stream|fs\/promises)$/.test(name))).toEqual([]);
});
