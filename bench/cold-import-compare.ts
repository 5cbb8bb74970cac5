/**
 * `npm run bench:import -- <dir> <dir> …`: cold import of several builds side by side, so a
 * change is judged against the build before it in one run (load drifts; separate runs do not
 * compare). Each <dir> holds a built package (`dist/index.js` and `dist/index.cjs`), e.g. a
 * `git worktree` of an older commit after `npm run build`, and resolves `openapi-fetch` from a
 * node_modules at or above it. Every sample is a fresh `node`; builds alternate, in reversed
 * order every other round. Figures are bench/cold-import.ts's two: `import()` / `require()`
 * time measured inside the child, and the child's wall time minus a paired child that
 * imports nothing.
 *
 * Options: --samples N (21).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median, round } from './stats.js';
import { formatTable } from './table.js';

const { values, positionals } = parseArgs({ options: { samples: { type: 'string', default: '21' } }, allowPositionals: true });
const samples = Number(values.samples);
const dirs = positionals.map((dir) => resolve(dir));
if (dirs.length === 0 || !Number.isInteger(samples) || samples < 1) {
  console.error('usage: npm run bench:import -- [--samples N] <built package dir> [<dir> …]');
  process.exit(2);
}
for (const dir of dirs) {
  if (!existsSync(resolve(dir, 'dist/index.js')) || !existsSync(resolve(dir, 'dist/index.cjs'))) {
    console.error(`${dir}: no dist/index.js and dist/index.cjs (run npm run build there first)`);
    process.exit(2);
  }
}

interface Sample {
  readonly wallMs: number;
  readonly importMs: number;
}

function child(format: 'esm' | 'cjs', target: string | undefined): Sample {
  const code =
    target === undefined
      ? 'process.stdout.write("0")'
      : format === 'cjs'
        ? `const t = performance.now(); require(${JSON.stringify(target)}); process.stdout.write(String(performance.now() - t));`
        : `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(target).href)}); process.stdout.write(String(performance.now() - t));`;
  const startedAt = performance.now();
  const run = spawnSync(process.execPath, [`--input-type=${format === 'cjs' ? 'commonjs' : 'module'}`, '-e', code], { encoding: 'utf8' });
  const wallMs = performance.now() - startedAt;
  if (run.status !== 0) throw new Error(`import probe failed for ${target ?? 'the empty child'}: ${run.stderr}`);
  return { wallMs, importMs: Number(run.stdout) };
}

const rows: (string | number)[][] = [];
for (const format of ['esm', 'cjs'] as const) {
  const inProcess = dirs.map((): number[] => []);
  const delta = dirs.map((): number[] => []);
  for (let i = 0; i < samples; i++) {
    const order = dirs.map((_, index) => index);
    if (i % 2 === 1) order.reverse();
    for (const index of order) {
      const target = resolve(dirs[index]!, `dist/index.${format === 'cjs' ? 'cjs' : 'js'}`);
      // The empty child goes first on even rounds, second on odd ones, so neither always runs warmer.
      const [first, second] = i % 2 === 0 ? [child(format, undefined), child(format, target)] : [child(format, target), child(format, undefined)];
      const [loaded, empty] = i % 2 === 0 ? [second, first] : [first, second];
      inProcess[index]!.push(loaded.importMs);
      delta[index]!.push(loaded.wallMs - empty.wallMs);
    }
  }
  dirs.forEach((dir, index) => rows.push([format, dir, round(median(inProcess[index]!)), round(median(delta[index]!))]));
}
console.log(`Cold import, medians of ${samples} fresh processes each, builds alternating\n`);
console.log(formatTable(['format', 'build', 'in process ms', 'process − empty process ms'], rows));
