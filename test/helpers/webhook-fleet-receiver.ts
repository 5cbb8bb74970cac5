/**
 * One receiver process of the fleet test (webhook-fleet.ts starts four). A node:http server
 * on a free 127.0.0.1 port with `createWebhookHandler({ redisUrl })`; its handler's side
 * effect is `HINCRBY effects <id> 1` in the same Redis, so the test can count how often each
 * delivery was handled across the fleet. Prints `READY <port>` once listening.
 *
 * `POST /control/freeze` prepares a SIGKILL mid-run: from then on every handler hangs before
 * its side effect (a receiver killed mid-handler), and the answer waits until every handler
 * already past that point has written its done marker and answered. It answers with how many
 * handlers are hanging, i.e. how many leases the kill will orphan. Without it, a kill could
 * land in the one-round-trip gap between a side effect and its done marker, which no store
 * can close (see claim.ts).
 *
 * Env: REDIS_URL, SIGNING_KEY, LEASE_MS, WAIT_MS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createWebhookHandler } from '../../src/webhooks/receiver/create-webhook-handler.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const effects = new Redis(env('REDIS_URL'));
let frozen = false;
let hanging = 0;
// Deliveries whose handler passed the freeze check, until their report (done marker written, answer sent).
const committing = new Set<string>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const hooks = createWebhookHandler({
  signingKey: env('SIGNING_KEY'),
  redisUrl: env('REDIS_URL'),
  leaseMs: Number(env('LEASE_MS')),
  inProgressWaitMs: Number(env('WAIT_MS')),
  onDelivery: (report) => {
    if (report.deliveryId !== undefined) committing.delete(report.deliveryId);
    if (report.status >= 400) process.stderr.write(`${report.outcome} ${report.status} ${report.problems.join(',')}\n`);
  },
  on: {
    'appointment.confirmed': async (event, { deliveryId }) => {
      await sleep(Math.random() * 4);
      if (frozen) {
        hanging += 1;
        await new Promise(() => {});
      }
      committing.add(deliveryId);
      await effects.hincrby('effects', event.id, 1);
    },
  },
});

const server = createServer((request, response) => {
  if (request.url !== '/control/freeze') {
    void hooks.node(request, response);
    return;
  }
  frozen = true;
  void (async () => {
    const giveUpAt = Date.now() + 5_000;
    // Wait for the committing handlers to finish, and for at least one lease to be orphaned.
    while ((committing.size > 0 || hanging === 0) && Date.now() < giveUpAt) await sleep(2);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hanging, committing: committing.size }));
  })();
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
