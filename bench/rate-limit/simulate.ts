/**
 * `npm run sim:rate-limit`: the real rate controller (src/transport/rate-controller.ts and
 * src/rate-limit/local-schedule.ts) against a simulated token-bucket server, in virtual
 * time. A scenario of the real bench takes 30 s of wall time and its numbers move with the
 * machine's load; here one takes well under a second and is repeatable (seeded), so the
 * learned rate can be tuned over many seeds, limits and bursts. It does not replace
 * `npm run bench:rate-limit`: the real bench has real sockets, timers and Redis.
 *
 * The model: `processes` × `concurrency` loops each send one call after another. A call
 * reaches the server after a latency (base + exponential jitter) and is answered after
 * another; the server is a token bucket of `rate`/s holding `burst`, answering 429 with
 * `Retry-After: 1` beyond it. Shared scenarios give every process one schedule (a
 * stand-in for the Redis store, whose Lua script mirrors local-schedule.ts and serves the
 * fleet's oldest waiting call first) reached after `storeLatencyMs`.
 *
 * Options: --sends (1500), --rate (50), --burst (10), --seeds (5), --only <text>,
 * --latency-ms (1), --jitter-ms (1), --store-latency-ms (0.3).
 */
import { parseArgs } from 'node:util';
import { createLocalSchedule, sendingBurst, sharedSendingBurst, type RateSchedule } from '../../src/rate-limit/local-schedule.js';
import type { RateLimitStore } from '../../src/rate-limit/store.js';
import { DEFAULT_RETRY } from '../../src/transport/options.js';
import { createRateController, startPacedCall, type RateController } from '../../src/transport/rate-controller.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_RATE_LIMIT_MAX_WAIT_MS } from '../../src/rate-limit/options.js';
import { seededRandom } from '../soak-faults.js';
import { formatTable } from '../table.js';

/** One simulated scenario. */
export interface SimScenario {
  readonly name: string;
  readonly processes: number;
  readonly concurrency: number;
  readonly shared: boolean;
  readonly known: boolean;
}

/** Settings shared by every scenario of a run. */
export interface SimSettings {
  readonly sends: number;
  readonly rate: number;
  readonly burst: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly storeLatencyMs: number;
  readonly retryAfterMs: number;
}

/** What one simulated run measured, as the real bench does. */
export interface SimResult {
  readonly goodput: number;
  readonly percent429: number;
  readonly failed: number;
  readonly p99Ms: number;
  readonly seconds: number;
  /** Throttle episodes: 429s that came after a success (a new episode), fleet-wide. */
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
    take: async ({ waitedMs = 0 }) => {
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
      if (older && Number.isFinite(schedule.rateAt(at))) waitMs = schedule.holdUntil > at ? schedule.holdUntil - at : 1000 / schedule.rateAt(at);
      else {
        const next = schedule.tryTake(at);
        waitMs = next === undefined ? 0 : Math.max(0.001, next - at);
      }
      if (waitMs > 0) waiting.set(processId, { queuedAt, expectAt: at + waitMs });
      else waiting.delete(processId);
      await time.sleep(latencyMs / 2);
      return waitMs;
    },
    throttled: async ({ holdMs, sentAgoMs }) => {
      await time.sleep(latencyMs / 2);
      schedule.throttled(time.now - sentAgoMs - latencyMs / 2, holdMs, time.now);
      await time.sleep(latencyMs / 2);
    },
    close: async () => {},
  });
}

