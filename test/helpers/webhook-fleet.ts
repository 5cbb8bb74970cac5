/**
 * The fleet run of issue 27: receiver processes sharing one redis-server, distinct deliveries
 * each posted several times at once to random receivers, one receiver SIGKILLed mid-run, and
 * "Hero" retrying whatever got no 2xx. Returns what happened; fleet.test.ts asserts on it.
 * Every loop is bounded in count and time; every child is stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startRedisServer } from './redis-server.js';
import { confirmedBody, signDelivery, type SignedDelivery } from './webhook-deliveries.js';

export interface FleetOptions {
  readonly receivers: number;
  readonly deliveries: number;
  /** Copies of each delivery posted at once. */
  readonly copies: number;
  /** Deliveries in flight at once. */
  readonly concurrency: number;
  /** The receiver killed once half the deliveries have started. */
  readonly killIndex: number;
  readonly leaseMs: number;
  readonly inProgressWaitMs: number;
  /** Hero's retries of a post that got no 2xx (network error or status). */
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
}

export interface FleetResult {
  /** How often each delivery's side effect ran, by appointment id. */
  readonly effects: ReadonlyMap<string, number>;
  /** Status of every answer received, by status. */
  readonly statuses: ReadonlyMap<number, number>;
  /** `status` words of 2xx answers (`handled`, `duplicate`), counted. */
  readonly words: ReadonlyMap<string, number>;
  /** Posts that got no answer (the killed receiver, connection refused or reset). */
  readonly networkErrors: number;
  /** Retries sent. */
  readonly retries: number;
  /** Deliveries that never got a 2xx within maxAttempts. */
  readonly unacknowledged: number;
  /** Handlers hanging in the killed receiver when it was killed (orphaned leases). */
  readonly orphanedLeases: number;
  readonly durationMs: number;
}

const signingKey = 'fleet-signing-key';
const receiverScript = fileURLToPath(new URL('./webhook-fleet-receiver.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Receiver {
  readonly child: ChildProcess;
  readonly url: string;
}

function startReceiver(redisUrl: string, options: FleetOptions): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', receiverScript], {
    env: { ...process.env, REDIS_URL: redisUrl, SIGNING_KEY: signingKey, LEASE_MS: String(options.leaseMs), WAIT_MS: String(options.inProgressWaitMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a fleet receiver did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`a fleet receiver exited with ${String(code)} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^READY (\d+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGKILL');
  return exited;
}

export async function runWebhookFleet(options: FleetOptions): Promise<FleetResult> {
  const startedAt = performance.now();
  const redis = await startRedisServer();
  const receivers: Receiver[] = [];
  const inspect = new Redis(redis.url);
  try {
    receivers.push(...(await Promise.all(Array.from({ length: options.receivers }, () => startReceiver(redis.url, options)))));
    const statuses = new Map<number, number>();
    const words = new Map<string, number>();
    const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
    let networkErrors = 0;
    let retries = 0;
    let unacknowledged = 0;
    let orphanedLeases = 0;
    let killing: Promise<void> | undefined;

    const pick = () => receivers[Math.floor(Math.random() * receivers.length)]!;
    /** One post and Hero's retries of it, until a 2xx or maxAttempts. */
    const post = async (delivery: SignedDelivery): Promise<boolean> => {
      for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        if (attempt > 1) {
          retries += 1;
          await sleep(options.retryDelayMs * attempt);
        }
        try {
          const response = await fetch(`${pick().url}/hooks`, { method: 'POST', headers: delivery.headers, body: new Uint8Array(delivery.body), signal: AbortSignal.timeout(20_000) });
          count(statuses, response.status);
          const body = (await response.json()) as { status?: string };
          if (response.ok) {
            count(words, body.status ?? '?');
            return true;
          }
        } catch {
          networkErrors += 1;
        }
      }
      return false;
    };

    let next = 0;
    const worker = async () => {
      while (next < options.deliveries) {
        const index = next++;
        if (index === Math.floor(options.deliveries / 2)) killing ??= killMidRun();
        const delivery = signDelivery(confirmedBody(`fleet-${index}`), signingKey);
        const acknowledged = await Promise.all(Array.from({ length: options.copies }, () => post(delivery)));
        if (!acknowledged.some(Boolean)) unacknowledged += 1;
      }
    };
    const killMidRun = async () => {
      const victim = receivers[options.killIndex]!;
      const freeze = await fetch(`${victim.url}/control/freeze`, { method: 'POST' });
      orphanedLeases = ((await freeze.json()) as { hanging: number }).hanging;
      await stop(victim.child);
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    await killing;

    const effects = new Map(Object.entries(await inspect.hgetall('effects')).map(([id, n]) => [id, Number(n)]));
    return { effects, statuses, words, networkErrors, retries, unacknowledged, orphanedLeases, durationMs: performance.now() - startedAt };
  } finally {
    inspect.disconnect();
    await Promise.all(receivers.map((r) => stop(r.child)));
    await redis.stop();
  }
}
