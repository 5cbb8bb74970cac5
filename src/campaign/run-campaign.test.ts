/**
 * The campaign runner against journals that misbehave (a fake journal whose records fail,
 * or that makes a worker wait), through a real client and a recording server: a request never
 * leaves without its `sending` record, and a run whose journal fails stops and says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../client.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { HeroCampaignError, HeroCampaignInterruptedError } from './errors.js';
import { openCampaign, type CampaignCounts, type ItemOutcome, type JournalInternals, type OpenCampaign, type RecordedItem } from './journal.js';

let server: FaultServer;
let hero: HeroClient;
beforeAll(async () => {
  server = await startFaultServer();
  hero = createHeroClient({ apiKey: 'hk_test_campaign_runner_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await hero.close();
  await server.close();
});
beforeEach(() => server.reset());

interface FakeOptions {
  readonly failMarkAt?: number;
  readonly failSettleAt?: number;
  /** Claims answered 'wait' before the items are handed out. */
  readonly waits?: number;
}

/** An in-memory journal that can fail its n-th mark or settle. */
function fakeJournal(options: FakeOptions = {}) {
  const log: string[] = [];
  const released: number[] = [];
  let marks = 0;
  let settles = 0;
  let waits = options.waits ?? 0;
  let closed = false;
  const journal: JournalInternals = {
    kind: 'file',
    campaign: 'fake',
    status: async () => {
      throw new Error('not used');
    },
    close: async () => undefined,
    [openCampaign]: async ({ keys }) => {
      let next = 0;
      const states: (RecordedItem | undefined)[] = new Array(keys.length);
      let failure: Error | undefined;
      const listeners: ((e: Error) => void)[] = [];
      const fail = (e: Error) => {
        failure ??= e;
        listeners.forEach((l) => l(e));
      };
      const counts = (): CampaignCounts => ({ total: keys.length, sent: 0, failed: 0, retryableFailed: 0, outcomeUnknown: 0, sending: 0, pending: keys.length });
      const opened: OpenCampaign = {
        claim: async () => {
          if (waits > 0) {
            waits--;
            return 'wait';
          }
          return next < keys.length ? next++ : 'done';
        },
        markSending: async (index) => {
          if (++marks === options.failMarkAt) {
            const error = new HeroCampaignError('journal-write-failed', 'disk full');
            fail(error);
            throw error;
          }
          log.push(`sending ${keys[index]}`);
          states[index] = { status: 'sending', at: '' };
        },
        settle: async (index, outcome: ItemOutcome) => {
          if (++settles === options.failSettleAt) {
            const error = new HeroCampaignError('journal-write-failed', 'disk full');
            fail(error);
            throw error;
          }
          log.push(`${outcome.status} ${keys[index]}`);
          states[index] = { status: outcome.status, at: '' };
        },
        release: async (indexes) => void released.push(...indexes),
        recorded: async () => states,
        counts,
        refreshCounts: async () => undefined,
        workers: () => 1,
        failure: () => failure,
        onFailure: (l) => void listeners.push(l),
        close: async () => void (closed = true),
      };
      return opened;
    },
  };
  return { journal, log, released, closed: () => closed };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}` }));
const send = (p: { id: string }) => hero.messages.send({ patient_id: p.id, message_type: 'sms', message_string: 'x' });
const sentIds = () => server.requests.map((r) => (JSON.parse(r.body) as { patient_id: string }).patient_id);

describe('the campaign runner when its journal fails', () => {
  it('a "sending" record that cannot be written: that item is not sent, nothing more starts, the run says why', async () => {
    const fake = fakeJournal({ failMarkAt: 3 });
    const error = (await hero.bulk(items(10), send, { journal: fake.journal, key: (p) => p.id, concurrency: 1 }).catch((e: unknown) => e)) as HeroCampaignInterruptedError;

    expect(error).toBeInstanceOf(HeroCampaignInterruptedError);
    expect(error.source).toBe('journal');
    expect(error.cause).toBeInstanceOf(HeroCampaignError);
    expect(sentIds()).toEqual(['p0', 'p1']);
    expect(error.report.results[2]).toMatchObject({ status: 'failed', thisRun: true, retryable: true });
    expect(error.report.thisRun.started).toBe(3);
    expect(fake.closed()).toBe(true);
  });

  it('a settle that cannot be written stops the run; the report still says what really happened', async () => {
    const fake = fakeJournal({ failSettleAt: 2 });
    const error = (await hero.bulk(items(10), send, { journal: fake.journal, key: (p) => p.id, concurrency: 1 }).catch((e: unknown) => e)) as HeroCampaignInterruptedError;
    expect(error).toBeInstanceOf(HeroCampaignInterruptedError);
    expect(sentIds()).toEqual(['p0', 'p1']);
    expect(error.report.results.slice(0, 2).map((r) => [r.status, r.thisRun])).toEqual([
      ['sent', true],
      ['sent', true],
    ]);
  });

  it('no request leaves before its item is recorded "sending"', async () => {
    const fake = fakeJournal();
    server.setFallback((request) => {
      const id = (JSON.parse(request.body) as { patient_id: string }).patient_id;
      return fake.log.includes(`sending ${id}`) ? { type: 'respond', status: 200, body: { message_id: '1' } } : { type: 'respond', status: 418 };
    });
    const report = await hero.bulk(items(8), send, { journal: fake.journal, key: (p) => p.id, concurrency: 4 });
    expect(report.sent).toBe(8);
  });

  it("waits while the journal says other workers hold items that may come back, then finishes", async () => {
    const fake = fakeJournal({ waits: 2 });
    const startedAt = Date.now();
    const report = await hero.bulk(items(2), send, { journal: fake.journal, key: (p) => p.id });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400);
    expect(report.thisRun.sent).toBe(2);
  });

  it('cancelled while waiting: stops at once and gives back nothing it did not start', async () => {
    const fake = fakeJournal({ waits: 1000 });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 100);
    const startedAt = Date.now();
    const report = await hero.bulk(items(2), send, { journal: fake.journal, key: (p) => p.id, signal: cancel.signal });
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(report.thisRun.started).toBe(0);
    expect(fake.released).toEqual([]);
  });
});

describe('an item whose task made more than one call', () => {
  const sendThen = (then: (p: { id: string }) => Promise<unknown>) => async (p: { id: string }) => {
    await send(p);
    await then(p);
  };

  it('a send that reached Hero, then a second send refused with a 503: outcome-unknown, never a retryable failure', async () => {
    const fake = fakeJournal();
    server.enqueue({ type: 'respond', status: 200, body: { message_id: '1' } }, { type: 'respond', status: 503 });
    const report = await hero.bulk(items(1), sendThen(send), { journal: fake.journal, key: (p) => p.id });
    expect(server.requests).toHaveLength(2);
    expect(fake.log).toEqual(['sending p0', 'outcome-unknown p0']);
    expect(report.results[0]).toMatchObject({ status: 'outcome-unknown', thisRun: true, code: 'HeroServerError 503' });
    expect(report.thisRun).toMatchObject({ failed: 0, outcomeUnknown: 1 });
  });

  it('a send that reached Hero, then a lookup that failed (GET 503, or an input error): outcome-unknown', async () => {
    const fake = fakeJournal();
    server.enqueue({ type: 'respond', status: 200, body: { message_id: '1' } }, { type: 'respond', status: 503 });
    const lookup = () => hero.messages.automated.get('77');
    const invalid = () => hero.messages.automated.get('1/../../v1/me?x=');
    const report = await hero.bulk(items(2), (p) => sendThen(p.id === 'p0' ? lookup : invalid)(p), { journal: fake.journal, key: (p) => p.id, concurrency: 1 });
    expect(fake.log).toEqual(['sending p0', 'outcome-unknown p0', 'sending p1', 'outcome-unknown p1']);
    expect(report.results.map((r) => r.status)).toEqual(['outcome-unknown', 'outcome-unknown']);
  });

  it("one send refused with its own 503 (or a lookup before it failed) is still a retryable failure", async () => {
    const fake = fakeJournal();
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 503 });
    const lookupThenSend = async (p: { id: string }) => {
      if (p.id === 'p1') await hero.messages.automated.get('77');
      await send(p);
    };
    const report = await hero.bulk(items(2), lookupThenSend, { journal: fake.journal, key: (p) => p.id, concurrency: 1 });
    expect(report.results.map((r) => [r.status, r.status === 'failed' && r.retryable])).toEqual([
      ['failed', true],
      ['failed', true],
    ]);
    expect(fake.log).toEqual(['sending p0', 'failed p0', 'failed p1']);
  });

  it("with markSending 'before-task' too", async () => {
    const fake = fakeJournal();
    server.enqueue({ type: 'respond', status: 200, body: { message_id: '1' } }, { type: 'respond', status: 503 });
    const report = await hero.bulk(items(1), sendThen(send), { journal: fake.journal, key: (p) => p.id, markSending: 'before-task' });
    expect(report.results[0]).toMatchObject({ status: 'outcome-unknown' });
  });
});
