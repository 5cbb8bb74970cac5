/**
 * Campaigns on a file journal against a recording server on 127.0.0.1: the journal is read
 * at the moment each request arrives, so "recorded before the request leaves" is checked on
 * the wire; resuming, failures, bad input (nothing sent, the file unchanged), the lock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../client.js';
import { HeroInputError } from '../errors.js';
import { startFaultServer, type FaultAction, type FaultServer, type RecordedRequest } from '../../test/helpers/fault-server.js';
import {
  HeroCampaignDuplicateKeyError,
  HeroCampaignInterruptedError,
  HeroCampaignJournalCorruptError,
  HeroCampaignJournalUnavailableError,
  HeroCampaignMismatchError,
} from './errors.js';
import { encodeRecord, parseJournal } from './file-format.js';
import { createFileJournal } from './file-journal.js';
import { campaignFingerprint } from './keys.js';

let server: FaultServer;
let hero: HeroClient;
let dir: string;
let path: string;
const behaviour = new Map<string, FaultAction>();
/** At each request's arrival, the journal's last status of its patient. */
const statusOnArrival = new Map<string, string | undefined>();

function lastStatus(key: string): string | undefined {
  if (!existsSync(path)) return undefined;
  let status: string | undefined;
  for (const record of parseJournal(readFileSync(path)).records) if ('k' in record && record.k === key) status = record.s;
  return status;
}

const patientOf = (request: RecordedRequest): string =>
  request.method === 'GET' ? (request.url.split('/').pop() ?? '') : ((JSON.parse(request.body || '{}') as { patient_id?: string }).patient_id ?? '');

