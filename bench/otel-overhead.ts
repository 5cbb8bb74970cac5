/**
 * The OpenTelemetry overhead of issue 26: the facade with default options (`@opentelemetry/api`
 * installed, no SDK registered) against `telemetry: false`, and with an in-memory SDK.
 *
 * The effect sought (a microsecond or two per call) is about 1% of a loopback call, while one
 * round of a few thousand calls drifts by 10–20% on a shared machine. So: each contender is
 * compared with `telemetry: false` alone, their calls interleaved one by one (A B B A …) in many
 * rounds (at concurrency 64, short blocks in A B B A order); the figure is the median of the
 * per-round ratios with a distribution-free 95% interval (stats.ts). Wall time, the client
 * process's CPU time and its main thread's CPU time are recorded (see {@link METRICS}); the server
 * runs in another process, so CPU counts only client work, and is not stretched by waiting for a
 * CPU another job holds. Main-thread CPU resolves best: the client's own work, without V8's
 * background threads, whose time on a loaded machine varies by tens of µs per call.
 *
 * Two settings: over loopback HTTP (what the issue asks), and in process with the global `fetch`
 * answering a canned Response, so the ratio is the overhead over the client's own cost alone
 * (a stricter bound; the contenders keep their default options all the same).
 */
import { APPOINTMENT_JSON, SEND_MESSAGE_RESPONSE_JSON } from '../test/helpers/fixtures.js';
import type { Call, Contender, ContenderName, RequestKind } from './contenders.js';
import { median, medianInterval, round, winsorizedMeans, type MedianInterval } from './stats.js';
import { threadCpuClock } from './thread-cpu.js';
import { runBatch } from './throughput.js';

/** The three contenders, by role. */
export interface TelemetryContenders {
  /** Default options: API installed, no SDK. */
  readonly noSdk: Call;
  /** `telemetry: false`. */
  readonly off: Call;
  /** An in-memory SDK. */
  readonly sdk: Call;
  /** A second `telemetry: false` client: compared with `off` like the others, it shows the method's own bias and spread (A/A). */
  readonly control?: Call;
}

const ROLES = ['noSdk', 'off', 'sdk'] as const;
type Role = (typeof ROLES)[number];
const ROLE_OF: Readonly<Record<Role, ContenderName>> = { noSdk: 'facade', off: 'facade, telemetry: false', sdk: 'facade + OTel in-memory SDK' };

/** Picks the three telemetry contenders out of createTelemetryContenders()'s list. */
export function byRole(contenders: readonly Contender[]): TelemetryContenders {
  const find = (role: Role) => {
    const found = contenders.find((c) => c.name === ROLE_OF[role]);
    if (found === undefined) throw new Error(`no '${ROLE_OF[role]}' contender`);
    return found.call;
  };
  return { noSdk: find('noSdk'), off: find('off'), sdk: find('sdk') };
}

/** Options of {@link measureOverhead}. */
export interface OverheadOptions {
  readonly name: string;
  /** `loopback HTTP` or `in process (canned Response)`. */
  readonly setting: string;
  readonly contenders: TelemetryContenders;
  readonly concurrency: number;
  /** Calls per contender per round. */
  readonly callsPerRound: number;
  readonly rounds: number;
  readonly warmupCalls: number;
  /**
   * Called after each comparison, untimed: the SDK contender's spans are dropped here, so they do
   * not pile up into major GCs that land on random calls of the next comparison.
   */
  readonly afterPair?: () => void;
  readonly onRound?: () => void;
}

/** One ratio series: median, 95% interval, and the spread of all rounds. */
export interface RatioSummary extends MedianInterval {
  readonly min: number;
  readonly max: number;
}

/**
 * What is compared, µs per call. At concurrency 1 (calls interleaved) every figure but
 * `threadMean` is a mean winsorised at the round's pooled 99th percentile (stats.ts
 * winsorizedMeans); at 64 (blocks) all are plain means, and the main thread is not measured.
 * `thread`: the client's main thread's CPU time (Linux; see thread-cpu.ts; NaN elsewhere), the
 * client's own work, not stretched by waiting for a CPU another job holds; `threadMean`: the
 * same, untrimmed; `wall`: elapsed time; `cpu`: the client process, all threads (V8's compiler
 * and GC helpers too).
 */
export const METRICS = ['thread', 'threadMean', 'wall', 'cpu'] as const;
export type Metric = (typeof METRICS)[number];

/** Calls above this pooled quantile of a round count at that value (see {@link METRICS}). */
export const WINSORIZE_AT = 0.99;

