/**
 * `npm run bench:webhooks`: what createWebhookHandler costs per delivery, in process (no
 * HTTP), against the hand-written receiver it replaces (read the body, verifyWebhook) and
 * with each store: memory, a real redis-server, a Redis that is down (fail closed), and
 * replays answered from Redis. Contenders alternate within each round, order rotated, so
 * machine load hits them alike; medians of the rounds are printed with ratios to the
 * hand-written one.
 *
 * Options: --rounds N (7), --deliveries N (2000 per contender per round), --concurrency N (1 and 32).
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { createWebhookHandler, verifyWebhook, type WebhookHandler } from '../src/index.js';
import { findClosedPort } from '../test/helpers/fault-server.js';
import { startRedisServer } from '../test/helpers/redis-server.js';
import { confirmedBody, deliveryRequest, signDelivery, type SignedDelivery } from '../test/helpers/webhook-deliveries.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    deliveries: { type: 'string', default: '2000' },
    concurrency: { type: 'string', multiple: true, default: ['1', '32'] },
  },
});
const rounds = Number(flags.rounds);
const perRound = Number(flags.deliveries);
const signingKey = 'bench-signing-key';
let sequence = 0;

type Receive = (request: Request) => Promise<Response>;

async function handWritten(request: Request): Promise<Response> {
  const rawBody = new Uint8Array(await request.arrayBuffer());
  verifyWebhook({ rawBody, headers: request.headers, signingKey });
  return new Response(null, { status: 204 });
}

/** Median of a list. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Microseconds per delivery for `n` deliveries through `receive`, `concurrency` at a time. */
async function measure(receive: Receive, deliveries: readonly SignedDelivery[], concurrency: number, expect: number): Promise<number> {
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const response = await receive(deliveryRequest(deliveries[next++]!));
        if (response.status !== expect) throw new Error(`expected ${expect}, got ${response.status}`);
        await response.arrayBuffer();
      }
    }),
  );
  return ((performance.now() - startedAt) * 1000) / deliveries.length;
}

const fresh = (n: number) => Array.from({ length: n }, () => signDelivery(confirmedBody(String(sequence++)), signingKey));

const redis = await startRedisServer();
const handlers: WebhookHandler[] = [];
const make = (options: Partial<Parameters<typeof createWebhookHandler>[0]>) => {
  const handler = createWebhookHandler({ signingKey, on: { 'appointment.confirmed': () => {} }, onDelivery: () => {}, ...options });
  handlers.push(handler);
  return handler;
};
try {
  const memory = make({});
  const shared = make({ redisUrl: redis.url });
  const down = make({ redisUrl: `redis://127.0.0.1:${await findClosedPort()}` });
  const replayed = fresh(perRound);
  await measure(shared.fetch, replayed, 32, 200); // the replays' done markers
  const contenders: Array<[string, Receive, () => readonly SignedDelivery[], number]> = [
    ['hand-written (verifyWebhook)', handWritten, () => fresh(perRound), 204],
    ['handler, memory store', memory.fetch, () => fresh(perRound), 200],
    ['handler, Redis store', shared.fetch, () => fresh(perRound), 200],
    ['handler, Redis replay (duplicate)', shared.fetch, () => replayed, 200],
    ['handler, Redis down (503)', down.fetch, () => fresh(perRound), 503],
  ];
  console.log(`webhook receiver bench: ${rounds} rounds x ${perRound} deliveries; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const concurrency of flags.concurrency.map(Number)) {
    const samples = contenders.map(() => [] as number[]);
    // Warm-up round, not counted.
    for (const [, receive, deliveries, status] of contenders) await measure(receive, deliveries().slice(0, 200), concurrency, status);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const i = (k + round) % contenders.length;
        const [, receive, deliveries, status] = contenders[i]!;
        samples[i]!.push(await measure(receive, deliveries(), concurrency, status));
      }
    }
    const base = median(samples[0]!);
    console.log(`\nconcurrency ${concurrency}: µs per delivery (median of ${rounds}), ratio to hand-written`);
    contenders.forEach(([name], i) => {
      const value = median(samples[i]!);
      console.log(`  ${name.padEnd(36)} ${value.toFixed(1).padStart(8)} µs   x${(value / base).toFixed(2)}`);
    });
  }
  console.log(`\nload after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  for (const handler of handlers) await handler.close();
  await redis.stop();
}
