/**
 * Hostile test: the journal holds no patient data beyond the keys the caller chose. Items
 * carry NHS numbers, names, dates of birth, postcodes, phone numbers, emails and message text;
 * the server echoes them back in error bodies; a task throws with them in its message. Then
 * every byte of the journal file and every Redis key and value is read: only keys, statuses,
 * timestamps, error codes (and the header's campaign id, fingerprint and count) may be there.
 * The wire gets the task's requests and nothing else.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../client.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { main } from './cli.js';
import { createFileJournal } from './file-journal.js';
import { createRedisJournal } from './redis-journal.js';

interface Patient {
  readonly rowId: string;
  readonly nhsNumber: string;
  readonly name: string;
  readonly dob: string;
  readonly postcode: string;
  readonly phone: string;
  readonly email: string;
}

const patients: Patient[] = [
  { rowId: 'row-1', nhsNumber: '9434765919', name: 'Jane Hostile-Example', dob: '1992-01-01', postcode: 'LS1 4AP', phone: '07700900123', email: 'jane@example.org' },
  { rowId: 'row-2', nhsNumber: '9434765870', name: 'Omar Secretname', dob: '1985-06-30', postcode: 'M1 1AE', phone: '07700900456', email: 'omar@example.org' },
  { rowId: 'row-3', nhsNumber: '9434765862', name: 'Priya Privatedata', dob: '1970-12-25', postcode: 'B1 1BB', phone: '07700900789', email: 'priya@example.org' },
  { rowId: 'row-4', nhsNumber: '9434765854', name: 'Lee Confidential', dob: '2001-02-03', postcode: 'EH1 1YZ', phone: '07700900321', email: 'lee@example.org' },
  { rowId: 'row-5', nhsNumber: '9434765846', name: 'Ada Undisclosed', dob: '1999-09-09', postcode: 'CF10 1EP', phone: '07700900654', email: 'ada@example.org' },
];
const MESSAGE = 'Dear {name}, your flu jab is due. Confidential results enclosed.';
const forbidden = patients.flatMap((p) => [p.nhsNumber, p.name, p.name.split(' ')[1]!, p.dob, p.postcode, p.phone, p.email]).concat(['flu jab', 'Confidential results']);

let server: FaultServer;
let hero: HeroClient;
let dir: string;

beforeAll(async () => {
  server = await startFaultServer();
  // Each patient ends differently; error bodies echo the request back (patient data included).
  server.setFallback((request) => {
    const body = JSON.parse(request.body || '{}') as { patient_id?: string };
    const at = patients.findIndex((p) => p.nhsNumber === body.patient_id);
    if (at === 1) return { type: 'respond', status: 400, body: { error: true, statusCode: 400, message: [{ code: 'invalid', path: ['patient_id'] }], echo: request.body } };
    if (at === 2) return { type: 'respond', status: 500, body: { echo: request.body } };
    if (at === 3) return { type: 'reset-after-body' };
    return { type: 'respond', status: 200, body: { message_id: '1', content: request.body } };
  });
  hero = createHeroClient({ apiKey: 'hk_test_campaign_privacy_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 }, timeoutMs: 2000 });
  dir = await mkdtemp(join(tmpdir(), 'hero-privacy-'));
});
afterAll(async () => {
  await hero.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// The last patient's task throws with patient data in its message (a bug in the caller's code).
const task = async (p: Patient) => {
  if (p.rowId === 'row-5') throw new Error(`could not build the message for ${p.name} (${p.nhsNumber})`);
  return hero.messages.send({ patient_id: p.nhsNumber, message_type: 'sms', message_string: MESSAGE.replace('{name}', p.name) });
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CODE = /^(|[A-Za-z]+( \d{3})?|interrupted|lease-expired)$/;
const KEYS = new Set(patients.map((p) => p.rowId));

function expectNoPatientData(text: string, where: string): void {
  for (const value of forbidden) expect(text.includes(value), `${where} contains "${value}"`).toBe(false);
}

describe('a file journal holds only keys, statuses, times and error codes', () => {
  it('every byte of the journal, its lock and the files beside it', async () => {
    const path = join(dir, 'flu.journal');
    const report = await hero.bulk(patients, task, { journal: createFileJournal(path), key: (p) => p.rowId });
    expect(report.results.map((r) => r.status)).toEqual(['sent', 'failed', 'outcome-unknown', 'outcome-unknown', 'outcome-unknown']);
    // A second run too (resume records: run markers).
    await hero.bulk(patients, task, { journal: createFileJournal(path), key: (p) => p.rowId });

    for (const name of await readdir(dir)) expectNoPatientData(await readFile(join(dir, name), 'latin1'), name);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    for (const [i, line] of lines.entries()) {
      const [json, crc] = line.split('\t');
      expect(crc).toMatch(/^[0-9a-f]{8}$/);
      const record = JSON.parse(json!) as Record<string, unknown>;
      if (i === 0) {
        expect(Object.keys(record).sort()).toEqual(['at', 'campaign', 'fingerprint', 'format', 'items', 't', 'v']);
        expect(record).toMatchObject({ campaign: 'flu', items: 5, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
      } else if (record.t === 'run') {
        expect(Object.keys(record).sort()).toEqual(['at', 'run', 't']);
      } else {
        expect(Object.keys(record).every((k) => ['k', 's', 'at', 'code', 'retry'].includes(k))).toBe(true);
        expect(KEYS.has(record.k as string)).toBe(true);
        expect(['sending', 'sent', 'failed', 'outcome-unknown']).toContain(record.s);
        expect(record.at).toMatch(ISO);
        if (record.code !== undefined) expect(record.code).toMatch(CODE);
      }
    }
  });

  it('hero-campaign status --json and export print nothing else either', async () => {
    const path = join(dir, 'flu.journal');
    let out = '';
    await main(['status', path, '--json'], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {} });
    await main(['export', path, '--outcome-unknown', '--json'], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {} });
    expectNoPatientData(out, 'hero-campaign output');
  });

  it('errors that stop a campaign name positions, never keys or items', async () => {
    const twice = [...patients, patients[0]!];
    const error = (await hero.bulk(twice, task, { journal: createFileJournal(join(dir, 'dup.journal')), key: (p) => p.nhsNumber }).catch((e: unknown) => e)) as Error;
    expectNoPatientData(`${error.message} ${JSON.stringify(error)}`, 'duplicate-key error');
  });

  it('the wire gets the task requests and nothing of the campaign: the same headers as without a journal', async () => {
    server.reset();
    await hero.bulk(patients.slice(0, 1), task);
    const plain = Object.keys(server.requests[0]!.headers).sort();
    server.reset();
    await hero.bulk(patients.slice(0, 1), task, { journal: createFileJournal(join(dir, 'wire.journal')), key: (p) => p.rowId });
    expect(server.requests).toHaveLength(1);
    expect(Object.keys(server.requests[0]!.headers).sort()).toEqual(plain);
    expect(server.requests[0]!.body).not.toContain('row-1');
  });
});

const skipRedis = redisUnavailableReason();
describe.skipIf(skipRedis !== undefined)('a Redis journal holds only keys, statuses, times and error codes', () => {
  let redis: RedisServer;
  let inspect: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    inspect = new Redis(redis.url);
  });
  afterAll(async () => {
    inspect?.disconnect();
    await redis?.stop();
  });

  it('every Redis key and value', async () => {
    await hero.bulk(patients, task, { journal: createRedisJournal({ redisUrl: redis.url, campaign: 'flu-2024' }), key: (p) => p.rowId });
    await hero.bulk(patients, task, { journal: createRedisJournal({ redisUrl: redis.url, campaign: 'flu-2024' }), key: (p) => p.rowId });

    const names = await inspect.keys('*');
    expect(names.sort()).toEqual(['meta', 'keys', 'state'].map((n) => `hero:campaign:{flu-2024}:${n}`).sort());
    for (const name of names) {
      const type = await inspect.type(name);
      const values = type === 'hash' ? Object.entries(await inspect.hgetall(name)).flat() : type === 'list' ? await inspect.lrange(name, 0, -1) : [String(await inspect.get(name))];
      expectNoPatientData(`${name} ${values.join(' ')}`, name);
      if (name.endsWith(':keys')) expect(values).toEqual(patients.map((p) => p.rowId));
      if (name.endsWith(':state')) {
        const hash = await inspect.hgetall(name);
        for (const [index, value] of Object.entries(hash)) {
          expect(index).toMatch(/^\d+$/);
          const [status, atMs, worker, code, retry] = value.split('|');
          expect(['sent', 'failed', 'outcome-unknown']).toContain(status);
          expect(Number(atMs)).toBeGreaterThan(1.6e12);
          expect(worker).toMatch(/^[0-9a-f-]{36}$/);
          expect(code).toMatch(CODE);
          expect(['0', '1']).toContain(retry);
        }
      }
      if (name.endsWith(':meta')) {
        const meta = await inspect.hgetall(name);
        expect(Object.keys(meta).every((k) => /^[a-zA-Z]+$/.test(k))).toBe(true);
        expect(Object.entries(meta).every(([k, v]) => (k === 'fp' ? /^[0-9a-f]{64}$/ : /^\d+$/).test(v))).toBe(true);
      }
    }
  });
});
