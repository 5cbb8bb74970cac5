/**
 * `npm run stress:boundaries`: 20,000 calls at concurrency 200 through the facade against a
 * child-process server that resets connections mid-body, stalls bodies, resets before and
 * after reading, answers 503 and redirects (stress-boundaries-server.ts). Exits non-zero unless:
 * - no promise rejection went unhandled;
 * - every failed call failed with a HeroError subclass;
 * - no process warning was printed (MaxListenersExceededWarning and the like);
 * - every call settled, within the time limit;
 * - no timer is left running once the calls are done (so the process exits at once).
 * Options: --requests N (20000), --concurrency N (200), --seed N (1), --time-limit-seconds N (120).
 */
import { parseArgs } from 'node:util';
import { createHeroClient, HeroError } from '../src/index.js';
import { BENCH_CREDENTIALS } from '../test/helpers/fixtures.js';
import { spawnServer } from '../test/helpers/spawn-server.js';
import { round } from './stats.js';
import { formatTable } from './table.js';

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    'time-limit-seconds': { type: 'string', default: '120' },
  },
});
const totalCalls = Number(flags.requests);
const concurrency = Number(flags.concurrency);
const timeLimitMs = Number(flags['time-limit-seconds']) * 1000;

let unhandledRejections = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections++;
  if (unhandledRejections <= 3) console.error('unhandled rejection:', reason);
});
const warnings: string[] = [];
process.on('warning', (warning) => void warnings.push(`${warning.name}: ${warning.message}`));

const server = await spawnServer(new URL('./stress-boundaries-server.ts', import.meta.url).pathname, [flags.seed]);
const hero = createHeroClient({
  ...BENCH_CREDENTIALS,
  baseUrl: server.url,
  env: {},
  // Short enough that 1% stalled bodies do not dominate the run.
  timeoutMs: 500,
  retry: { baseDelayMs: 5, maxDelayMs: 50 },
});

const startedAt = performance.now();
const deadline = startedAt + timeLimitMs;
let next = 0;
let succeeded = 0;
let untyped = 0;
let timedOut = false;
const failures = new Map<string, number>();

async function loop(): Promise<void> {
  while (next < totalCalls) {
    if (performance.now() > deadline) {
      timedOut = true;
      return;
    }
    const i = next++;
    try {
      await hero.booking.getAppointment(String(i));
      succeeded++;
    } catch (error) {
      const name = error instanceof HeroError ? error.name : `untyped ${(error as Error)?.constructor?.name ?? typeof error}`;
      if (!(error instanceof HeroError)) {
        untyped++;
        if (untyped <= 3) console.error('untyped failure:', error);
      }
      failures.set(name, (failures.get(name) ?? 0) + 1);
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, loop));
const wallSeconds = (performance.now() - startedAt) / 1000;
const byFault = await server.ask<Record<string, number>>('report');
await server.close();
await new Promise((resolve) => setTimeout(resolve, 50));
// Timers still running now would keep the process alive after the work is done.
const leftTimers = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

const failed = [...failures.values()].reduce((a, b) => a + b, 0);
const checks = [
  { check: 'no unhandled rejections', ok: unhandledRejections === 0, detail: String(unhandledRejections) },
  { check: 'every failure is a HeroError', ok: untyped === 0, detail: `${untyped} untyped` },
  { check: 'no process warnings', ok: warnings.length === 0, detail: warnings.slice(0, 2).join(' | ') || '0' },
  { check: 'every call settled', ok: succeeded + failed === totalCalls, detail: `${succeeded + failed} of ${totalCalls}` },
  { check: `finished within ${timeLimitMs / 1000} s`, ok: !timedOut, detail: `${round(wallSeconds, 1)} s` },
  { check: 'no timer left running (prompt exit)', ok: leftTimers === 0, detail: String(leftTimers) },
];
console.log(`Boundary stress: ${totalCalls} GET getAppointment calls, concurrency ${concurrency}, seed ${flags.seed}; timeoutMs 500\n`);
console.log(formatTable(['calls', 'succeeded', 'failed', 'wall s', 'calls/s'], [[totalCalls, succeeded, failed, round(wallSeconds, 1), round(totalCalls / wallSeconds, 0)]]));
console.log('\nServer actions\n');
console.log(formatTable(['action', 'requests'], Object.entries(byFault).sort((a, b) => b[1] - a[1])));
console.log('\nFailed calls by error class\n');
console.log(formatTable(['error class', 'calls'], [...failures].sort((a, b) => b[1] - a[1])));
console.log('\nChecks\n');
console.log(formatTable(['check', 'result', 'value'], checks.map((c) => [c.check, c.ok ? 'pass' : 'FAIL', c.detail])));
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
