/**
 * `npm run bench:rate-limit`: bulk sends against servers that enforce a rate limit
 * (a token bucket, 429 with `Retry-After: 1` beyond it), some adding stray errors the
 * client's rate did not cause, in one process and in four, sharing nothing or sharing
 * through a real Redis: this client with default options beside pacing off
 * (`rateLimit: false`), AWS SDK v3's adaptive retry strategy, Hero's getting-started
 * retry loop and Bottleneck at the known limit. The scenarios are in matrix.ts.
 *
 * Every scenario has its own server (its own limit), and runs alone by default. Prints a
 * table, writes reports/bench-rate-limit.json and a Markdown table for docs/performance.md.
 *
 * `npm run bench:rate-limit` with no options is the whole matrix, about 30 minutes on a
 * quiet 2-core machine, ending with the no-limit part (no-limit.ts, group `none`).
 *
 * Options: --group <names> (comma-separated, of matrix.ts GROUPS; default all), --only <text>
 * (scenarios whose name contains it), --exact <name> (that scenario alone), --sends N (1500),
 * --parallel N (1; more at once disturb each other's timing on a small machine), --out <file>,
 * --runs N (1: each scenario N times in a row with the same practice group. The hero rows that
 * share through Redis then start each later run from the state the fleet left there, as a
 * fleet's next job does; the other rows are plain repeats that show the spread).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startRedisServer, redisServerPath, type RedisServer } from '../../test/helpers/redis-server.js';
import { repoRoot } from '../build-package.js';
import { describeMachine } from '../machine.js';
import { spawnServer } from '../../test/helpers/spawn-server.js';
import { formatTable } from '../table.js';
import type { LimitedServerStats } from '../../test/helpers/limited-server.js';
import { GROUPS, MATRIX, serverLabel, type Scenario } from './matrix.js';
import { defaultRateLimitKey } from '../../src/rate-limit/options.js';
import type { WorkerJob, WorkerReport } from './worker.js';

const { values: flags } = parseArgs({
  options: {
    group: { type: 'string' },
    sends: { type: 'string', default: '1500' },
    parallel: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    only: { type: 'string' },
    exact: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'reports', 'bench-rate-limit.json') },
  },
});
const sends = Number(flags.sends);
const parallel = Number(flags.parallel);
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');
const groups = flags.group === undefined ? [...GROUPS] : flags.group.split(',').map((g) => g.trim());
for (const g of groups) if (!(GROUPS as readonly string[]).includes(g)) throw new Error(`--group: unknown group ${g} (groups: ${GROUPS.join(', ')})`);

interface ScenarioResult {
  readonly scenario: Scenario;
  /** Which of the `--runs` runs of the scenario (1-based). */
  readonly run: number;
  /** Successful calls per second ÷ the server's limit. */
  readonly goodput: number;
  /** The limit's own 429s, as a share of all attempts. */
  readonly percent429: number;
  /** Stray errors the server answered. */
  readonly stray: number;
  readonly failed: number;
  readonly duplicates: number;
  readonly p99Ms: number;
  /** The done-when bound: calls in flight ÷ limit + 1 s. */
  readonly p99BoundMs: number;
  readonly seconds: number;
  readonly attempts: number;
  readonly cleanExit: boolean;
  readonly failures: Record<string, number>;
  /** 1-minute load average when the scenario started. */
  readonly load: number;
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
  const load = loadavg()[0] ?? 0;
  const { rate, burst, latencyMs, stray } = s.server;
  // One seed per server, so every contender against it meets the same stray errors.
  const seed = [...serverLabel(s.server)].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);
  const serverArgs = [rate, burst, latencyMs, stray?.percent ?? 0, stray?.status ?? 503, stray?.retryAfter ?? '0', seed].map(String);
  const server = await spawnServer(new URL('../../test/helpers/limited-server.ts', import.meta.url).pathname, serverArgs);
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
  // HERO_BENCH_TRACE=1 on a shared scenario: the fleet's learned state in Redis every 250 ms (tuning aid).
  const stopTrace = s.shared && redis !== undefined && process.env.HERO_BENCH_TRACE ? await traceRedis(redis.url, defaultRateLimitKey('bench-local-key', practiceGroupId), startedAt) : undefined;
  const done = await Promise.all(reports);
  stopTrace?.();
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
    stray: stats.stray,
    failed: done.reduce((sum, r) => sum + r.failed, 0),
    duplicates: stats.duplicates,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
    p99BoundMs: ((s.processes * s.concurrency) / rate + 1) * 1000,
    seconds,
    attempts: stats.attempts,
    cleanExit: clean.every(Boolean),
    failures,
    load,
  };
}

