/**
 * `npm run soak`: 50,000 calls through the facade (src/) against a loopback server in
 * a child process that injects about 10% faults (soak-faults.ts). Bounded in calls and
 * time. Prints tables, writes reports/soak.json, and exits non-zero unless:
 * - no send (non-idempotent POST) was processed twice by the server;
 * - no promise rejection went unhandled;
 * - every failed call failed with a typed HeroError;
 * - heap growth after forced GC stays within noise (see HEAP_GROWTH_LIMIT_BYTES);
 * - it finished within the time limit;
 * - with default options (pacing on), as many calls succeeded as the same soak with pacing
 *   off (`rateLimit: false`, run next in a child process), within 2%.
 *
 * The client has default options, pacing included: the server's 429s are stray (2% of
 * calls, at thousands a second, whatever the rate), which the controller must take for
 * what they are, so the configuration every partner gets is the one soaked.
 *
 * Needs `node --expose-gc --import tsx bench/soak.ts` (what `npm run soak` runs).
 * Options: --requests N (50000), --concurrency N (64), --seed N (1), --time-limit-seconds N (170),
 * --out <file> (reports/soak.json), --unsafe-idempotent-sends (self-check: marks sends as
 * idempotent so the client retries them after 500/reset/timeout; the duplicate check must then fail),
 * --self-check-leak (self-check: keeps 100 bytes per call alive; the heap check must then fail),
 * --pacing-off (soak `rateLimit: false` instead, and compare with nothing),
 * --no-compare (skip the pacing-off run).
 */
import { fork } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createHeroClient, HeroError } from '../src/index.js';
import type { RetryReason } from '../src/index.js';
import { repoRoot } from './build-package.js';
import { BENCH_CREDENTIALS, sendMessageBody } from '../test/helpers/fixtures.js';
import { describeMachine } from './machine.js';
import { FAULT_PERCENT } from './soak-faults.js';
import type { SoakServerReport } from './soak-server.js';
import { spawnServer } from '../test/helpers/spawn-server.js';
import { round } from './stats.js';
import { formatTable } from './table.js';

/**
 * Heap growth allowed from the end of warm-up to the end of the run, both read after
 * forced GCs with no call in flight. Clean runs here grew 0.06–0.09 MB over the 45,000
 * calls after warm-up; a leak of 50 bytes per call (far less than one retained Request,
 * Response or error) would add 2.1 MB. So 2 MB is ~20× the noise and flags a per-call
 * leak of about 47 bytes or more. `--self-check-leak` proves the check can fail.
 */
const HEAP_GROWTH_LIMIT_BYTES = 2 * 1024 * 1024;

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    'time-limit-seconds': { type: 'string', default: '170' },
    out: { type: 'string', default: join(repoRoot, 'reports', 'soak.json') },
    'unsafe-idempotent-sends': { type: 'boolean', default: false },
    'self-check-leak': { type: 'boolean', default: false },
    'pacing-off': { type: 'boolean', default: false },
    'no-compare': { type: 'boolean', default: false },
  },
});
const totalCalls = Number(flags.requests);
const concurrency = Number(flags.concurrency);
const timeLimitMs = Number(flags['time-limit-seconds']) * 1000;
if (![totalCalls, concurrency, timeLimitMs].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('--requests, --concurrency and --time-limit-seconds must be positive integers');
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run soak does): heap figures need a forced GC');
  process.exit(1);
}

let unhandledRejections = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections++;
  if (unhandledRejections <= 3) console.error('unhandled rejection:', reason);
});

const startedAt = performance.now();
const deadline = startedAt + timeLimitMs;
const server = await spawnServer(new URL('./soak-server.ts', import.meta.url).pathname, [flags.seed]);

const retriesByReason = new Map<RetryReason, number>();
const hero = createHeroClient({
  ...BENCH_CREDENTIALS,
  baseUrl: server.url,
  env: {},
  // Short limits keep 50,000 calls with injected delays inside the time limit.
  timeoutMs: 200,
  retry: { baseDelayMs: 5, maxDelayMs: 50 },
  ...(flags['pacing-off'] ? { rateLimit: false as const } : {}),
  hooks: { onRetry: ({ reason }) => void retriesByReason.set(reason, (retriesByReason.get(reason) ?? 0) + 1) },
});
const sendOptions = flags['unsafe-idempotent-sends'] ? { idempotent: true } : undefined;

