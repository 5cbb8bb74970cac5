/**
 * The crash test (issue 28): a campaign against a local server that counts every send per
 * key, its worker SIGKILLed at random moments and resumed each time. Asserts: no item sent
 * twice; every item ends sent, failed or outcome-unknown; outcome-unknown items are no more
 * than those the journal held `sending` at the kills, which is at most the concurrency per kill;
 * the final run's report covers every item.
 *
 * `npm run test:slow` runs a small version (500 items, 5 kills, 500/s). `npm run test:crash` runs the
 * full one (HERO_CAMPAIGN_CRASH=full: 5,000 items, 20 kills, 200/s, at least 25 s of sending).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournal } from './file-format.js';
import { startCountingServer, type CountingServer } from '../../test/helpers/campaign/counting-server.js';
import { forkWorker, killAll } from '../../test/helpers/campaign/fork-worker.js';

const FULL = process.env.HERO_CAMPAIGN_CRASH === 'full';
const ITEMS = FULL ? 5000 : 500;
const KILLS = FULL ? 20 : 5;
const RATE = FULL ? 200 : 500;
const CONCURRENCY = 16;
// Each killed run sends for a random time in this range after it starts sending.
const KILL_AFTER_MS: readonly [number, number] = FULL ? [100, 1600] : [20, 200];

let server: CountingServer;
let dir: string;
beforeAll(async () => {
  server = await startCountingServer({ rate: RATE, burst: 10 });
  dir = await mkdtemp(join(tmpdir(), 'hero-crash-'));
});
afterAll(async () => {
  killAll();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Each key's last recorded status. */
async function lastStatuses(path: string): Promise<Map<string, string>> {
  const parsed = parseJournal(await readFile(path));
  const statuses = new Map<string, string>();
  for (const record of parsed.records) if (!('t' in record)) statuses.set(record.k, record.s);
  return statuses;
}

describe(`crash test: ${ITEMS} items at ${RATE}/s, SIGKILLed ${KILLS} times and resumed`, () => {
  it(
    'sends no item twice, accounts for every item, and leaves outcome-unknown only for items in flight at a kill',
    async () => {
      const path = join(dir, 'crash.journal');
      const job = { baseUrl: server.url, items: ITEMS, requestsPerSecond: RATE, burst: 5, concurrency: CONCURRENCY, journal: { kind: 'file' as const, path } };
      const inFlightAtKills: number[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const worker = forkWorker(job);
        await worker.ready;
        worker.go();
        await Promise.race([worker.running, worker.exited]);
        const [min, max] = KILL_AFTER_MS;
        await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
        worker.kill();
        expect(await worker.exited).toBe('SIGKILL');
        const statuses = await lastStatuses(path);
        inFlightAtKills.push([...statuses.values()].filter((s) => s === 'sending').length);
      }
      const last = forkWorker(job);
      await last.ready;
      last.go();
      const done = await last.done;
      expect(await last.exited).toBe(0);

      const statuses = await lastStatuses(path);
      const count = (status: string) => [...statuses.values()].filter((s) => s === status).length;
      const unknown = [...statuses].filter(([, s]) => s === 'outcome-unknown').map(([key]) => key);
      const sentInJournal = [...statuses].filter(([, s]) => s === 'sent').map(([key]) => key);
      const inFlight = inFlightAtKills.reduce((a, b) => a + b, 0);
      console.log(
        `crash test: ${ITEMS} items, ${KILLS} kills; sent ${count('sent')}, failed ${count('failed')}, outcome-unknown ${unknown.length} ` +
          `(of which reached the server: ${unknown.filter((k) => server.processed.has(k)).length}); in flight at the kills ${inFlight} ` +
          `(${inFlightAtKills.join(', ')}); server processed ${server.processed.size}, duplicates ${server.duplicates()}, 429s ${server.rejected()}`,
      );

      expect(server.duplicates()).toBe(0);
      expect(statuses.size).toBe(ITEMS);
      expect(count('sent') + count('failed') + count('outcome-unknown')).toBe(ITEMS);
      expect(unknown.length).toBeLessThanOrEqual(inFlight);
      expect(inFlight).toBeLessThanOrEqual(KILLS * CONCURRENCY);
      // What the journal says was sent, the server processed exactly once; nothing else went out twice.
      for (const key of sentInJournal) expect(server.processed.get(key), key).toBe(1);
      for (const [key, times] of server.processed) {
        expect(['sent', 'outcome-unknown'], key).toContain(statuses.get(key));
        expect(times, key).toBe(1);
      }
      expect(done).toMatchObject({ sent: count('sent'), failed: count('failed'), outcomeUnknown: unknown.length, pending: 0 });
    },
    FULL ? 600_000 : 120_000,
  );
});