async function traceRedis(url: string, key: string, startedAt: number): Promise<() => void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  const timer = setInterval(() => {
    void client.hmget(key, 'unl', 'fit', 'rps', 'bkt', 'ep').then((state) => console.log(((Date.now() - startedAt) / 1000).toFixed(2), state.join(' ')));
  }, 250);
  return () => {
    clearInterval(timer);
    client.disconnect();
  };
}

const scenarios = MATRIX.filter(
  (s) => groups.includes(s.group) && (flags.only === undefined || s.name.includes(flags.only)) && (flags.exact === undefined || s.name === flags.exact),
);
let redis: RedisServer | undefined;
// A bench stopped with Ctrl-C stops its redis-server too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (redis?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

if (scenarios.some((s) => s.shared)) {
  if (redisServerPath() === undefined) {
    console.warn('\n*** redis-server not found (apt-get install -y redis-server): the shared scenarios are SKIPPED ***\n');
  } else {
    redis = await startRedisServer();
  }
}
const runnable = scenarios.filter((s) => !s.shared || redis !== undefined);
console.log(`${runnable.length} scenarios${runs > 1 ? ` × ${runs} runs` : ''}, ${sends} sends each, ${parallel} at a time; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
const label = (r: ScenarioResult): string => (runs > 1 ? `${r.scenario.name}, run ${r.run}/${runs}` : r.scenario.name);
const line = (r: ScenarioResult): string =>
  `${label(r)}: goodput ${r.goodput.toFixed(3)}, 429s ${r.percent429.toFixed(1)}%, stray ${r.stray}, failed ${r.failed}, duplicates ${r.duplicates}, p99 ${(r.p99Ms / 1000).toFixed(2)} s, ${r.seconds.toFixed(1)} s, load ${r.load.toFixed(2)}`;

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
            const r = await runScenario(s, MATRIX.indexOf(s), redis, run);
            console.log(line(r));
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

const header = ['scenario', 'goodput', '429s %', 'stray', 'failed', 'dupes', 'p99 s', 'p99 bound s', 'time s', 'clean exit', 'load'];
const row = (r: ScenarioResult) => [
  label(r),
  Number(r.goodput.toFixed(3)),
  Number(r.percent429.toFixed(1)),
  r.stray,
  r.failed,
  r.duplicates,
  Number((r.p99Ms / 1000).toFixed(2)),
  Number((r.p99BoundMs / 1000).toFixed(2)),
  Number(r.seconds.toFixed(1)),
  r.cleanExit ? 'yes' : 'NO',
  Number(r.load.toFixed(2)),
];
console.log(`\n${formatTable(header, results.map(row))}\n`);
console.log('Markdown:\n');
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of results) console.log(`| ${row(r).join(' | ')} |`);
for (const r of results) if (r.failed > 0) console.log(`\n${label(r)} failures: ${JSON.stringify(r.failures)}`);

await mkdir(dirname(flags.out), { recursive: true });
await writeFile(flags.out, JSON.stringify({ machine: describeMachine(repoRoot), sends, runs, results }, null, 2));
console.log(`\nwritten to ${flags.out}`);

// No limit in sight: an in-process bench of its own (no-limit.ts), last, when asked for (or with no --group).
if (groups.includes('none') && flags.only === undefined && flags.exact === undefined) {
  console.log('\nNo limit in sight (bench/rate-limit/no-limit.ts)\n');
  const child = fork(new URL('./no-limit.ts', import.meta.url).pathname, ['--out', join(dirname(flags.out), 'bench-no-limit.json')], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}