/** Per metric, per-round ratios (or differences) summarised. */
export type ByMetric<T> = Readonly<Record<Metric, T>>;

/** The result of one scenario in one setting. */
export interface OverheadResult {
  readonly name: string;
  readonly setting: string;
  /** `interleaved calls` (concurrency 1) or `mirrored blocks` (where `thread` is not measured: calls overlap). */
  readonly method: string;
  readonly concurrency: number;
  readonly rounds: number;
  /** Calls each client makes per comparison per round. */
  readonly callsPerRound: number;
  /** Median over rounds, µs per call, per contender (`off`: as measured beside `noSdk`). */
  readonly micros: ByMetric<Readonly<Record<Role, number>>>;
  /** Per-round ratio (API, no SDK) / (`telemetry: false`). */
  readonly noSdk: ByMetric<RatioSummary>;
  /** Per-round ratio (in-memory SDK) / (`telemetry: false`). */
  readonly sdk: ByMetric<RatioSummary>;
  /** Per-round ratio (a second `telemetry: false` client) / (`telemetry: false`): should be 1 within its interval. */
  readonly control?: ByMetric<RatioSummary>;
  /** Per-round difference (API, no SDK) − (`telemetry: false`), µs per call: the absolute cost. */
  readonly noSdkExtraMicros: ByMetric<RatioSummary>;
  /** Every round's (API, no SDK) / (`telemetry: false`) ratio by main-thread CPU (process CPU in block mode), to show the spread. */
  readonly perRoundNoSdk: readonly number[];
}

/** A comparison: a contender and the `telemetry: false` client it is measured against. */
type Pair = readonly ['noSdk' | 'sdk' | 'control', 'off'];
const PAIRS: readonly Pair[] = [
  ['noSdk', 'off'],
  ['sdk', 'off'],
  ['control', 'off'],
];

/** Per round and pair, per metric: µs per call of [the contender, `telemetry: false` beside it]. */
type PairTotals = Record<Metric, [number, number]>;

/** The slot order of round `round`: A B B A, or B A A B in odd rounds (0 = the contender, 1 = `off`). */
export function pairOrder(round: number): readonly (0 | 1)[] {
  return round % 2 === 0 ? [0, 1, 1, 0] : [1, 0, 0, 1];
}

const gc = (globalThis as { gc?: () => void }).gc;
const threadCpu = threadCpuClock() ?? (() => Number.NaN);

/**
 * At concurrency 1: one call at a time in the slot order repeated (A B B A A B B A …), each
 * call's times charged to its client. Load that changes over milliseconds (another job on the
 * sibling hyper-thread) hits both alike, and whatever a call leaves behind (garbage, background
 * work) lands on each client equally often. Only two clients per sequence: with a third, heavier
 * one (the SDK) the client after it would be charged for its leftovers. The clocks cost about
 * 1.5 µs per call, the same for both (it makes ratios a hair closer to 1).
 */
async function interleavedPair(calls: readonly [Call, Call], order: readonly (0 | 1)[], callsEach: number): Promise<PairTotals> {
  const samples = (): [Float64Array, Float64Array] => [new Float64Array(callsEach), new Float64Array(callsEach)];
  const wall = samples();
  const cpu = samples();
  const thread = samples();
  const count = [0, 0];
  gc?.();
  let cpuBefore = process.cpuUsage();
  let threadBefore = threadCpu();
  for (let i = 0; i < 2 * callsEach; i++) {
    const who = order[i % order.length]!;
    const startedAt = performance.now();
    await calls[who]();
    const elapsed = performance.now() - startedAt;
    const cpuNow = process.cpuUsage();
    const threadNow = threadCpu();
    const k = count[who]!++;
    wall[who][k] = elapsed * 1000;
    cpu[who][k] = cpuNow.user - cpuBefore.user + (cpuNow.system - cpuBefore.system);
    thread[who][k] = threadNow - threadBefore;
    cpuBefore = cpuNow;
    threadBefore = threadNow;
  }
  const mean = (values: Float64Array) => values.reduce((sum, x) => sum + x, 0) / values.length;
  return {
    thread: winsorizedMeans(thread[0], thread[1], WINSORIZE_AT),
    threadMean: [mean(thread[0]), mean(thread[1])],
    wall: winsorizedMeans(wall[0], wall[1], WINSORIZE_AT),
    cpu: winsorizedMeans(cpu[0], cpu[1], WINSORIZE_AT),
  };
}

