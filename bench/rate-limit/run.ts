/**
 * `npm run bench:rate-limit`: bulk sends against a server that enforces a rate limit
 * (default 50 requests/s, burst 10, 429 with `Retry-After: 1` beyond), in one process
 * and in four, each process sharing nothing or sharing through a real Redis: the hero
 * client with default options, Hero's getting-started retry loop, AWS SDK v3's adaptive
 * retry strategy and Bottleneck at the known limit, side by side.
 *
 * Every scenario has its own server (its own limit), so scenarios run a few at a time
 * (`--parallel`) without touching each other's numbers. Prints a table, writes
 * reports/bench-rate-limit.json and a Markdown table for docs/performance.md.
 *
 * Options: --sends N (1500), --rate N (50), --burst N (10), --latency-ms N (0: the server answers at
 * once; 300 puts it as far away as a slow PDS lookup), --parallel N (1; more at once disturb each other's timing on a small machine),
 * --only <text> (scenarios whose name contains it), --exact <name> (that scenario alone), --out <file>,
 * --runs N (1: each scenario N times in a row with the same practice group. The hero rows that
 * share through Redis then start each later run from the state the fleet left there, the learned
 * rate or the known limit's margin, as a fleet's next job does. The unshared rows, and Bottleneck's
 * clustered row (a fresh id each run), are plain repeats that show the spread).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedisServer, redisServerPath, type RedisServer } from '../../test/helpers/redis-server.js';
import { repoRoot } from '../build-package.js';
import { describeMachine } from '../machine.js';
import { spawnServer } from '../../test/helpers/spawn-server.js';
import { formatTable } from '../table.js';
import type { RateContenderName } from './contenders.js';
import type { LimitedServerStats } from '../../test/helpers/limited-server.js';
import type { WorkerJob, WorkerReport } from './worker.js';

const { values: flags } = parseArgs({
  options: {
    sends: { type: 'string', default: '1500' },
    rate: { type: 'string', default: '50' },
    burst: { type: 'string', default: '10' },
    'latency-ms': { type: 'string', default: '0' },
    parallel: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    only: { type: 'string' },
    exact: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'reports', 'bench-rate-limit.json') },
  },
});
const sends = Number(flags.sends);
const rate = Number(flags.rate);
const burst = Number(flags.burst);
const latencyMs = Number(flags['latency-ms']);
const parallel = Number(flags.parallel);
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');

interface Scenario {
  readonly name: string;
  readonly contender: RateContenderName;
  readonly processes: number;
  readonly concurrency: number;
  readonly shared: boolean;
  readonly known: boolean;
}

const scenario = (contender: RateContenderName, processes: number, concurrency: number, shared = false, known = false): Scenario => ({
  name: `${contender}, ${processes} proc × ${concurrency}${shared ? ', Redis' : ''}${known ? ', known limit' : ''}`,
  contender,
  processes,
  concurrency,
  shared,
  known,
});

const ALL: Scenario[] = [
  scenario('hero', 1, 8),
  scenario('hero', 1, 64),
  scenario('hero', 1, 64, false, true),
  scenario('hero', 4, 64),
  scenario('hero', 4, 64, true),
  scenario('hero', 4, 64, true, true),
  scenario('naive retry loop', 1, 8),
  scenario('naive retry loop', 1, 64),
  scenario('naive retry loop', 4, 64),
  scenario('AWS adaptive', 1, 8),
  scenario('AWS adaptive', 1, 64),
  scenario('AWS adaptive', 4, 64),
  scenario('Bottleneck', 1, 64, false, true),
  scenario('Bottleneck', 4, 64, true, true),
];

interface ScenarioResult {
  readonly scenario: Scenario;
  /** Which of the `--runs` runs of the scenario (1-based). */
  readonly run: number;
  readonly goodput: number;
  readonly percent429: number;
  readonly failed: number;
  readonly duplicates: number;
  readonly p99Ms: number;
  /** The done-when bound: calls in flight ÷ limit + 1 s. */
  readonly p99BoundMs: number;
  readonly seconds: number;
  readonly attempts: number;
  readonly cleanExit: boolean;
  readonly failures: Record<string, number>;
}

function forkWorker(): Promise<ChildProcess> {
  const child = fork(new URL('./worker.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () => resolve(child));
  });
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    child.on('message', function on(message: { type: string; payload?: unknown }) {
      if (message.type !== type) return;
      child.off('message', on);
      resolve(message.payload as T);
    });
  });
}

