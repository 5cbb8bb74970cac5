/**
 * `npm run bench:no-limit`: what pacing costs when Hero never says 429, default options
 * against `rateLimit: false`, alternating round by round in one process against a local
 * keep-alive server (bench-server.ts, in a child process):
 * - throughput and p99 at 1 and at 64 calls in flight (GET, one client each, warm);
 * - a freshly created client's first 500 calls at 64 in flight (a client per job or per
 *   request): their p99 and wall time;
 * - stray errors with no limit (the table): 2,000 calls from 200 callers,
 *   `timeoutMs` 1 s, `deadlineMs` 8 s, against a server answering 0.5% or 3% of requests
 *   with a stray 503 or 429 (`Retry-After: 0`): calls/s and calls failed.
 * The facade is the package built with tsup, as `npm run bench` measures it (or src/ under
 * tsx with --source). Prints a table and writes reports/bench-no-limit.json.
 *
 * Options: --rounds N (7), --requests-c1 N (2000), --requests-c64 N (6000), --fresh N (500),
 * --source, --out <file>.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPackage, removeScratchBuild, repoRoot } from '../build-package.js';
import { BENCH_CREDENTIALS } from '../../test/helpers/fixtures.js';
import { describeMachine } from '../machine.js';
import { spawnServer } from '../../test/helpers/spawn-server.js';
import { median, quantile, round } from '../stats.js';
import { formatTable } from '../table.js';
import { runBatch } from '../throughput.js';
import type { createHeroClient as CreateHeroClient } from '../../src/index.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'requests-c1': { type: 'string', default: '2000' },
    'requests-c64': { type: 'string', default: '6000' },
    fresh: { type: 'string', default: '500' },
    source: { type: 'boolean', default: false },
    out: { type: 'string', default: join(repoRoot, 'reports', 'bench-no-limit.json') },
  },
});
const rounds = Number(flags.rounds);
const fresh = Number(flags.fresh);

const built = flags.source ? undefined : await buildPackage();
const { createHeroClient } = (await import(built ? built.entryPath : '../../src/index.js')) as { createHeroClient: typeof CreateHeroClient };
const PACED = ['default', 'pacing off'] as const;
type Paced = (typeof PACED)[number];
const client = (paced: Paced, baseUrl: string, extra: Parameters<typeof CreateHeroClient>[0] = {}) =>
  createHeroClient({ ...BENCH_CREDENTIALS, baseUrl, env: {}, ...extra, ...(paced === 'pacing off' ? { rateLimit: false as const } : {}) });

console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; facade from ${built ? built.source : 'src/ under tsx'}\n`);
const rows: (string | number)[][] = [];
const report: Record<string, unknown> = {};
const server = await spawnServer(new URL('../bench-server.ts', import.meta.url).pathname);
try {
  // 1. Warm throughput at 1 and 64 in flight.
  for (const [concurrency, requests] of [
    [1, Number(flags['requests-c1'])],
    [64, Number(flags['requests-c64'])],
  ] as const) {
    const clients = Object.fromEntries(PACED.map((p) => [p, client(p, server.url)])) as Record<Paced, ReturnType<typeof CreateHeroClient>>;
    for (const p of PACED) await runBatch(() => clients[p].booking.getAppointment('1'), 1000, concurrency);
    const perRound: Record<Paced, { rps: number; p99: number }[]> = { default: [], 'pacing off': [] };
    for (let r = 0; r < rounds; r++) {
      for (const p of r % 2 === 0 ? PACED : [...PACED].reverse()) {
        const result = await runBatch(() => clients[p].booking.getAppointment('1'), requests, concurrency);
        perRound[p].push({ rps: result.requestsPerSecond, p99: result.p99Micros / 1000 });
      }
    }
    const ratio = median(perRound.default.map((d, i) => d.rps / perRound['pacing off'][i]!.rps));
    const p99Ratio = median(perRound.default.map((d, i) => d.p99 / perRound['pacing off'][i]!.p99));
    for (const p of PACED) {
      rows.push([`warm, ${concurrency} in flight`, p, round(median(perRound[p].map((x) => x.rps)), 0), round(median(perRound[p].map((x) => x.p99)), 2), p === 'default' ? `${round(ratio, 3)} × throughput, ${round(p99Ratio, 2)} × p99` : '']);
    }
    report[`c${concurrency}`] = { perRound, throughputRatio: ratio, p99Ratio };
    for (const p of PACED) await clients[p].close();
  }

  // 2. A fresh client's first calls at 64 in flight.
  const freshRounds: Record<Paced, { p99: number; wallMs: number }[]> = { default: [], 'pacing off': [] };
  for (let r = 0; r < rounds; r++) {
    for (const p of r % 2 === 0 ? PACED : [...PACED].reverse()) {
      const hero = client(p, server.url);
      const latencies: number[] = [];
      let next = 0;
      const startedAt = performance.now();
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < fresh) {
            next++;
            const t = performance.now();
            await hero.booking.getAppointment('1');
            latencies.push(performance.now() - t);
          }
        }),
      );
      freshRounds[p].push({ p99: quantile(latencies, 0.99), wallMs: performance.now() - startedAt });
      await hero.close();
    }
  }
  const freshRatio = median(freshRounds.default.map((d, i) => d.p99 / freshRounds['pacing off'][i]!.p99));
  for (const p of PACED) {
    rows.push([`fresh client, first ${fresh} at 64`, p, round((fresh / median(freshRounds[p].map((x) => x.wallMs))) * 1000, 0), round(median(freshRounds[p].map((x) => x.p99)), 2), p === 'default' ? `${round(freshRatio, 2)} × p99` : '']);
  }
  report.fresh = { freshRounds, p99Ratio: freshRatio };
} finally {
  await server.close();
}

// 3. Stray errors and no limit.
const strays = [
  { percent: 0.5, status: 503 },
  { percent: 0.5, status: 429 },
  { percent: 3, status: 503 },
  { percent: 3, status: 429 },
];
const strayReport: unknown[] = [];
for (const stray of strays) {
  const limited = await spawnServer(new URL('../../test/helpers/limited-server.ts', import.meta.url).pathname, ['0', '0', '0', String(stray.percent), String(stray.status), '0', '11']);
  try {
    for (const p of PACED) {
      const hero = client(p, limited.url, { timeoutMs: 1000, deadlineMs: 8000 });
      let next = 0;
      let failed = 0;
      const startedAt = performance.now();
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          while (next < 2000) {
            next++;
            await hero.booking.getAppointment('1').catch(() => failed++);
          }
        }),
      );
      const seconds = (performance.now() - startedAt) / 1000;
      await hero.close();
      rows.push([`no limit, ${stray.percent}% stray ${stray.status}, 200 callers`, p, round(2000 / seconds, 0), '-', `${failed} failed`]);
      strayReport.push({ ...stray, contender: p, callsPerSecond: 2000 / seconds, failed });
    }
  } finally {
    await limited.close();
  }
}
report.stray = strayReport;
if (built?.source === 'scratch build') await removeScratchBuild();

console.log(formatTable(['scenario', 'client', 'calls/s', 'p99 ms', 'default vs pacing off'], rows));
await mkdir(dirname(flags.out), { recursive: true });
await writeFile(flags.out, JSON.stringify({ machine: describeMachine(repoRoot), rounds, report }, null, 2));
console.log(`\nwritten to ${flags.out}`);