let nextCall = 0;
let succeeded = 0;
const failuresByClass = new Map<string, number>();
let untypedFailures = 0;
let timedOut = false;
// Only filled with --self-check-leak: a deliberate leak the heap check must catch.
const deliberateLeak: string[] = [];

async function oneCall(i: number): Promise<void> {
  const isSend = i % 2 === 1;
  if (flags['self-check-leak']) deliberateLeak.push(`${i}`.padEnd(100, '.'));
  try {
    if (isSend) await hero.messages.send(sendMessageBody(`soak-${i}`), sendOptions);
    else await hero.booking.getAppointment(String(i));
    succeeded++;
  } catch (error) {
    const typed = error instanceof HeroError;
    if (!typed) untypedFailures++;
    const name = typed ? error.name : `untyped ${(error as Error)?.constructor?.name ?? typeof error}`;
    const key = `${isSend ? 'POST send' : 'GET appointment'}: ${name}`;
    failuresByClass.set(key, (failuresByClass.get(key) ?? 0) + 1);
  }
}

/** Runs calls up to index `end` (exclusive) with `concurrency` loops; stops early past the deadline. */
async function runUntil(end: number): Promise<void> {
  const loop = async () => {
    while (nextCall < end) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      await oneCall(nextCall++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

/**
 * heapUsed after forced GCs with a turn of the event loop between them, so sockets
 * closed by the last calls finish closing and FinalizationRegistry callbacks (undici
 * registers one per request signal) run and their targets can be collected.
 */
async function settledHeapBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 20));
  }
  gc!();
  return process.memoryUsage().heapUsed;
}

// Warm-up (10%), then two halves; heap is read between phases, with nothing in flight.
const warmupEnd = Math.floor(totalCalls * 0.1);
const midEnd = warmupEnd + Math.floor((totalCalls - warmupEnd) / 2);
const heapAtStart = await settledHeapBytes();
await runUntil(warmupEnd);
const heapAfterWarmup = await settledHeapBytes();
await runUntil(midEnd);
const heapAtMiddle = await settledHeapBytes();
await runUntil(totalCalls);
const heapAtEnd = await settledHeapBytes();
const wallSeconds = (performance.now() - startedAt) / 1000;

const serverReport = await server.ask<SoakServerReport>('report');
await server.close();
// Give any late rejection a turn to surface before counting.
await new Promise((r) => setTimeout(r, 50));

