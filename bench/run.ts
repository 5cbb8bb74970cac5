/**
 * `npm run bench`: client overhead and related timings, printed as tables and written
 * to reports/bench.json.
 *
 * 1. Throughput: raw fetch vs bare openapi-fetch vs the facade (built package, default options:
 *    the OpenTelemetry API installed, no SDK); GET (~1 KB JSON) and POST (JSON body), at
 *    concurrency 1 and 64, against a keep-alive node:http server in a child process.
 *    Contenders alternate over rounds, order rotated.
 * 2. OpenTelemetry overhead (issue 26): the facade with default options (API, no SDK) and with
 *    an in-memory SDK against `telemetry: false`, in many short mirrored rounds, over loopback at
 *    concurrency 1 (and 64 with --otel-c64) and in process; otel-section.ts, otel-overhead.ts.
 *    `npm run bench:otel` runs this part alone.
 * 3. Cold import of the package (built, and src/ under tsx).
 * 4. ajv validator throughput (src/contract/validate.ts).
 * 5. Wall time of the contract suite on Prism.
 *
 * Options: --rounds N (7), --requests-c1 N (2000), --requests-c64 N (6000), --warmup N (1000),
 * --import-samples N (11), --source (bench src/ under tsx instead of the build),
 * --otel-rounds N (40), --skip-otel, --skip-import, --skip-validator, --skip-contract,
 * --otel-c64 (the OpenTelemetry overhead over loopback at concurrency 64 too: about 1.5 min more),
 * --otel-control (an A/A comparison of two `telemetry: false` clients too: +50% of that section),
 * --out <file> (reports/bench.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPackage, removeScratchBuild, repoRoot, type BuiltPackage } from './build-package.js';
import { measureColdImport, type ColdImportResult } from './cold-import.js';
import { assertOtelApiInstalled, CONTENDER_NAMES, createBenchTelemetry, createContenders, type ContenderName, type CreateHeroClient, type RequestKind } from './contenders.js';
import type { OverheadResult } from './otel-overhead.js';
import { printOtelTables, runOtelSection } from './otel-section.js';
import { measureContractSuite, type ContractWallResult } from './contract-wall.js';
import { describeMachine } from './machine.js';
import { spawnServer } from '../test/helpers/spawn-server.js';
import { formatTable } from './table.js';
import { runScenario, type ScenarioResult } from './throughput.js';
import { measureValidator, type ValidatorResult } from './validator-throughput.js';

/** The overhead target of issue 8 (facade within 5% of raw fetch per request) and of issue 26 (facade, OTel API and no SDK, within 5% of `telemetry: false`). */
const TARGET_RATIO = 1.05;
/** The throughput scenarios' contenders (section 1). */
const THROUGHPUT_CONTENDERS = new Set<ContenderName>(['raw fetch', 'openapi-fetch', 'facade']);

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'requests-c1': { type: 'string', default: '2000' },
    'requests-c64': { type: 'string', default: '6000' },
    warmup: { type: 'string', default: '1000' },
    'import-samples': { type: 'string', default: '11' },
    source: { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    'skip-validator': { type: 'boolean', default: false },
    'skip-contract': { type: 'boolean', default: false },
    'otel-c64': { type: 'boolean', default: false },
    'otel-rounds': { type: 'string', default: '40' },
    'skip-otel': { type: 'boolean', default: false },
    'otel-control': { type: 'boolean', default: false },
    out: { type: 'string', default: join(repoRoot, 'reports', 'bench.json') },
  },
});
const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const rounds = positive('rounds', flags.rounds);
const requestsByConcurrency = new Map([
  [1, positive('requests-c1', flags['requests-c1'])],
  [64, positive('requests-c64', flags['requests-c64'])],
]);
const warmupRequests = positive('warmup', flags.warmup);

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.warn('note: run with node --expose-gc (npm run bench does) so each batch starts after a GC\n');
}
const machine = describeMachine(repoRoot);
console.log(`${machine.cpuModel}, ${machine.cpus} CPUs, node ${machine.node}, load ${machine.loadAverage.join(' ')}\n`);

