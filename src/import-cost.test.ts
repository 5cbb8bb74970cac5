/**
 * Nothing loads at import that a caller did not ask for: importing the client must not pull
 * in Node's fetch internals (undici, http, tls), which cost tens of milliseconds of cold
 * start. The time itself is measured by `npm run bench` (bench/cold-import.ts).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

it('importing the package loads no fetch, http or tls internals', () => {
  const probe = `const before = new Set(process.moduleLoadList);
await import('./src/index.ts');
process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: repoRoot, encoding: 'utf8' });
  expect(child.stderr).toBe('');
  const loaded = JSON.parse(child.stdout) as string[];
  expect(loaded.length).toBeGreaterThan(0);
  expect(loaded.filter((name) => /undici|_http_|\btls\b|worker_threads/.test(name))).toEqual([]);
});