/** At concurrency above 1 calls overlap, so each client runs a block per slot (runBatch: a GC first, then timed). */
async function blockPair(calls: readonly [Call, Call], order: readonly (0 | 1)[], callsEach: number, concurrency: number): Promise<PairTotals> {
  const totals: PairTotals = { thread: [Number.NaN, Number.NaN], threadMean: [Number.NaN, Number.NaN], wall: [0, 0], cpu: [0, 0] };
  for (const who of order) {
    const batch = await runBatch(calls[who], Math.ceil(callsEach / 2), concurrency);
    totals.wall[who] += batch.wallMicrosPerRequest / 2;
    totals.cpu[who] += batch.cpuMicrosPerRequest / 2;
  }
  return totals;
}

/** The metric the target is judged on: main-thread CPU where measured (interleaved, Linux), else process CPU. */
export function headlineMetric(result: Pick<OverheadResult, 'noSdk'>): Metric {
  return Number.isNaN(result.noSdk.thread.median) ? 'cpu' : 'thread';
}

/** Runs the rounds (each: no SDK beside `off`, then the SDK beside `off`, then the control if any) and summarises. */
export async function measureOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const { contenders, concurrency, callsPerRound, rounds } = options;
  for (const role of ROLES) await runBatch(contenders[role], options.warmupCalls, concurrency);

  const perRound: PairTotals[][] = [];
  for (let r = 0; r < rounds; r++) {
    const order = pairOrder(r);
    const results: PairTotals[] = [];
    for (const [role, base] of PAIRS) {
      const contender = contenders[role];
      if (contender === undefined) continue;
      const calls = [contender, contenders[base]] as const;
      results.push(concurrency === 1 ? await interleavedPair(calls, order, callsPerRound) : await blockPair(calls, order, callsPerRound, concurrency));
      options.afterPair?.();
    }
    perRound.push(results);
    options.onRound?.();
  }

  const of = (pair: number) => perRound.map((r) => r[pair]!);
  const byMetric = <T>(f: (metric: Metric) => T): ByMetric<T> => ({ thread: f('thread'), threadMean: f('threadMean'), wall: f('wall'), cpu: f('cpu') });
  const ratios = (pair: number, metric: Metric) => of(pair).map((t) => t[metric][0] / t[metric][1]);
  const medianOf = (pair: number, metric: Metric, who: 0 | 1) => round(median(of(pair).map((t) => t[metric][who])));
  return {
    name: options.name,
    setting: options.setting,
    method: concurrency === 1 ? 'interleaved calls' : 'mirrored blocks',
    concurrency,
    rounds,
    callsPerRound,
    micros: byMetric((m) => ({ noSdk: medianOf(0, m, 0), off: medianOf(0, m, 1), sdk: medianOf(1, m, 0) })),
    noSdk: byMetric((m) => summarize(ratios(0, m))),
    sdk: byMetric((m) => summarize(ratios(1, m))),
    ...(contenders.control !== undefined && { control: byMetric((m) => summarize(ratios(2, m))) }),
    noSdkExtraMicros: byMetric((m) => summarize(of(0).map((t) => t[m][0] - t[m][1]), 2)),
    perRoundNoSdk: ratios(0, concurrency === 1 ? 'thread' : 'cpu').map((x) => round(x, 3)),
  };
}

function summarize(values: readonly number[], digits = 3): RatioSummary {
  const interval = medianInterval(values);
  return {
    ...interval,
    median: round(interval.median, digits),
    low: round(interval.low, digits),
    high: round(interval.high, digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
  };
}

/**
 * Replaces the global `fetch` with one answering `kind`'s canned body at once, for the in-process
 * setting; returns the function that puts the real one back. The facade's default transport calls
 * `globalThis.fetch(url, init)` at call time, so its options stay the defaults.
 */
export function stubGlobalFetch(kind: RequestKind): () => void {
  const real = globalThis.fetch;
  const body = kind === 'GET' ? APPOINTMENT_JSON : SEND_MESSAGE_RESPONSE_JSON;
  const init = { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } };
  globalThis.fetch = () => Promise.resolve(new Response(body, init));
  return () => {
    globalThis.fetch = real;
  };
}

/** `1.012 [0.998, 1.025]`: a median and its 95% interval; `–` when not measured. */
export function formatInterval(summary: MedianInterval, digits = 3): string {
  const f = (x: number) => x.toFixed(digits);
  if (Number.isNaN(summary.median)) return '–';
  return Number.isNaN(summary.low) ? `${f(summary.median)} [too few rounds]` : `${f(summary.median)} [${f(summary.low)}, ${f(summary.high)}]`;
}