function exited(child: ChildProcess, withinMs: number): Promise<boolean> {
  if (child.exitCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, withinMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function runScenario(s: Scenario, index: number, redis: RedisServer | undefined, run: number): Promise<ScenarioResult> {
  const server = await spawnServer(new URL('../../test/helpers/limited-server.ts', import.meta.url).pathname, [String(rate), String(burst), String(latencyMs)]);
  const workers = await Promise.all(Array.from({ length: s.processes }, forkWorker));
  // A practice group per scenario: with only the Redis URL set, the shared key is
  // derived from it, so scenarios never share learned state.
  const practiceGroupId = String(9000 + index);
  const share = Math.ceil(sends / s.processes);
  await Promise.all(
    workers.map((worker, w) => {
      const job: WorkerJob = {
        contender: s.contender,
        concurrency: s.concurrency,
        markers: Array.from({ length: Math.min(share, sends - w * share) }, (_, k) => `s${index}-r${run}-w${w}-${k}`),
        setup: {
          baseUrl: server.url,
          apiKey: 'bench-local-key',
          practiceGroupId,
          redisUrl: s.shared ? redis?.url : undefined,
          known: s.known ? { requestsPerSecond: rate, burst } : undefined,
          sharedId: `bench-${index}-${run}-${Date.now()}`,
          maxInFlight: s.concurrency,
        },
      };
      const ready = nextMessage(worker, 'ready');
      worker.send({ type: 'job', payload: job });
      return ready;
    }),
  );
  const reports = workers.map((worker) => nextMessage<WorkerReport>(worker, 'report'));
  const startedAt = Date.now();
  for (const worker of workers) worker.send({ type: 'go' });
  const done = await Promise.all(reports);
  const clean = await Promise.all(workers.map((worker) => exited(worker, 10_000)));
  const stats = await server.ask<LimitedServerStats>('stats');
  await server.close();

  const succeeded = done.reduce((sum, r) => sum + r.succeeded, 0);
  const seconds = (Math.max(...done.map((r) => r.finishedAt)) - startedAt) / 1000;
  const latencies = done.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const failures: Record<string, number> = {};
  for (const r of done) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  return {
    scenario: s,
    run,
    goodput: succeeded / seconds / rate,
    percent429: (100 * stats.rejected) / Math.max(1, stats.attempts),
    failed: done.reduce((sum, r) => sum + r.failed, 0),
    duplicates: stats.duplicates,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
    p99BoundMs: ((s.processes * s.concurrency) / rate + 1) * 1000,
    seconds,
    attempts: stats.attempts,
    cleanExit: clean.every(Boolean),
    failures,
  };
}

const scenarios = ALL.filter((s) => (flags.only === undefined || s.name.includes(flags.only)) && (flags.exact === undefined || s.name === flags.exact));
let redis: RedisServer | undefined;
if (scenarios.some((s) => s.shared)) {
  if (redisServerPath() === undefined) {
    console.warn('\n*** redis-server not found (apt-get install -y redis-server): the shared scenarios are SKIPPED ***\n');
  } else {
    redis = await startRedisServer();
  }
}
const runnable = scenarios.filter((s) => !s.shared || redis !== undefined);
console.log(`${runnable.length} scenarios${runs > 1 ? ` × ${runs} runs` : ''}, ${sends} sends each at ${rate}/s burst ${burst}, ${parallel} at a time\n`);
const label = (r: ScenarioResult): string => (runs > 1 ? `${r.scenario.name}, run ${r.run}/${runs}` : r.scenario.name);

const results: ScenarioResult[] = [];
try {
  for (let i = 0; i < runnable.length; i += parallel) {
    const pass = runnable.slice(i, i + parallel);
    // Runs of one scenario in sequence (a later run starts from what the earlier left in Redis).
    const passResults = (
      await Promise.all(
        pass.map(async (s) => {
          const out: ScenarioResult[] = [];
          for (let run = 1; run <= runs; run++) {
            const r = await runScenario(s, ALL.indexOf(s), redis, run);
            console.log(`${label(r)}: goodput ${r.goodput.toFixed(3)}, 429s ${r.percent429.toFixed(1)}%, failed ${r.failed}, duplicates ${r.duplicates}, p99 ${(r.p99Ms / 1000).toFixed(2)} s`);
            out.push(r);
          }
          return out;
        }),
      )
    ).flat();
    results.push(...passResults);
  }
} finally {
  await redis?.stop();
}

const header = ['scenario', 'goodput', '429s %', 'failed', 'dupes', 'p99 s', 'p99 bound s', 'time s', 'clean exit'];
const row = (r: ScenarioResult) => [
  label(r),
  Number(r.goodput.toFixed(3)),
  Number(r.percent429.toFixed(1)),
  r.failed,
  r.duplicates,
  Number((r.p99Ms / 1000).toFixed(2)),
  Number((r.p99BoundMs / 1000).toFixed(2)),
  Number(r.seconds.toFixed(1)),
  r.cleanExit ? 'yes' : 'NO',
];
console.log(`\n${formatTable(header, results.map(row))}\n`);
console.log('Markdown:\n');
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of results) console.log(`| ${row(r).join(' | ')} |`);
for (const r of results) if (r.failed > 0) console.log(`\n${label(r)} failures: ${JSON.stringify(r.failures)}`);

await mkdir(dirname(flags.out), { recursive: true });
await writeFile(flags.out, JSON.stringify({ machine: describeMachine(repoRoot), sends, rate, burst, latencyMs, runs, results }, null, 2));
console.log(`\nwritten to ${flags.out}`);
