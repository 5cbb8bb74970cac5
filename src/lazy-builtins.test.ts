/**
 * The lazily loaded built-ins must load wherever the package's ESM build ends up, including
 * bundled into CommonJS (esbuild `--format=cjs`, the usual AWS Lambda setup), where the
 * bundler leaves `import.meta` empty: webhook signing and verification, campaign keys and the
 * shared rate limit's default key all go through them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { nodeCrypto, nodeFs } from './lazy-builtins.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

it('loads node:crypto and node:fs', () => {
  expect(nodeCrypto().createHash('sha256').update('x').digest('hex')).toHaveLength(64);
  expect(typeof nodeFs().readFileSync).toBe('function');
});

it('loads them when a bundler turned the module into CommonJS (import.meta empty)', async () => {
  mkdirSync(join(repoRoot, 'reports'), { recursive: true });
  const outDir = mkdtempSync(join(repoRoot, 'reports', 'lazy-builtins-'));
  made.push(outDir);
  const { build } = await import('tsup');
  await build({ entry: { bundled: join(repoRoot, 'src/lazy-builtins.ts') }, outDir, format: ['cjs'], platform: 'node', target: 'node20', dts: false, silent: true, config: false });
  const probe = `const m = require(${JSON.stringify(join(outDir, 'bundled.cjs'))}); process.stdout.write(m.nodeCrypto().createHash('sha256').update('x').digest('hex') + ' ' + typeof m.nodeFs().readFileSync);`;
  // With process.getBuiltinModule (Node 20.16+), and without it, as on older Node 20 (the createRequire path).
  for (const prelude of ['', 'delete process.getBuiltinModule; ']) {
    const child = spawnSync(process.execPath, ['-e', prelude + probe], { encoding: 'utf8' });
    expect(child.stderr, prelude).toBe('');
    expect(child.stdout, prelude).toBe(`${nodeCrypto().createHash('sha256').update('x').digest('hex')} function`);
  }
}, 60_000);
