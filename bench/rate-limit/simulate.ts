/**
 * `npm run sim:rate-limit`: the real rate controller (src/rate-limit/controller.ts,
 * paced-call.ts, local-schedule.ts, evidence.ts) against a simulated token-bucket
 * server, in virtual time, beside the same transport with pacing off. A scenario of the
 * real bench takes up to a minute of wall time and its numbers move with the machine's
 * load; here one takes well under a second and is repeatable (seeded), so the
 * controller can be tuned over many seeds, limits, bursts and stray errors. It does not
 * replace `npm run bench:rate-limit`: the real bench has real sockets, timers and Redis.
 *
 * The model: `processes` × `concurrency` loops each send one call after another. A call
 * reaches the server after a latency (base + exponential jitter) and is answered after
 * another; the server is a token bucket of `rate`/s holding `burst` (0 = no limit),
 * answering 429 with `Retry-After: 1` beyond it, and answering a share of requests with
 * a stray 503 or 429 before the bucket. Retries follow the transport's rules (the retry
 * budget, `maxAttempts`, 429s outside them when paced). Shared scenarios give every
 * process one schedule (a stand-in for the Redis store, whose Lua script mirrors
 * local-schedule.ts and serves the fleet's oldest waiting call first) reached after
 * `storeLatencyMs`.
 *
 * Options: --group <names> (matrix groups, as bench:rate-limit's), --seeds (5), --only <text>,
 * --sends (1500), --store-latency-ms (0.3); or --rate --burst [--latency-ms --jitter-ms
 * --stray-percent --stray-status --stray-retry-after-ms] for the hero rows on one server.
 */
import { parseArgs } from 'node:util';
import { createLocalSchedule, sharedSendingBurst, type RateSchedule } from '../../src/rate-limit/local-schedule.js';
import type { RateLimitStore } from '../../src/rate-limit/store.js';
import { DEFAULT_RETRY } from '../../src/transport/options.js';
import { decideRetry } from '../../src/transport/retry.js';
import type { AttemptFailure } from '../../src/transport/types.js';
import { createRetryBudget } from '../../src/transport/retry-budget.js';
import { createRateController, type RateController } from '../../src/rate-limit/controller.js';
import { startPacedCall } from '../../src/rate-limit/paced-call.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_RATE_LIMIT_MAX_WAIT_MS } from '../../src/rate-limit/options.js';
import { seededRandom } from '../soak-faults.js';
import { formatTable } from '../table.js';

/** The simulated server. */
export interface SimServer {
  /** Requests/s; 0 = no limit. */
  readonly rate: number;
  readonly burst: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** Share of requests answered with a stray error, percent. */
  readonly strayPercent: number;
  readonly strayStatus: 429 | 503;
  /** `Retry-After` of the stray errors, ms (`undefined`: none). */
  readonly strayRetryAfterMs: number | undefined;
}

/** One simulated scenario. */
export interface SimScenario {
  readonly name: string;
  readonly group: string;
  readonly server: SimServer;
  readonly processes: number;
  readonly concurrency: number;
  readonly shared: boolean;
  readonly known: boolean;
  /** False: `rateLimit: false` (the transport's retries only). */
  readonly paced: boolean;
}

/** Settings shared by every scenario of a run. */
export interface SimSettings {
  readonly sends: number;
  readonly storeLatencyMs: number;
}

/** What one simulated run measured, as the real bench does. */
export interface SimResult {
  /** Successful calls per second ÷ the limit (÷ 1,000/s with no limit). */
  readonly goodput: number;
  /** The limit's own 429s, as a share of all attempts. */
  readonly percent429: number;
  readonly failed: number;
  readonly p99Ms: number;
  readonly seconds: number;
  /** Throttle episodes: the limit's 429s that came after a success (a new episode), fleet-wide. */
  readonly episodes: number;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A virtual clock with a timer heap; `run` fires timers in order, letting promises settle between them. */
class VirtualTime {
  now = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];

