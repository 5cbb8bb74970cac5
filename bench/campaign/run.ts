/**
 * `npm run bench:journal`: what a campaign journal costs. A campaign of `--items` sends at a
 * known limit of `--rate`/s (the server enforces it, 429 beyond), run by one worker process
 * with no journal, a file journal (fsync with group commit; fsync per record; write only) and
 * a Redis journal, alternating in `--rounds` rounds so machine load hits all alike; then a
 * fleet of four workers sharing the limit through Redis, without a journal, with a Redis
 * journal, and with a Redis journal and one worker SIGKILLed a third of the way in.
 *
 * Goodput = unique sends the server processed ÷ (last processed − the moment the workers were
 * told to go) ÷ the limit: journal opening, key loading and the tail are all inside it.
 * Overhead = 1 − goodput ÷ the same round's no-journal goodput. Prints a table, the machine's
 * load before and after, and writes reports/bench-journal.json.
 *
 * Options: --items N (1000), --rate N (200), --rounds N (2), --client-burst N (5: the client's
 * `rateLimit.burst`), --server-burst N (10: the server's bucket), --only <text>[|<text>…], --out <file>.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { redisServerPath, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { startCountingServer } from '../../test/helpers/campaign/counting-server.js';
import { forkWorker, killAll } from '../../test/helpers/campaign/fork-worker.js';
import type { WorkerDone, WorkerJob } from '../../test/helpers/campaign/campaign-worker.js';
import { repoRoot } from '../build-package.js';
import { describeMachine } from '../machine.js';
import { formatTable } from '../table.js';

const { values: flags } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    'client-burst': { type: 'string', default: '5' },
    'server-burst': { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'reports', 'bench-journal.json') },
  },
});
const items = Number(flags.items);
const rate = Number(flags.rate);
const rounds = Number(flags.rounds);
const clientBurst = Number(flags['client-burst']);
const serverBurst = Number(flags['server-burst']);

type Journal = 'none' | 'file fsync, group commit' | 'file fsync per record' | 'file write only' | 'redis';
interface Scenario {
  readonly name: string;
  readonly journal: Journal;
  readonly workers: number;
  readonly killOne: boolean;
}
const SINGLE: Scenario[] = (['none', 'file fsync, group commit', 'file fsync per record', 'file write only', 'redis'] as const).map((journal) => ({ name: `1 worker, ${journal}`, journal, workers: 1, killOne: false }));
const FLEET: Scenario[] = [
  { name: '4 workers, shared limit, none', journal: 'none', workers: 4, killOne: false },
  { name: '4 workers, shared limit, redis', journal: 'redis', workers: 4, killOne: false },
  { name: '4 workers, shared limit, redis, one killed', journal: 'redis', workers: 4, killOne: true },
];
// --only takes several names separated by |.
const scenarios = [...SINGLE, ...FLEET].filter((s) => flags.only === undefined || flags.only.split('|').some((part) => s.name.includes(part.trim())));

interface Result {
  readonly scenario: Scenario;
  readonly round: number;
  readonly goodput: number;
  readonly seconds: number;
  readonly processed: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly outcomeUnknown: number;
  readonly log: WorkerDone['log'];
}

let serial = 0;
async function runScenario(s: Scenario, round: number, redis: RedisServer | undefined, dir: string): Promise<Result> {
  const server = await startCountingServer({ rate, burst: serverBurst });
  const id = `bench-${Date.now()}-${++serial}`;
  const base = {
    baseUrl: server.url,
    requestsPerSecond: rate,
    burst: clientBurst,
    concurrency: 16,
    ...(s.workers > 1 && { rateLimitRedisUrl: redis!.url, rateLimitKey: `hero:rate:${id}` }),
  };
  const journalOf = (): WorkerJob['journal'] => {
    switch (s.journal) {
      case 'none':
        return { kind: 'none' };
      case 'redis':
        return { kind: 'redis', url: redis!.url, campaign: id, leaseMs: 2000 };
      case 'file fsync per record':
        return { kind: 'file', path: join(dir, `${id}.journal`), maxBatchLines: 1 };
      case 'file write only':
        return { kind: 'file', path: join(dir, `${id}.journal`), durability: 'write' };
      default:
        return { kind: 'file', path: join(dir, `${id}.journal`) };
    }
  };
  // Without a journal the fleet splits the list by hand (each worker its own quarter); with one, they share it.
  const share = s.journal === 'none' ? Math.ceil(items / s.workers) : items;
  const workers = Array.from({ length: s.workers }, (_, w) => forkWorker({ ...base, items: share, prefix: s.journal === 'none' ? `w${w}-` : 'c', journal: journalOf() }));
  await Promise.all(workers.map((w) => w.ready));
  const goAt = performance.timeOrigin + performance.now();
  for (const worker of workers) worker.go();
  let survivors = workers;
  if (s.killOne) {
    const victim = workers[1]!;
    while (server.processed.size < items / 3) await new Promise((resolve) => setTimeout(resolve, 10));
    victim.kill();
    await victim.exited;
    survivors = workers.filter((w) => w !== victim);
  }
  const done = await Promise.all(survivors.map((w) => w.done));
  await Promise.all(survivors.map((w) => w.exited));
  const seconds = (server.lastProcessedAt()! - goAt) / 1000;
  const result: Result = {
    scenario: s,
    round,
    goodput: server.processed.size / seconds / rate,
    seconds,
    processed: server.processed.size,
    duplicates: server.duplicates(),
    rejected: server.rejected(),
    outcomeUnknown: Math.max(...done.map((d) => d.outcomeUnknown)),
    log: done[0]?.log,
  };
  await server.close();
  return result;
}

const machine = describeMachine(repoRoot);
let redis: RedisServer | undefined;
if (scenarios.some((s) => s.journal === 'redis' || s.workers > 1)) {
  if (redisServerPath() === undefined) console.warn('\n*** redis-server not found: the Redis scenarios are SKIPPED ***\n');
  else redis = await startRedisServer();
}
const runnable = scenarios.filter((s) => redis !== undefined || (s.journal !== 'redis' && s.workers === 1));
const dir = await mkdtemp(join(tmpdir(), 'hero-bench-journal-'));
console.log(`${runnable.length} scenarios × ${rounds} rounds, ${items} items each at ${rate}/s (client burst ${clientBurst}, server bucket ${serverBurst}); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
const results: Result[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order each round, so a slow patch of the machine does not land on one contender.
    const order = round % 2 === 1 ? runnable : [...runnable].reverse();
    for (const s of order) {
      const r = await runScenario(s, round, redis, dir);
      console.log(`round ${round}, ${s.name}: goodput ${r.goodput.toFixed(3)}, ${r.seconds.toFixed(1)} s, duplicates ${r.duplicates}, 429s ${r.rejected}${r.log ? `, ${r.log.lines} records in ${r.log.batches} syncs` : ''}`);
      results.push(r);
    }
  }
} finally {
  killAll();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
}

const loadAfter = loadavg();
const baseline = (r: Result): number | undefined => results.find((b) => b.round === r.round && b.scenario.journal === 'none' && b.scenario.workers === r.scenario.workers)?.goodput;
const header = ['scenario', 'round', 'goodput', 'overhead vs none', 'time s', 'dupes', '429s', 'outcome-unknown', 'records / syncs'];
const rows = results
  .slice()
  .sort((a, b) => runnable.indexOf(a.scenario) - runnable.indexOf(b.scenario) || a.round - b.round)
  .map((r) => {
    const none = baseline(r);
    return [
      r.scenario.name,
      r.round,
      Number(r.goodput.toFixed(3)),
      none === undefined || r.scenario.journal === 'none' ? '' : `${(100 * (1 - r.goodput / none)).toFixed(1)}%`,
      Number(r.seconds.toFixed(1)),
      r.duplicates,
      r.rejected,
      r.outcomeUnknown,
      r.log ? `${r.log.lines} / ${r.log.batches}` : '',
    ];
  });
console.log(`\n${formatTable(header, rows)}\n`);
console.log(`load before ${machine.loadAverage.join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (${machine.cpus} CPUs)`);
await mkdir(dirname(flags.out), { recursive: true });
await writeFile(flags.out, JSON.stringify({ machine, loadAfter, items, rate, rounds, results }, null, 2));
console.log(`written to ${flags.out}`);