const failed = [...failuresByClass.values()].reduce((a, b) => a + b, 0);
const retries = [...retriesByReason.values()].reduce((a, b) => a + b, 0);
const heapGrowth = heapAtEnd - heapAfterWarmup;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 2);
// The same soak with pacing off, for the success count (a child process: its own heap and event loop).
let pacingOffSucceeded: number | undefined;
if (!flags['pacing-off'] && !flags['no-compare']) {
  const offOut = resolve(dirname(resolve(flags.out)), 'soak-pacing-off.json');
  const args = ['--pacing-off', '--out', offOut, '--requests', String(totalCalls), '--concurrency', String(concurrency), '--seed', String(flags.seed), '--time-limit-seconds', String(timeLimitMs / 1000)];
  const child = fork(new URL(import.meta.url).pathname, args, { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((done) => child.once('exit', () => done()));
  pacingOffSucceeded = (JSON.parse(await readFile(offOut, 'utf8')) as { succeeded: number }).succeeded;
}

const checks = [
  { check: 'no send processed twice', ok: serverReport.duplicateSends === 0, detail: `${serverReport.duplicateSends} markers` },
  { check: 'every send carried its marker', ok: serverReport.unmarkedSends === 0, detail: `${serverReport.unmarkedSends} unmarked` },
  { check: 'no unhandled rejections', ok: unhandledRejections === 0, detail: String(unhandledRejections) },
  { check: 'every failure is a typed HeroError', ok: untypedFailures === 0, detail: `${untypedFailures} untyped` },
  { check: 'every call settled', ok: succeeded + failed === totalCalls, detail: `${succeeded + failed} of ${totalCalls}` },
  { check: `heap growth after warm-up < ${mb(HEAP_GROWTH_LIMIT_BYTES)} MB`, ok: heapGrowth < HEAP_GROWTH_LIMIT_BYTES, detail: `${mb(heapGrowth)} MB` },
  { check: `finished within ${timeLimitMs / 1000} s`, ok: !timedOut, detail: `${round(wallSeconds, 1)} s` },
  ...(pacingOffSucceeded === undefined
    ? []
    : [{ check: 'succeeded within 2% of the same soak with pacing off', ok: succeeded >= pacingOffSucceeded * 0.98, detail: `${succeeded} vs ${pacingOffSucceeded}` }]),
];

console.log(`Soak: ${totalCalls} calls (half GET getAppointment, half POST messages.send), concurrency ${concurrency}, seed ${flags.seed}, pacing ${flags['pacing-off'] ? 'off (rateLimit: false)' : 'on (default)'}`);
const selfChecks = [sendOptions ? 'SENDS MARKED IDEMPOTENT' : '', flags['self-check-leak'] ? 'DELIBERATE LEAK' : ''].filter(Boolean);
console.log(
  `client: timeoutMs 200, retry { baseDelayMs 5, maxDelayMs 50 }, default 3 attempts and retry budget${selfChecks.length ? ` (self-check: ${selfChecks.join(', ')})` : ''}\n`,
);
console.log(
  formatTable(
    ['calls', 'succeeded', 'failed', 'retries', 'wall s', 'calls/s', 'server received', 'server processed'],
    [[totalCalls, succeeded, failed, retries, round(wallSeconds, 1), round(totalCalls / wallSeconds, 0), serverReport.received, serverReport.processedGets + serverReport.processedSends]],
  ),
);
console.log(`\nInjected faults (planned %: ${Object.entries(FAULT_PERCENT).map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
console.log(formatTable(['server action', 'requests'], Object.entries(serverReport.byFault).sort((a, b) => b[1] - a[1])));
console.log('\nFailed calls by error class\n');
console.log(formatTable(['call: error class', 'calls'], [...failuresByClass].sort((a, b) => b[1] - a[1])));
console.log('\nRetries by reason (onRetry hook)\n');
console.log(formatTable(['reason', 'retries'], [...retriesByReason].sort((a, b) => b[1] - a[1])));
console.log('\nHeap used after forced GC, MB\n');
console.log(formatTable(['start', 'after warm-up', 'middle', 'end', 'growth after warm-up'], [[mb(heapAtStart), mb(heapAfterWarmup), mb(heapAtMiddle), mb(heapAtEnd), mb(heapGrowth)]]));
console.log('\nChecks\n');
console.log(formatTable(['check', 'result', 'value'], checks.map((c) => [c.check, c.ok ? 'pass' : 'FAIL', c.detail])));

const out = resolve(flags.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(
  out,
  `${JSON.stringify(
    {
      machine: describeMachine(repoRoot),
      options: { totalCalls, concurrency, seed: Number(flags.seed), pacing: !flags['pacing-off'], unsafeIdempotentSends: sendOptions !== undefined, selfCheckLeak: flags['self-check-leak'] },
      wallSeconds: round(wallSeconds, 2),
      succeeded,
      pacingOffSucceeded,
      failed,
      failuresByClass: Object.fromEntries(failuresByClass),
      retriesByReason: Object.fromEntries(retriesByReason),
      server: serverReport,
      heapMB: { start: mb(heapAtStart), afterWarmup: mb(heapAfterWarmup), middle: mb(heapAtMiddle), end: mb(heapAtEnd), growth: mb(heapGrowth) },
      unhandledRejections,
      checks,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nWrote ${out.replace(repoRoot, '')}`);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