  readonly setTimer = (fn: () => void, delayMs: number): Timer => {
    const timer: Timer = { at: this.now + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    return timer;
  };

  readonly clearTimer = (handle: unknown): void => {
    (handle as Timer).cancelled = true;
  };

  readonly sleep = (ms: number): Promise<void> => new Promise((resolve) => this.setTimer(resolve, ms));

  async run(done: () => boolean): Promise<void> {
    // Let the loops start and queue their first calls.
    await new Promise((resolve) => setImmediate(resolve));
    while (!done()) {
      const timer = this.pop();
      if (timer === undefined) throw new Error('simulation stalled: calls wait and no timer is set');
      if (timer.cancelled) continue;
      this.now = timer.at;
      timer.fn();
      // Every promise chain the timer started settles before the next timer fires.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Stores over one schedule shared by every simulated process, answered after a latency:
 * one per process, with the Redis store's rule that the fleet's oldest waiting call goes
 * first (a process that stops asking is dropped after the grace the Lua script gives).
 */
function sharedStores(schedule: RateSchedule, time: VirtualTime, latencyMs: number): (processId: number) => RateLimitStore {
  const waiting = new Map<number, { queuedAt: number; expectAt: number }>();
  const GRACE_MS = 50;
  return (processId) => ({
    take: async ({ waitedMs = 0, roundTripMs = 0 }) => {
      await time.sleep(latencyMs / 2);
      const at = time.now;
      let queuedAt = at - waitedMs;
      const own = waiting.get(processId);
      if (own !== undefined && at <= own.expectAt + GRACE_MS) queuedAt = Math.min(queuedAt, own.queuedAt);
      let older = false;
      for (const [id, entry] of waiting) {
        if (id === processId) continue;
        if (at > entry.expectAt + GRACE_MS) waiting.delete(id);
        else if (entry.queuedAt < queuedAt) older = true;
      }
      let waitMs: number;
      // As in the Lua script: an unlimited rate serves everyone, age or not.
      if (older && Number.isFinite(schedule.rateAt(at))) waitMs = 1000 / schedule.rateAt(at);
      else {
        const next = schedule.tryTake(at, roundTripMs);
        waitMs = next === undefined ? 0 : Math.max(0.001, next - at);
      }
      if (waitMs > 0) waiting.set(processId, { queuedAt, expectAt: at + waitMs });
      else waiting.delete(processId);
      await time.sleep(latencyMs / 2);
      return waitMs;
    },
    throttled: async ({ sentAgoMs }) => {
      await time.sleep(latencyMs / 2);
      schedule.refusedAt(time.now - sentAgoMs - latencyMs / 2, time.now);
      await time.sleep(latencyMs / 2);
    },
    close: async () => {},
  });
}

/** Runs one scenario with one seed. */
export async function simulate(s: SimScenario, settings: SimSettings, seed: number): Promise<SimResult> {
  const time = new VirtualTime();
  const random = seededRandom(seed);
  const serverRandom = seededRandom(seed + 1000);
  const now = (): number => time.now;
  const { server } = s;
  const known = s.known ? { requestsPerSecond: server.rate, burst: server.burst } : undefined;
  // The store is given the fleet's sending burst, as the controller gives the Redis store.
  const shared = s.shared ? createLocalSchedule(known ? { requestsPerSecond: known.requestsPerSecond, burst: 2 * sharedSendingBurst(known.burst) } : {}, 0) : undefined;
  const storeFor = shared && sharedStores(shared, time, settings.storeLatencyMs);
  const controllers: (RateController | undefined)[] = Array.from({ length: s.processes }, (_, p) =>
    s.paced
      ? createRateController(
          {
            requestsPerSecond: known?.requestsPerSecond,
            burst: known?.burst ?? 1,
            maxInFlight: Math.min(DEFAULT_MAX_IN_FLIGHT, s.concurrency),
            maxWaitMs: DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
            store: storeFor ? storeFor(p) : undefined,
            ownsStore: false,
          },
          {
            now,
            setTimer: time.setTimer,
            clearTimer: time.clearTimer,
            warn: (message: string) => {
              throw new Error(`simulated store failed: ${message}`);
            },
          },
        )
      : undefined,
  );

  // The server: a token bucket, full at the start.
  let tokens = server.burst;
  let refilledAt = 0;
  let attempts = 0;
  let rejected = 0;
  let episodes = 0;
  let lastWasOk = true;
  const serve = (): AttemptFailure | undefined => {
    attempts++;
    if (server.strayPercent > 0 && serverRandom() < server.strayPercent / 100) {
      return { kind: 'status', status: server.strayStatus, retryAfterMs: server.strayRetryAfterMs };
    }
    if (server.rate === 0) return undefined;
    tokens = Math.min(server.burst, tokens + ((time.now - refilledAt) * server.rate) / 1000);
    refilledAt = time.now;
    if (tokens < 1) {
      rejected++;
      if (lastWasOk) episodes++;
      lastWasOk = false;
      return { kind: 'status', status: 429, retryAfterMs: 1000 };
    }
    tokens -= 1;
    lastWasOk = true;
    return undefined;
  };
  const oneWay = (): number => server.latencyMs / 2 + -Math.log(1 - random()) * (server.jitterMs / 2);
  const request = async (): Promise<AttemptFailure | undefined> => {
    await time.sleep(oneWay());
    const failure = serve();
    await time.sleep(oneWay());
    return failure;
  };

  // One budget per process, as one per client.
  const budgets = controllers.map(() => createRetryBudget(DEFAULT_RETRY.budget === false ? { capacity: 0, retryCost: 0, timeoutRetryCost: 0, successIncrement: 0 } : DEFAULT_RETRY.budget));
  /** One POST, retried as src/transport/fetch.ts retries it. */
  const send = async (p: number): Promise<boolean> => {
    const controller = controllers[p];
    const budget = budgets[p]!;
    const paced =
      controller &&
      startPacedCall(controller, { signal: undefined, deadlineAt: Infinity, deadlineMs: Infinity, now, maxWaitMs: controller.maxWaitMs, retry: DEFAULT_RETRY, random });
    let lastRetryCost: number | undefined;
    for (let attempt = 1; ; attempt++) {
      if (paced && !(await paced.acquire())) return false;
      const failure = await request();
      paced?.settle(failure);
      if (failure === undefined) {
        budget.recordSuccess(lastRetryCost);
        return true;
      }
      const throttled = paced?.throttleDecision(failure);
      const retry = paced?.throttles ? { ...DEFAULT_RETRY, maxAttempts: DEFAULT_RETRY.maxAttempts + paced.throttles } : DEFAULT_RETRY;
      const decision = throttled ?? decideRetry({ attempt, method: 'POST', idempotent: false, failure }, retry, random);
      if (!decision.retry) return false;
      if (throttled === undefined) {
        const cost = budget.tryAcquire(decision.reason);
        if (cost === undefined) return false;
        lastRetryCost = cost;
      }
      await time.sleep(decision.delayMs);
    }
  };

  const share = Math.ceil(settings.sends / s.processes);
  let running = 0;
  let succeeded = 0;
  let failed = 0;
  let finishedAt = 0;
  const latencies: number[] = [];
  for (let p = 0; p < s.processes; p++) {
    let remaining = Math.min(share, settings.sends - p * share);
    for (let c = 0; c < s.concurrency; c++) {
      running++;
      void (async () => {
        while (remaining > 0) {
          remaining--;
          const startedAt = time.now;
          if (await send(p)) succeeded++;
          else failed++;
          latencies.push(time.now - startedAt);
          finishedAt = time.now;
        }
        running--;
      })();
    }
  }
  await time.run(() => running === 0);
  for (const controller of controllers) await controller?.close();
  latencies.sort((a, b) => a - b);
  return {
    goodput: succeeded / (finishedAt / 1000) / (server.rate || 1000),
    percent429: (100 * rejected) / Math.max(1, attempts),
    failed,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
    seconds: finishedAt / 1000,
    episodes,
  };
}

const LOCAL = { latencyMs: 1, jitterMs: 1, strayPercent: 0, strayStatus: 503, strayRetryAfterMs: undefined } as const;
const server = (rate: number, burst: number, extra: Partial<SimServer> = {}): SimServer => ({ ...LOCAL, rate, burst, ...extra });
const serverLabel = (v: SimServer): string =>
  `${v.rate}/${v.burst}${v.latencyMs > 1 ? ` ${v.latencyMs}ms` : ''}${v.strayPercent > 0 ? ` +${v.strayPercent}% ${v.strayStatus} RA${v.strayRetryAfterMs === undefined ? '-' : v.strayRetryAfterMs / 1000}` : ''}`;
const scenario = (group: string, v: SimServer, processes: number, concurrency: number, options: { shared?: boolean; known?: boolean; paced?: boolean } = {}): SimScenario => {
  const { shared = false, known = false, paced = true } = options;
  return {
    name: `${serverLabel(v)}: ${paced ? 'hero' : 'pacing off'}, ${processes} proc × ${concurrency}${shared ? ', shared' : ''}${known ? ', known limit' : ''}`,
    group,
    server: v,
    processes,
    concurrency,
    shared,
    known,
    paced,
  };
};

/** The hero rows on one server, as the real bench's `limit` group. */
function heroRows(group: string, v: SimServer): SimScenario[] {
  return [
    scenario(group, v, 1, 8),
    scenario(group, v, 1, 64),
    scenario(group, v, 1, 64, { known: true }),
    scenario(group, v, 4, 64),
    scenario(group, v, 4, 64, { shared: true }),
    scenario(group, v, 4, 64, { shared: true, known: true }),
  ];
}

const STRAY = [
  { strayPercent: 1, strayStatus: 503, strayRetryAfterMs: 0 },
  { strayPercent: 1, strayStatus: 429, strayRetryAfterMs: 0 },
  { strayPercent: 0.5, strayStatus: 503, strayRetryAfterMs: 0 },
  { strayPercent: 0.5, strayStatus: 429, strayRetryAfterMs: 0 },
  { strayPercent: 3, strayStatus: 503, strayRetryAfterMs: 0 },
  { strayPercent: 3, strayStatus: 429, strayRetryAfterMs: 0 },
  { strayPercent: 1, strayStatus: 503, strayRetryAfterMs: 1000 },
  { strayPercent: 1, strayStatus: 429, strayRetryAfterMs: 1000 },
  { strayPercent: 3, strayStatus: 503, strayRetryAfterMs: 1000 },
  { strayPercent: 3, strayStatus: 429, strayRetryAfterMs: 1000 },
] as const;

/** The real bench's matrix (its hero and pacing-off rows; AWS adaptive runs only there). */
export const SIM_SCENARIOS: readonly SimScenario[] = [
  ...heroRows('limit', server(50, 10)),
  scenario('limit', server(50, 10), 1, 64, { paced: false }),
  ...STRAY.flatMap((stray) => [scenario('stray', server(200, 40, stray), 1, 64), scenario('stray', server(200, 40, stray), 1, 64, { paced: false })]),
  ...[1, 3].flatMap((burst) => [scenario('burst', server(50, burst), 1, 64), scenario('burst', server(50, burst), 1, 64, { paced: false })]),
  scenario('latency', server(50, 10, { latencyMs: 300, jitterMs: 30 }), 1, 64),
  scenario('latency', server(50, 10, { latencyMs: 300, jitterMs: 30 }), 4, 64, { shared: true }),
  scenario('latency', server(50, 10, { latencyMs: 300, jitterMs: 30 }), 1, 64, { paced: false }),
  scenario('fast', server(200, 40), 1, 64),
  scenario('fast', server(200, 40), 1, 64, { paced: false }),
  ...[0.5, 3].flatMap((strayPercent) =>
    ([429, 503] as const).flatMap((strayStatus) => {
      const v = server(0, 0, { strayPercent, strayStatus, strayRetryAfterMs: 0 });
      return [scenario('none', v, 1, 64), scenario('none', v, 1, 64, { paced: false })];
    }),
  ),
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      group: { type: 'string' },
      sends: { type: 'string', default: '1500' },
      rate: { type: 'string' },
      burst: { type: 'string', default: '10' },
      seeds: { type: 'string', default: '5' },
      only: { type: 'string' },
      'latency-ms': { type: 'string', default: '1' },
      'jitter-ms': { type: 'string', default: '1' },
      'stray-percent': { type: 'string', default: '0' },
      'stray-status': { type: 'string', default: '503' },
      'stray-retry-after-ms': { type: 'string', default: '0' },
      'store-latency-ms': { type: 'string', default: '0.3' },
    },
  });
  const settings: SimSettings = { sends: Number(values.sends), storeLatencyMs: Number(values['store-latency-ms']) };
  const groups = values.group?.split(',').map((g) => g.trim());
  const scenarios =
    values.rate === undefined
      ? SIM_SCENARIOS.filter((x) => groups === undefined || groups.includes(x.group))
      : heroRows(
          'custom',
          server(Number(values.rate), Number(values.burst), {
            latencyMs: Number(values['latency-ms']),
            jitterMs: Number(values['jitter-ms']),
            strayPercent: Number(values['stray-percent']),
            strayStatus: Number(values['stray-status']) === 429 ? 429 : 503,
            strayRetryAfterMs: Number(values['stray-retry-after-ms']),
          }),
        );
  const seeds = Number(values.seeds);
  const rows: (string | number)[][] = [];
  for (const s of scenarios.filter((x) => values.only === undefined || x.name.includes(values.only))) {
    const results: SimResult[] = [];
    for (let seed = 1; seed <= seeds; seed++) results.push(await simulate(s, settings, seed));
    const mean = (f: (r: SimResult) => number): number => results.reduce((sum, r) => sum + f(r), 0) / results.length;
    const min = (f: (r: SimResult) => number): number => Math.min(...results.map(f));
    rows.push([
      s.name,
      Number(mean((r) => r.goodput).toFixed(3)),
      Number(min((r) => r.goodput).toFixed(3)),
      Number(mean((r) => r.percent429).toFixed(2)),
      results.reduce((sum, r) => sum + r.failed, 0),
      Number((Math.max(...results.map((r) => r.p99Ms)) / 1000).toFixed(2)),
      s.server.rate > 0 ? Number(((s.processes * s.concurrency) / s.server.rate + 1).toFixed(2)) : '-',
      Number(mean((r) => r.episodes).toFixed(1)),
    ]);
    console.log(rows.at(-1)!.join('  '));
  }
  console.log(`\n${settings.sends} sends, ${seeds} seeds; goodput = successes/s ÷ the limit (÷ 1,000/s with no limit)\n`);
  console.log(formatTable(['scenario', 'goodput', 'min', '429s %', 'failed', 'max p99 s', 'p99 bound s', 'episodes'], rows));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
