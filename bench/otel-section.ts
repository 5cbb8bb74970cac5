/**
 * The OpenTelemetry section of `npm run bench` (and all of `npm run bench:otel`): each request
 * kind over loopback HTTP at concurrency 1 (and 64 on request), then in process against a
 * canned Response, and the tables. See otel-overhead.ts for the method.
 */
import type { BenchTelemetry, CreateHeroClient, RequestKind } from './contenders.js';
import { createTelemetryContenders } from './contenders.js';
import { byRole, formatInterval, headlineMetric, measureOverhead, stubGlobalFetch, type OverheadResult } from './otel-overhead.js';
import { formatTable } from './table.js';

/** Options of {@link runOtelSection}. */
export interface OtelSectionOptions {
  readonly createHeroClient: CreateHeroClient;
  /** The bench server (a child process). */
  readonly serverUrl: string;
  readonly sdk: BenchTelemetry;
  readonly rounds: number;
  /** Also over loopback at concurrency 64. */
  readonly c64: boolean;
  /** Also compare a second `telemetry: false` client with the first (A/A): the method's own bias. About +50% time. */
  readonly control: boolean;
}

/** Calls per client per comparison per round, by setting: a round takes about 0.5–1.5 s on this machine. */
const CALLS_PER_ROUND = { loopbackC1: 300, loopbackC64: 1000, inProcess: 1000 } as const;
/** The in-process setting lies on a fixed port nobody listens on: the stubbed fetch never connects. */
const UNUSED_BASE_URL = 'http://127.0.0.1:9';

/** Runs every scenario, prints progress, and returns the results (printOtelTables prints them). */
export async function runOtelSection(options: OtelSectionOptions): Promise<OverheadResult[]> {
  const results: OverheadResult[] = [];
  const run = async (name: string, setting: string, kind: RequestKind, baseUrl: string, concurrency: number, callsPerRound: number, rounds: number) => {
    const startedAt = performance.now();
    process.stdout.write(`${name}, ${setting}: `);
    const build = async () => byRole(await createTelemetryContenders(baseUrl, kind, options.createHeroClient, options.sdk));
    const contenders = { ...(await build()), ...(options.control && { control: (await build()).off }) };
    const result = await measureOverhead({ name, setting, contenders, concurrency, callsPerRound, rounds, warmupCalls: 2 * callsPerRound, afterPair: options.sdk.clear, onRound: () => process.stdout.write('.') });
    const seconds = Math.round((performance.now() - startedAt) / 1000);
    process.stdout.write(` no SDK / off ${headlineMetric(result)} ${formatInterval(result.noSdk[headlineMetric(result)])} (${seconds} s)\n`);
    results.push(result);
  };
  const { rounds } = options;
  for (const kind of ['GET', 'POST'] as const) {
    const label = kind === 'GET' ? 'GET 1 KB' : 'POST JSON';
    await run(`${label} c1`, 'loopback HTTP', kind, options.serverUrl, 1, CALLS_PER_ROUND.loopbackC1, rounds);
    // Blocks of overlapping calls resolve less per second of bench; half the rounds keep the time in bounds.
    if (options.c64) await run(`${label} c64`, 'loopback HTTP', kind, options.serverUrl, 64, CALLS_PER_ROUND.loopbackC64, Math.max(6, rounds >> 1));
    const restore = stubGlobalFetch(kind);
    try {
      await run(`${label} c1`, 'in process', kind, UNUSED_BASE_URL, 1, CALLS_PER_ROUND.inProcess, rounds);
    } finally {
      restore();
    }
  }
  return results;
}

/** The tables: µs per call, then the ratios to `telemetry: false` with their 95% intervals. */
export function printOtelTables(results: readonly OverheadResult[], target: number): void {
  const first = results[0];
  if (first === undefined) return;
  console.log(
    `\nOpenTelemetry overhead (issue 26): ${first.rounds} rounds per scenario (half at c64). Each round compares "no SDK" (default options,` +
      '\n@opentelemetry/api installed, no SDK registered) with `telemetry: false`, then the in-memory SDK with `telemetry: false`,' +
      '\ntheir calls interleaved one by one (A B B A …; at c64, blocks in A B B A order). Figures: medians of per-round' +
      '\nratios, [95% order-statistic interval]. "main thread" = CPU time of the client\'s main thread (Linux); "process CPU" =' +
      '\nall its threads (V8 background compiler and GC included). At c1 each call is timed and capped at the round\'s 99th' +
      '\npercentile ("untrimmed": not capped). "in process" = global fetch answers a canned Response' +
      '\n(no network): the ratio there is overhead ÷ the client\'s own cost, a stricter bound than loopback.\n',
  );
  console.log(
    formatTable(
      ['scenario', 'setting', 'calls/round', 'off main-thread µs', 'no SDK − off main-thread µs', 'SDK main-thread µs', 'off process CPU µs', 'off wall µs'],
      results.map((r) => [r.name, r.setting, r.callsPerRound, r.micros.thread.off, formatInterval(r.noSdkExtraMicros.thread, 2), r.micros.thread.sdk, r.micros.cpu.off, r.micros.wall.off]),
    ),
  );
  console.log('');
  console.log(
    formatTable(
      [
        'scenario',
        'setting',
        'no SDK / off: main thread',
        'untrimmed',
        'wall',
        'process CPU',
        `upper 95% <= ${target}`,
        'in-memory SDK / off: main thread',
        'process CPU',
        'wall',
        ...(first.control === undefined ? [] : ['A/A control: main thread', 'wall']),
      ],
      results.map((r) => [
        r.name,
        r.setting,
        formatInterval(r.noSdk.thread),
        formatInterval(r.noSdk.threadMean),
        formatInterval(r.noSdk.wall),
        formatInterval(r.noSdk.cpu),
        r.noSdk[headlineMetric(r)].high <= target ? 'yes' : 'no',
        formatInterval(r.sdk.thread),
        formatInterval(r.sdk.cpu),
        formatInterval(r.sdk.wall),
        ...(r.control === undefined ? [] : [formatInterval(r.control.thread), formatInterval(r.control.wall)]),
      ]),
    ),
  );
}
