/**
 * `npm run bench:otel`: only the OpenTelemetry overhead section of `npm run bench`
 * (otel-section.ts), on the built package; writes reports/bench-otel.json.
 *
 * Options: --rounds N (40), --c64 (loopback at concurrency 64 too: about 1.5 min more),
 * --control (an A/A comparison of two `telemetry: false` clients too, the method's own bias: +50% time),
 * --source (src/ under tsx instead of the build), --out <file>.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnServer } from '../test/helpers/spawn-server.js';
import { buildPackage, removeScratchBuild, repoRoot } from './build-package.js';
import { assertOtelApiInstalled, createBenchTelemetry, type CreateHeroClient } from './contenders.js';
import { describeMachine } from './machine.js';
import { printOtelTables, runOtelSection } from './otel-section.js';

const TARGET_RATIO = 1.05;
const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    c64: { type: 'boolean', default: false },
    control: { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    out: { type: 'string', default: join(repoRoot, 'reports', 'bench-otel.json') },
  },
});
const rounds = Number(flags.rounds);
if (!Number.isInteger(rounds) || rounds < 6) throw new Error('--rounds must be an integer >= 6 (fewer give no 95% interval)');
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') console.warn('note: run with node --expose-gc (npm run bench:otel does) so each block starts after a GC\n');

const machine = describeMachine(repoRoot);
console.log(`${machine.cpuModel}, ${machine.cpus} CPUs, node ${machine.node}, load ${machine.loadAverage.join(' ')}\n`);
const built = flags.source ? undefined : await buildPackage();
try {
  const entry = built ? built.entryPath : join(repoRoot, 'src', 'index.ts');
  const { createHeroClient } = (await import(entry)) as { createHeroClient: CreateHeroClient };
  assertOtelApiInstalled(entry);
  const sdk = createBenchTelemetry();
  const server = await spawnServer(new URL('./bench-server.ts', import.meta.url).pathname);
  let results;
  try {
    results = await runOtelSection({ createHeroClient, serverUrl: server.url, sdk, rounds, c64: flags.c64, control: flags.control });
    printOtelTables(results, TARGET_RATIO);
  } finally {
    await server.close();
    await sdk.shutdown();
  }
  const loadAfter = describeMachine(repoRoot).loadAverage;
  console.log(`\nload at the end ${loadAfter.join(' ')}`);
  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ machine, loadAfter, facadeFrom: built ? 'scratch build' : 'src/ under tsx', targetRatio: TARGET_RATIO, otel: results }, null, 2)}\n`);
  console.log(`Wrote ${out.replace(repoRoot, '')}`);
} finally {
  if (built) await removeScratchBuild();
}