/** Runs one scenario with one seed. */
export async function simulate(s: SimScenario, settings: SimSettings, seed: number): Promise<SimResult> {
  const time = new VirtualTime();
  const random = seededRandom(seed);
  const now = (): number => time.now;
  const known = s.known ? { requestsPerSecond: settings.rate, burst: settings.burst } : undefined;
  // The store is given the fleet's sending burst, as the controller gives the Redis store.
  const shared = s.shared ? createLocalSchedule(known ? { requestsPerSecond: known.requestsPerSecond, burst: 2 * sharedSendingBurst(known.burst) } : {}, 0) : undefined;
  const storeFor = shared && sharedStores(shared, time, settings.storeLatencyMs);
  const controllers: RateController[] = Array.from({ length: s.processes }, (_, p) =>
    createRateController(
      {
        requestsPerSecond: known?.requestsPerSecond,
        burst: known?.burst ?? 1,
        maxInFlight: Math.min(DEFAULT_MAX_IN_FLIGHT, s.concurrency),
        maxWaitMs: DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
        store: storeFor ? storeFor(p) : undefined,
        ownsStore: false,
      },
      { now, setTimer: time.setTimer, clearTimer: time.clearTimer, warn: (message) => { throw new Error(`simulated store failed: ${message}`); } },
    ),
  );

  // The server: a token bucket, full at the start.
  let tokens = settings.burst;
  let refilledAt = 0;
  let attempts = 0;
  let rejected = 0;
  let episodes = 0;
  let lastWasOk = true;
  const serve = (): number => {
    tokens = Math.min(settings.burst, tokens + ((time.now - refilledAt) * settings.rate) / 1000);
    refilledAt = time.now;
    attempts++;
    if (tokens < 1) {
      rejected++;
      if (lastWasOk) episodes++;
      lastWasOk = false;
      return 429;
    }
    tokens -= 1;
    lastWasOk = true;
    return 200;
  };
  const oneWay = (): number => settings.latencyMs / 2 + -Math.log(1 - random()) * (settings.jitterMs / 2);
  const request = async (): Promise<number> => {
    await time.sleep(oneWay());
    const status = serve();
    await time.sleep(oneWay());
    return status;
  };

  const failure = { kind: 'status', status: 429, retryAfterMs: settings.retryAfterMs } as const;
  const send = async (controller: RateController): Promise<boolean> => {
    const paced = startPacedCall(controller, {
      signal: undefined,
      deadlineAt: Infinity,
      deadlineMs: Infinity,
      now,
      maxWaitMs: controller.maxWaitMs,
      retry: DEFAULT_RETRY,
      random,
    });
    for (;;) {
      if (!(await paced.acquire())) return false;
      const status = await request();
      paced.settle(status === 429 ? failure : undefined);
      if (status !== 429) return true;
      const decision = paced.throttleDecision(failure);
      if (decision === undefined || !decision.retry) return false;
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
    const controller = controllers[p]!;
    for (let c = 0; c < s.concurrency; c++) {
      running++;
      void (async () => {
        while (remaining > 0) {
          remaining--;
          const startedAt = time.now;
          if (await send(controller)) succeeded++;
          else failed++;
          latencies.push(time.now - startedAt);
          finishedAt = time.now;
        }
        running--;
      })();
    }
  }
  await time.run(() => running === 0);
  for (const controller of controllers) await controller.close();
  latencies.sort((a, b) => a - b);
  return {
    goodput: succeeded / (finishedAt / 1000) / settings.rate,
    percent429: (100 * rejected) / Math.max(1, attempts),
    failed,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
    seconds: finishedAt / 1000,
    episodes,
  };
}

const scenario = (processes: number, concurrency: number, shared = false, known = false): SimScenario => ({
  name: `${processes} proc × ${concurrency}${shared ? ', shared' : ''}${known ? ', known limit' : ''}`,
  processes,
  concurrency,
  shared,
  known,
});

/** The hero scenarios of the real bench. */
export const SIM_SCENARIOS: readonly SimScenario[] = [
  scenario(1, 8),
  scenario(1, 64),
  scenario(1, 64, false, true),
  scenario(4, 64),
  scenario(4, 64, true),
  scenario(4, 64, true, true),
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sends: { type: 'string', default: '1500' },
      rate: { type: 'string', default: '50' },
      burst: { type: 'string', default: '10' },
      seeds: { type: 'string', default: '5' },
      only: { type: 'string' },
      'latency-ms': { type: 'string', default: '1' },
      'jitter-ms': { type: 'string', default: '1' },
      'store-latency-ms': { type: 'string', default: '0.3' },
      'retry-after-ms': { type: 'string', default: '1000' },
    },
  });
  const settings: SimSettings = {
    sends: Number(values.sends),
    rate: Number(values.rate),
    burst: Number(values.burst),
    latencyMs: Number(values['latency-ms']),
    jitterMs: Number(values['jitter-ms']),
    storeLatencyMs: Number(values['store-latency-ms']),
    retryAfterMs: Number(values['retry-after-ms']),
  };
  const seeds = Number(values.seeds);
  const rows: (string | number)[][] = [];
  for (const s of SIM_SCENARIOS.filter((x) => values.only === undefined || x.name.includes(values.only))) {
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
      Number(((s.processes * s.concurrency) / settings.rate + 1).toFixed(2)),
      Number(mean((r) => r.episodes).toFixed(1)),
    ]);
  }
  console.log(`${settings.sends} sends at ${settings.rate}/s burst ${settings.burst}, ${seeds} seeds (sendingBurst ${sendingBurst(settings.burst)})\n`);
  console.log(formatTable(['scenario', 'goodput', 'min', '429s %', 'failed', 'max p99 s', 'p99 bound s', 'episodes'], rows));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
