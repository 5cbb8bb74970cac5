/**
 * Runs one contender alone, for `node --cpu-prof`:
 *   node --cpu-prof --cpu-prof-dir=reports/profiles --import tsx bench/profile.ts facade GET 1 20000
 * then `npx tsx bench/summarize-profile.ts reports/profiles/<file>.cpuprofile`.
 */
import { buildPackage, removeScratchBuild } from './build-package.js';
import { assertOtelApiInstalled, CONTENDER_NAMES, createBenchTelemetry, createContenders, type ContenderName, type CreateHeroClient, type RequestKind } from './contenders.js';
import { spawnServer } from '../test/helpers/spawn-server.js';
import { runBatch } from './throughput.js';

const [name = 'facade', kind = 'GET', concurrencyText = '1', requestsText = '20000'] = process.argv.slice(2);
if (!CONTENDER_NAMES.includes(name as ContenderName) || (kind !== 'GET' && kind !== 'POST')) {
  console.error(`usage: profile.ts <${CONTENDER_NAMES.join('|')}> <GET|POST> [concurrency] [requests]`);
  process.exit(1);
}
// The built package, as in run.ts: profiling src/ under tsx would show tsx's `__name` wrappers.
const built = await buildPackage();
const { createHeroClient } = (await import(built.entryPath)) as { createHeroClient: CreateHeroClient };
assertOtelApiInstalled(built.entryPath);
const server = await spawnServer(new URL('./bench-server.ts', import.meta.url).pathname);
const telemetry = createBenchTelemetry();
try {
  const contender = (await createContenders(server.url, kind as RequestKind, createHeroClient, telemetry)).find((c) => c.name === name)!;
  await runBatch(contender.call, 2000, Number(concurrencyText));
  const result = await runBatch(contender.call, Number(requestsText), Number(concurrencyText));
  console.log(`${name} ${kind} c${concurrencyText}:`, result);
} finally {
  await server.close();
  await telemetry.shutdown();
  if (built.source === 'scratch build') await removeScratchBuild();
}