beforeAll(async () => {
  server = await startFaultServer();
  hero = createHeroClient({ apiKey: 'hk_test_campaign_file_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, timeoutMs: 3000, retry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await hero.close();
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hero-journal-'));
  path = join(dir, 'flu-2024.journal');
  server.reset();
  behaviour.clear();
  statusOnArrival.clear();
  server.setFallback((request) => {
    const id = patientOf(request);
    statusOnArrival.set(`${request.method} ${id}`, lastStatus(id));
    return behaviour.get(id) ?? { type: 'respond', status: 200, body: request.method === 'GET' ? { id: 1 } : { message_id: `m-${id}` } };
  });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ids = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, nhsNumber: '9434765919' }));
const send = (patient: { id: string }) => hero.messages.send({ patient_id: patient.id, message_type: 'sms', message_string: 'Your flu vaccination is due' });
const sentTo = (id: string) => server.requests.filter((r) => r.method === 'POST' && patientOf(r) === id).length;
const journalOf = () => createFileJournal(path);

async function expectRefusedUnchanged(run: () => Promise<unknown>, error: new (...args: never[]) => Error): Promise<Error> {
  const before = existsSync(path) ? await readFile(path) : undefined;
  const thrown = (await run().catch((e: unknown) => e)) as Error;
  expect(thrown).toBeInstanceOf(error);
  expect(server.requests).toHaveLength(0);
  expect(existsSync(path) ? await readFile(path) : undefined).toEqual(before);
  expect(existsSync(`${path}.lock`)).toBe(false);
  return thrown;
}

describe('a campaign on a file journal', () => {
  it('records each item "sending", on disk, before its request reaches the server; then "sent"', async () => {
    const patients = ids(12);
    const report = await hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id, concurrency: 4 });

    expect(report).toMatchObject({ sent: 12, failed: 0, outcomeUnknown: 0, pending: 0, complete: true, thisRun: { started: 12, sent: 12 } });
    for (const p of patients) expect(statusOnArrival.get(`POST ${p.id}`), p.id).toBe('sending');
    for (const p of patients) expect(lastStatus(p.id)).toBe('sent');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a task that looks the patient up first is not "sending" until its send leaves', async () => {
    await hero.bulk(ids(3), async (p) => (await hero.patients.get('7'), send(p)), { journal: journalOf(), key: (p) => p.id });
    expect(statusOnArrival.get('GET 7')).toBeUndefined();
    expect(statusOnArrival.get('POST p0')).toBe('sending');
  });

  it('a resumed run skips sent items, sends the rest, and reports every item of the campaign', async () => {
    const patients = ids(6);
    const cancel = new AbortController();
    const first = await hero.bulk(patients, async (p) => (p.id === 'p2' && cancel.abort(), send(p)), { journal: journalOf(), key: (p) => p.id, concurrency: 1, signal: cancel.signal });
    expect(first).toMatchObject({ sent: 3, pending: 3, complete: false });

    const second = await hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id });

    expect(second).toMatchObject({ total: 6, sent: 6, pending: 0, complete: true, thisRun: { started: 3, sent: 3 } });
    expect(second.results.map((r) => [r.key, r.status, r.thisRun])).toEqual([
      ['p0', 'sent', false],
      ['p1', 'sent', false],
      ['p2', 'sent', false],
      ['p3', 'sent', true],
      ['p4', 'sent', true],
      ['p5', 'sent', true],
    ]);
    expect(second.results[4]).toMatchObject({ item: patients[4], value: { message_id: 'm-p4' } });
    for (const p of patients) expect(sentTo(p.id)).toBe(1);
  });

  it('never sends again an item that was "sending" when the process died: it is outcome-unknown (interrupted)', async () => {
    const patients = ids(3);
    const keys = patients.map((p) => p.id);
    // What a killed run leaves: p1 recorded "sending", and the dead process's lock.
    await writeFile(
      path,
      encodeRecord({ t: 'campaign', format: 'hero-campaign-journal', v: 1, campaign: 'flu-2024', fingerprint: campaignFingerprint('flu-2024', keys), items: 3, at: new Date().toISOString() }) +
        encodeRecord({ t: 'run', run: 1, at: new Date().toISOString() }) +
        encodeRecord({ k: 'p0', s: 'sending', at: new Date().toISOString() }) +
        encodeRecord({ k: 'p0', s: 'sent', at: new Date().toISOString() }) +
        encodeRecord({ k: 'p1', s: 'sending', at: new Date().toISOString() }),
    );
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(`${path}.lock`, `${dead} ${hostname()} token`);

    const report = await hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id });

    expect(server.requests.map(patientOf)).toEqual(['p2']);
    expect(report.results.map((r) => [r.key, r.status])).toEqual([
      ['p0', 'sent'],
      ['p1', 'outcome-unknown'],
      ['p2', 'sent'],
    ]);
    expect(report.results[1]).toMatchObject({ code: 'interrupted', thisRun: false });
    expect(lastStatus('p1')).toBe('outcome-unknown');
    const status = await journalOf().status();
    expect(status).toMatchObject({ sent: 2, outcomeUnknown: 1, runs: 2, workers: 0 });
    expect(status.items.find((i) => i.key === 'p1')).toMatchObject({ status: 'outcome-unknown', code: 'interrupted' });
  });

  // A container restarted after a kill runs the job as the same PID (often 1) on the same host name:
  // the lock its previous incarnation left named this very process, so it was "in use" for ever and
  // the campaign could not resume without deleting the lock by hand.
  it('resumes after a restart that reuses the dead run\'s PID (a container): the lock naming this process but not held by it is stale', async () => {
    const patients = ids(2);
    const keys = patients.map((p) => p.id);
    await writeFile(
      path,
      encodeRecord({ t: 'campaign', format: 'hero-campaign-journal', v: 1, campaign: 'flu-2024', fingerprint: campaignFingerprint('flu-2024', keys), items: 2, at: new Date().toISOString() }) +
        encodeRecord({ t: 'run', run: 1, at: new Date().toISOString() }) +
        encodeRecord({ k: 'p0', s: 'sending', at: new Date().toISOString() }),
    );
    await writeFile(`${path}.lock`, `${process.pid} ${hostname()} previous-incarnation`);

    const report = await hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id });

    expect(server.requests.map(patientOf)).toEqual(['p1']);
    expect(report.results.map((r) => [r.key, r.status])).toEqual([
      ['p0', 'outcome-unknown'],
      ['p1', 'sent'],
    ]);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('two runs of one journal in one process: the second is refused while the first holds it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = hero.bulk(ids(1), async (patient) => {
      await held;
      return send(patient);
    }, { journal: journalOf(), key: (p) => p.id });
    await expect.poll(() => existsSync(`${path}.lock`)).toBe(true);
    const second = (await hero.bulk(ids(1), send, { journal: journalOf(), key: (p) => p.id }).catch((e: unknown) => e)) as HeroCampaignJournalUnavailableError;
    release();
    await first;
    expect(second).toBeInstanceOf(HeroCampaignJournalUnavailableError);
    expect(second.reason).toBe('journal-locked');
    expect(sentTo('p0')).toBe(1);
  });

  it('sends again, when resumed, the failures a new attempt can fix (503), not those it cannot (400)', async () => {
    behaviour.set('p1', { type: 'respond', status: 400, body: { error: true, statusCode: 400, message: [] } });
    behaviour.set('p2', { type: 'respond', status: 503 });
    const patients = ids(3);

    const first = await hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id });
    expect(first.results.map((r) => [r.status, r.status === 'failed' && r.retryable])).toEqual([
      ['sent', false],
      ['failed', false],
      ['failed', true],
    ]);
    expect(first.results[1]).toMatchObject({ code: 'HeroValidationError 400' });
    behaviour.clear();

    const second = await hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id });
    expect(second.results.map((r) => r.status)).toEqual(['sent', 'failed', 'sent']);
    expect([sentTo('p0'), sentTo('p1'), sentTo('p2')]).toEqual([1, 1, 2]);
  });

  it('an answer that may have been acted on (a 500, a dropped connection) is outcome-unknown and never sent again', async () => {
    behaviour.set('p0', { type: 'respond', status: 500 });
    behaviour.set('p1', { type: 'reset-after-body' });
    await hero.bulk(ids(2), send, { journal: journalOf(), key: (p) => p.id });
    behaviour.clear();
    const again = await hero.bulk(ids(2), send, { journal: journalOf(), key: (p) => p.id });
    expect(again.results.map((r) => [r.status, r.status === 'outcome-unknown' && r.code])).toEqual([
      ['outcome-unknown', 'HeroServerError 500'],
      ['outcome-unknown', 'HeroNetworkError'],
    ]);
    expect([sentTo('p0'), sentTo('p1')]).toEqual([1, 1]);
  });

  it('a torn last line (a crash mid-write) is dropped and the journal repaired', async () => {
    await hero.bulk(ids(2), send, { journal: journalOf(), key: (p) => p.id });
    const good = await readFile(path);
    await appendFile(path, encodeRecord({ k: 'p0', s: 'failed', at: new Date().toISOString(), code: 'x', retry: true }).slice(0, 25));

    const report = await hero.bulk(ids(2), send, { journal: journalOf(), key: (p) => p.id });

    expect(report).toMatchObject({ sent: 2, thisRun: { started: 0 } });
    const after = await readFile(path);
    expect(after.subarray(0, good.length)).toEqual(good);
    expect(parseJournal(after).tornTail).toBe(false);
  });

  it('cancelled: items never started stay pending, and the next run sends them', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const report = await hero.bulk(ids(4), send, { journal: journalOf(), key: (p) => p.id, signal: cancel.signal });
    expect(report).toMatchObject({ pending: 4, sent: 0, thisRun: { started: 0 } });
    expect(server.requests).toHaveLength(0);
    expect((await hero.bulk(ids(4), send, { journal: journalOf(), key: (p) => p.id })).sent).toBe(4);
  });

  it('an onProgress that throws stops the run: HeroCampaignInterruptedError with the whole report', async () => {
    let calls = 0;
    const error = await hero
      .bulk(ids(10), send, {
        journal: journalOf(),
        key: (p) => p.id,
        concurrency: 1,
        progressIntervalMs: 0,
        onProgress: () => {
          if (++calls === 3) throw new Error('dashboard down');
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroCampaignInterruptedError);
    const report = (error as HeroCampaignInterruptedError).report;
    expect(report.total).toBe(10);
    expect(report.sent).toBe(server.requests.length);
    expect(report.sent + report.pending).toBe(10);
  });

  it("warns once when an item's task sends nothing through this client (it may send another way)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warning.code === 'HERO_CAMPAIGN_UNMARKED' && warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      await hero.bulk(ids(3), async () => 'done elsewhere', { journal: journalOf(), key: (p) => p.id });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("markSending: 'before-task'");
  });

  it("markSending: 'before-task' records sending before the task starts", async () => {
    const seen: (string | undefined)[] = [];
    await hero.bulk(ids(2), async (p) => void seen.push(lastStatus(p.id)), { journal: journalOf(), key: (p) => p.id, markSending: 'before-task' });
    expect(seen).toEqual(['sending', 'sending']);
  });
});

