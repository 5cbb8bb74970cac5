/**
 * Closed-loop throughput measurement: `concurrency` loops each await one call at a
 * time until `requests` calls are done. Contenders alternate over rounds with the
 * order rotated, so drift in machine load hits every contender alike; per-round
 * facade/raw ratios are then compared rather than absolute numbers.
 */
import { CONTENDER_NAMES, type Contender, type ContenderName } from './contenders.js';
import { median, quantile, round } from './stats.js';

/** What one contender did in one round. */
export interface BatchResult {
  readonly requestsPerSecond: number;
  /** Wall time per request (µs): 1e6 / requestsPerSecond. */
  readonly wallMicrosPerRequest: number;
  readonly p50Micros: number;
  readonly p99Micros: number;
  /** Client process CPU (user + system) per request (µs). */
  readonly cpuMicrosPerRequest: number;
}

/** Median over rounds of each {@link BatchResult} field, per contender. */
export interface ScenarioResult {
  readonly name: string;
  readonly concurrency: number;
  readonly requestsPerRound: number;
  readonly rounds: number;
  /** Per contender that ran. */
  readonly contenders: Readonly<Partial<Record<ContenderName, BatchResult>>>;
  /** Median over rounds of (facade wall µs/request) / (raw fetch wall µs/request). */
  readonly facadeToRawWallRatio: number;
  /** Same, for CPU µs/request. */
  readonly facadeToRawCpuRatio: number;
  /** Median over rounds of (facade wall µs/request) / (openapi-fetch wall µs/request). */
  readonly facadeToOpenapiFetchWallRatio: number;
  /** Every round's ratio, to show the spread. */
  readonly perRoundWallRatios: readonly number[];
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Runs `requests` calls of `call` with `concurrency` loops; returns timing and CPU. */
export async function runBatch(call: Contender['call'], requests: number, concurrency: number): Promise<BatchResult> {
  // Collect the previous batch's garbage now, so it is not charged to this one.
  gc?.();
  const latencies = new Float64Array(requests);
  let next = 0;
  const loop = async () => {
    while (next < requests) {
      const index = next++;
      const startedAt = performance.now();
      await call();
      latencies[index] = (performance.now() - startedAt) * 1000;
    }
  };
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const values = Array.from(latencies);
  return {
    requestsPerSecond: requests / (wallMs / 1000),
    wallMicrosPerRequest: (wallMs * 1000) / requests,
    p50Micros: quantile(values, 0.5),
    p99Micros: quantile(values, 0.99),
    cpuMicrosPerRequest: (cpu.user + cpu.system) / requests,
  };
}

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  readonly name: string;
  readonly contenders: readonly Contender[];
  readonly concurrency: number;
  readonly requestsPerRound: number;
  readonly rounds: number;
  /** Calls per contender before the first round (JIT, connection pool). */
  readonly warmupRequests: number;
  /** Called after each round, for progress output. */
  readonly onRound?: (round: number, results: Readonly<Partial<Record<ContenderName, BatchResult>>>) => void;
}

/** Warms up, runs the rounds with the contender order rotated each round, and summarises. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { contenders, concurrency, requestsPerRound, rounds } = options;
  for (const contender of contenders) await runBatch(contender.call, options.warmupRequests, concurrency);

  const perRound: Partial<Record<ContenderName, BatchResult>>[] = [];
  for (let round = 0; round < rounds; round++) {
    const results: Partial<Record<ContenderName, BatchResult>> = {};
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length]!;
      results[contender.name] = await runBatch(contender.call, requestsPerRound, concurrency);
    }
    perRound.push(results);
    options.onRound?.(round, results);
  }

  const field = (name: ContenderName, key: keyof BatchResult) => perRound.map((r) => r[name]![key]);
  const summary: Partial<Record<ContenderName, BatchResult>> = {};
  for (const name of CONTENDER_NAMES) {
    if (perRound[0]?.[name] === undefined) continue;
    summary[name] = {
      requestsPerSecond: round(median(field(name, 'requestsPerSecond')), 0),
      wallMicrosPerRequest: round(median(field(name, 'wallMicrosPerRequest'))),
      p50Micros: round(median(field(name, 'p50Micros'))),
      p99Micros: round(median(field(name, 'p99Micros'))),
      cpuMicrosPerRequest: round(median(field(name, 'cpuMicrosPerRequest'))),
    };
  }
  const ratiosOf = (key: keyof BatchResult, of: ContenderName, base: ContenderName) => perRound.map((r) => r[of]![key] / r[base]![key]);
  const ratios = (key: keyof BatchResult, base: ContenderName) => ratiosOf(key, 'facade', base);
  const wallRatios = ratios('wallMicrosPerRequest', 'raw fetch');
  return {
    name: options.name,
    concurrency,
    requestsPerRound,
    rounds,
    contenders: summary,
    facadeToRawWallRatio: round(median(wallRatios), 3),
    facadeToRawCpuRatio: round(median(ratios('cpuMicrosPerRequest', 'raw fetch')), 3),
    facadeToOpenapiFetchWallRatio: round(median(ratios('wallMicrosPerRequest', 'openapi-fetch')), 3),
    perRoundWallRatios: wallRatios.map((r) => round(r, 3)),
  };
}