let scratchBuilt = false;
const build = async (): Promise<BuiltPackage> => {
  const result = await buildPackage();
  scratchBuilt ||= result.source === 'scratch build';
  return result;
};
const built: BuiltPackage | undefined = flags.source ? undefined : await build();
const facadeFrom = built ? `${built.source} (${built.entryPath.replace(repoRoot, '')})` : 'src/ under tsx';
try {
  const { createHeroClient } = (await import(built ? built.entryPath : '../src/index.js')) as { createHeroClient: CreateHeroClient };
  assertOtelApiInstalled(built ? built.entryPath : join(repoRoot, 'src', 'index.ts'));

  // 1. Throughput
  const scenarios: ScenarioResult[] = [];
  let otel: OverheadResult[] | undefined;
  const benchTelemetry = createBenchTelemetry();
  const server = await spawnServer(new URL('./bench-server.ts', import.meta.url).pathname);
  try {
    for (const kind of ['GET', 'POST'] as RequestKind[]) {
      for (const [concurrency, requestsPerRound] of requestsByConcurrency) {
        const name = `${kind === 'GET' ? 'GET 1 KB' : 'POST JSON'} c${concurrency}`;
        process.stdout.write(`${name}: `);
        const result = await runScenario({
          name,
          // The telemetry contenders are measured apart (section 2), in rounds short enough to resolve 1%.
          contenders: (await createContenders(server.url, kind, createHeroClient, benchTelemetry)).filter((c) => THROUGHPUT_CONTENDERS.has(c.name)),
          concurrency,
          requestsPerRound,
          rounds,
          warmupRequests,
          onRound: () => process.stdout.write('.'),
        });
        process.stdout.write(` facade/raw ${result.facadeToRawWallRatio}\n`);
        scenarios.push(result);
      }
    }
    if (!flags['skip-otel']) {
      console.log('');
      otel = await runOtelSection({ createHeroClient, serverUrl: server.url, sdk: benchTelemetry, rounds: positive('otel-rounds', flags['otel-rounds']), c64: flags['otel-c64'], control: flags['otel-control'] });
    }
  } finally {
    await server.close();
    await benchTelemetry.shutdown();
  }
  console.log(`\nThroughput: medians of ${rounds} rounds; facade = ${facadeFrom}\n`);
  console.log(
    formatTable(
      ['scenario', 'client', 'req/s', 'µs/req (wall)', 'p50 µs', 'p99 µs', 'CPU µs/req'],
      scenarios.flatMap((s) =>
        CONTENDER_NAMES.flatMap((name) => {
          const c = s.contenders[name];
          return c === undefined ? [] : [[s.name, name, c.requestsPerSecond, c.wallMicrosPerRequest, c.p50Micros, c.p99Micros, c.cpuMicrosPerRequest]];
        }),
      ),
    ),
  );
  console.log(`\nRatios: median over rounds of per-round ratios (target: facade/raw <= ${TARGET_RATIO})\n`);
  console.log(
    formatTable(
      ['scenario', 'facade/raw wall', 'facade/raw CPU', 'facade/openapi-fetch wall', 'target met', 'per-round facade/raw'],
      scenarios.map((s) => [
        s.name,
        s.facadeToRawWallRatio,
        s.facadeToRawCpuRatio,
        s.facadeToOpenapiFetchWallRatio,
        s.facadeToRawWallRatio <= TARGET_RATIO ? 'yes' : 'no',
        s.perRoundWallRatios.join(' '),
      ]),
    ),
  );
  if (otel !== undefined) printOtelTables(otel, TARGET_RATIO);

  // 3. Cold import
  let coldImport: ColdImportResult[] | undefined;
  if (!flags['skip-import']) {
    const importBuild = built ?? (await build());
    coldImport = measureColdImport({
      builtEntryPath: importBuild.entryPath,
      sourceEntryPath: join(repoRoot, 'src', 'index.ts'),
      repoRoot,
      samples: positive('import-samples', flags['import-samples']),
    });
    console.log(`\nCold import: medians of ${coldImport[0]?.samples} fresh processes each\n`);
    console.log(
      formatTable(
        ['entry', 'import() in process ms', 'process ms', 'baseline process ms', 'process − baseline ms'],
        coldImport.map((r) => [r.variant, r.inProcessMs, r.processMs, r.baselineProcessMs, r.processDeltaMs]),
      ),
    );
  }

  // 4. Validator
  let validator: ValidatorResult[] | undefined;
  if (!flags['skip-validator']) {
    validator = await measureValidator(join(repoRoot, 'openapi', 'hero-public-api.yaml'));
    console.log('\nContract validator (ajv) on spec examples\n');
    console.log(
      formatTable(
        ['body', 'bytes', 'first call ms', 'validate ops/s', 'undeclared ops/s', 'issues'],
        validator.map((r) => [r.body, r.bytes, r.firstCallMs, r.validateOpsPerSecond, r.undeclaredOpsPerSecond, r.issues]),
      ),
    );
  }

  // 5. Contract suite
  let contract: ContractWallResult | undefined;
  if (!flags['skip-contract']) {
    const logPath = join(repoRoot, 'reports', 'bench-contract.log');
    await mkdir(dirname(logPath), { recursive: true });
    contract = await measureContractSuite(repoRoot, logPath);
    console.log(`\nContract suite on Prism: ${contract.wallSeconds} s wall, exit code ${contract.exitCode} (output: reports/bench-contract.log)`);
  }

  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ machine, facadeFrom, targetRatio: TARGET_RATIO, throughput: scenarios, otel, coldImport, validator, contract }, null, 2)}\n`,
  );
  console.log(`\nWrote ${out.replace(`${repoRoot}`, '')}`);
} finally {
  if (scratchBuilt) await removeScratchBuild();
}