describe('bad input stops a file campaign before anything is sent, and changes nothing recorded', () => {
  it('a journal of another campaign', async () => {
    await hero.bulk(ids(2), async () => 1, { journal: journalOf(), key: (p) => p.id, markSending: 'before-task' });
    const error = await expectRefusedUnchanged(() => hero.bulk(ids(2), send, { journal: createFileJournal(path, { campaign: 'measles' }), key: (p) => p.id }), HeroCampaignMismatchError);
    expect(error).toMatchObject({ differs: 'campaign', reason: 'journal-mismatch' });
  });

  it.each([
    ['another list', ids(3, 'q')],
    ['one more item', ids(3)],
    ['the same items in another order', ids(2).reverse()],
  ])('a journal written for another item list: %s', async (_label, items) => {
    await hero.bulk(ids(2), async () => 1, { journal: journalOf(), key: (p) => p.id, markSending: 'before-task' });
    const error = await expectRefusedUnchanged(() => hero.bulk(items, send, { journal: journalOf(), key: (p) => p.id }), HeroCampaignMismatchError);
    expect(error).toMatchObject({ differs: 'items' });
  });

  it('a damaged line in the middle of the journal', async () => {
    await hero.bulk(ids(3), async () => 1, { journal: journalOf(), key: (p) => p.id, markSending: 'before-task' });
    const text = (await readFile(path, 'utf8')).split('\n');
    text[3] = text[3]!.replace('sending', 'sendinG');
    await writeFile(path, text.join('\n'));
    const error = await expectRefusedUnchanged(() => hero.bulk(ids(3), send, { journal: journalOf(), key: (p) => p.id }), HeroCampaignJournalCorruptError);
    expect(error).toMatchObject({ line: 4 });
  });

  it('two items with the same key: named by position, never by key', async () => {
    const patients = [...ids(3), { id: 'p1', nhsNumber: '9434765919' }];
    const error = await expectRefusedUnchanged(() => hero.bulk(patients, send, { journal: journalOf(), key: (p) => p.id }), HeroCampaignDuplicateKeyError);
    expect(error).toMatchObject({ indexes: [1, 3], duplicates: 1 });
    expect(error.message).not.toContain('p1');
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['a number', () => 5 as unknown as string],
    ['an empty string', () => ''],
    ['a line break', () => 'a\nb'],
    ['300 characters', () => 'x'.repeat(300)],
    ['a key function that throws', () => {
      throw new Error('9434765919');
    }],
  ])('unusable keys: %s (HeroInputError, the key never repeated)', async (_label, key) => {
    const error = await expectRefusedUnchanged(() => hero.bulk(ids(2), send, { journal: journalOf(), key }), HeroInputError);
    expect(error.message).not.toContain('9434765919');
  });

  it('a journal another live process is running (the lock)', async () => {
    // The parent (vitest's main process) is alive on this host.
    await writeFile(`${path}.lock`, `${process.ppid} ${hostname()} someone-else`);
    const error = (await hero.bulk(ids(2), send, { journal: journalOf(), key: (p) => p.id }).catch((e: unknown) => e)) as HeroCampaignJournalUnavailableError;
    expect(error).toBeInstanceOf(HeroCampaignJournalUnavailableError);
    expect(error.reason).toBe('journal-locked');
    expect(server.requests).toHaveLength(0);
    expect(await readFile(`${path}.lock`, 'utf8')).toContain('someone-else');
  });

  it('an endless list: HeroInputError once it passes maxCampaignItems, nothing sent, no journal made', async () => {
    function* endless() {
      for (let i = 0; ; i++) yield { id: `p${i}`, nhsNumber: '9434765919' };
    }
    const error = await hero.bulk(endless(), send, { journal: journalOf(), key: (p) => p.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(path)).toBe(false);
  });

  it('an item iterator that throws: HeroBulkInterruptedError before anything is sent', async () => {
    async function* failing() {
      yield { id: 'p0', nhsNumber: '9434765919' };
      throw new Error('database went away');
    }
    const error = await hero.bulk(failing(), send, { journal: journalOf(), key: (p) => p.id }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HeroBulkInterruptedError', source: 'items' });
    expect(server.requests).toHaveLength(0);
  });

  it('a journal that cannot be written (its directory does not exist)', async () => {
    const error = await hero.bulk(ids(2), send, { journal: createFileJournal(join(dir, 'missing', 'x.journal')), key: (p) => p.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroCampaignJournalUnavailableError);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['no journal object', { journal: { campaign: 'x' }, key: (p: { id: string }) => p.id }, 'journal'],
    ['no key function', { journal: 'later' as never, key: 'id' }, 'key'],
    ['an unknown markSending', { journal: 'later' as never, key: (p: { id: string }) => p.id, markSending: 'never' }, 'markSending'],
    ['concurrency 0', { journal: 'later' as never, key: (p: { id: string }) => p.id, concurrency: 0 }, 'concurrency'],
  ])('options the types forbid: %s', async (_label, options, field) => {
    const resolved = { ...options, ...(options.journal === ('later' as never) && { journal: journalOf() }) };
    const error = (await hero.bulk(ids(1), send, resolved as never).catch((e: unknown) => e)) as HeroInputError;
    expect(error).toBeInstanceOf(HeroInputError);
    expect(error.issues.map((i) => i.field)).toContain(field);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['a number as path', () => createFileJournal(5 as never)],
    ['an empty path', () => createFileJournal('  ')],
    ['a campaign id with braces', () => createFileJournal('x.journal', { campaign: 'a{b}' })],
    ['an unknown durability', () => createFileJournal('x.journal', { durability: 'eventually' as never })],
    ['null options', () => createFileJournal('x.journal', null as never)],
  ])('createFileJournal refuses %s', (_label, make) => {
    expect(make).toThrow(HeroInputError);
  });
});

describe('status() of a file journal', () => {
  it('counts every status and lists each recorded key with its code', async () => {
    behaviour.set('p1', { type: 'respond', status: 404 });
    await hero.bulk(ids(3), send, { journal: journalOf(), key: (p) => p.id });
    const status = await journalOf().status();
    expect(status).toMatchObject({ campaign: 'flu-2024', journal: 'file', total: 3, sent: 2, failed: 1, retryableFailed: 0, outcomeUnknown: 0, pending: 0, runs: 1, workers: 0 });
    expect(status.items.find((i) => i.key === 'p1')).toMatchObject({ status: 'failed', code: 'HeroNotFoundError 404', retryable: false });
  });

  it('of a journal that does not exist: HeroCampaignJournalUnavailableError', async () => {
    await expect(journalOf().status()).rejects.toBeInstanceOf(HeroCampaignJournalUnavailableError);
  });
});

describe('durability', () => {
  it("'write' durability also records before sending (the OS has it; a killed process loses nothing)", async () => {
    await hero.bulk(ids(3), send, { journal: createFileJournal(path, { durability: 'write' }), key: (p) => p.id });
    expect(statusOnArrival.get('POST p1')).toBe('sending');
  });
});
