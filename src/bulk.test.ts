import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroBulkTaskError, mayHaveBeenProcessed, type BulkProgress } from './bulk.js';
import { runBulk } from './run-bulk.js';
import { createHeroClient, type HeroClient } from './client.js';
import { HeroAbortError, HeroError, HeroInputError, HeroNetworkError, HeroRedirectError, HeroServerError, HeroTimeoutError, HeroValidationError } from './errors.js';
import { startFaultServer, type FaultAction, type FaultServer, type RecordedRequest } from '../test/helpers/fault-server.js';

let server: FaultServer;
let hero: HeroClient;
// What the server does with each patient, by patient_id; anything else answers 200.
const behaviour = new Map<string, FaultAction[]>();

beforeAll(async () => {
  server = await startFaultServer();
  hero = createHeroClient({ apiKey: 'hk_test_bulk_key_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, timeoutMs: 1500 });
});
afterAll(async () => {
  await hero.close();
  await server.close();
});
beforeEach(() => {
  server.reset();
  behaviour.clear();
  server.setFallback((request: RecordedRequest) => {
    const id = (JSON.parse(request.body || '{}') as { patient_id?: string }).patient_id ?? '';
    return behaviour.get(id)?.shift() ?? { type: 'respond', status: 200, body: { message_id: `m-${id}` } };
  });
});

const send = (patientId: string) =>
  hero.messages.send({ patient_id: patientId, message_type: 'sms', message_string: 'Your results are ready' });
const sentTo = (patientId: string) => server.requests.filter((r) => r.body.includes(`"patient_id":"${patientId}"`)).length;

describe('hero.bulk', () => {
  it('returns one result per item in input order: succeeded, failed (not acted on) or outcome unknown (may have been)', async () => {
    behaviour.set('2', [{ type: 'respond', status: 400, body: { error: true, statusCode: 400, message: [] } }]);
    behaviour.set('3', [{ type: 'respond', status: 500 }]);
    behaviour.set('4', [{ type: 'reset-after-body' }]);
    behaviour.set('5', [{ type: 'respond', status: 429, headers: { 'retry-after': '0' } }]);
    behaviour.set('6', [{ type: 'hang' }]);
    const patients = ['1', '2', '3', '4', '5', '6'];

    const report = await hero.bulk(patients, (id) => send(id), { concurrency: 3 });

    expect(report.results.map((r) => r.status)).toEqual(['succeeded', 'failed', 'outcome-unknown', 'outcome-unknown', 'succeeded', 'outcome-unknown']);
    expect(report.results.map((r) => r.item)).toEqual(patients);
    expect(report.results[1]).toMatchObject({ error: expect.any(HeroValidationError) });
    expect(report.results[2]).toMatchObject({ error: expect.any(HeroServerError) });
    expect(report.results[3]).toMatchObject({ error: expect.any(HeroNetworkError) });
    expect(report.results[5]).toMatchObject({ error: expect.any(HeroTimeoutError) });
    expect(report).toMatchObject({ succeeded: 2, failed: 1, outcomeUnknown: 3, cancelled: 0 });
  });

  it('never sends an item twice when Hero may have acted on it; only a 429 (not acted on) is sent again', async () => {
    behaviour.set('a', [{ type: 'respond', status: 502 }]);
    behaviour.set('b', [{ type: 'reset-after-body' }]);
    behaviour.set('c', [{ type: 'hang' }]);
    behaviour.set('d', [{ type: 'respond', status: 429, headers: { 'retry-after': '0' } }]);

    await hero.bulk(['a', 'b', 'c', 'd'], (id) => send(id));

    expect([sentTo('a'), sentTo('b'), sentTo('c'), sentTo('d')]).toEqual([1, 1, 1, 2]);
  });

  it('stops starting items when cancelled: they are reported cancelled and never reach the server', async () => {
    const cancel = new AbortController();
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);

    const report = await hero.bulk(
      ids,
      async (id, { index }) => {
        if (index === 4) cancel.abort();
        return send(id);
      },
      { concurrency: 1, signal: cancel.signal },
    );

    expect(report).toMatchObject({ succeeded: 5, cancelled: 15 });
    expect(report.results.slice(5).every((r) => r.status === 'cancelled')).toBe(true);
    expect(server.requests).toHaveLength(5);
  });

  it('reports progress: done, failed, remaining, rate, ETA and the rate the controller allows, and a final report', async () => {
    behaviour.set('x1', [{ type: 'respond', status: 404 }]);
    const reports: BulkProgress[] = [];

    await hero.bulk(['x0', 'x1', 'x2', 'x3'], (id) => send(id), { concurrency: 1, progressIntervalMs: 0, onProgress: (p) => reports.push(p) });

    expect(reports.map((p) => [p.done, p.failed, p.remaining])).toEqual([
      [1, 0, 3],
      [2, 1, 2],
      [3, 1, 1],
      [4, 1, 0],
      [4, 1, 0],
    ]);
    expect(reports[2]!.perSecond).toBeGreaterThan(0);
    expect(reports[2]!.etaMs).toBeGreaterThan(0);
    expect(reports[0]!.allowedPerSecond).toBeGreaterThan(0);
  });

  it('reports a task that throws something else as outcome unknown (the call may have been made)', async () => {
    const report = await runBulk([1], async () => {
      throw new TypeError('bug after the send');
    });
    expect(report.results[0]).toMatchObject({ status: 'outcome-unknown', error: expect.any(HeroBulkTaskError) });
  });

  it('takes an async iterable (a streamed list) without knowing its length', async () => {
    async function* patients() {
      yield 'i1';
      yield 'i2';
    }
    const reports: BulkProgress[] = [];
    const report = await hero.bulk(patients(), (id) => send(id), { onProgress: (p) => reports.push(p) });
    expect(report.succeeded).toBe(2);
    expect(reports.at(-1)).toMatchObject({ total: undefined, remaining: undefined, done: 2 });
  });
});

describe('mayHaveBeenProcessed', () => {
  const call = { method: 'POST', path: '/v1/messages/send' };

  it('is false for errors raised before sending or answers that mean "not acted on"', () => {
    expect(mayHaveBeenProcessed(new HeroNetworkError({ ...call, code: 'ECONNREFUSED' }))).toBe(false);
    expect(mayHaveBeenProcessed(new HeroNetworkError({ ...call, code: 'ECONNRESET' }))).toBe(true);
    expect(mayHaveBeenProcessed(new HeroServerError({ ...call, status: 503 }))).toBe(false);
    expect(mayHaveBeenProcessed(new HeroServerError({ ...call, status: 504 }))).toBe(true);
    expect(mayHaveBeenProcessed(new HeroInputError([{ field: 'nhs_number', message: 'is not valid' }]))).toBe(false);
  });

  it('takes the verdict the client recorded on the error over its kind', () => {
    expect(mayHaveBeenProcessed(new HeroServerError({ ...call, status: 503, mayHaveBeenProcessed: true }))).toBe(true);
    expect(mayHaveBeenProcessed(new HeroTimeoutError({ ...call, kind: 'deadline', mayHaveBeenProcessed: false }))).toBe(false);
    expect(mayHaveBeenProcessed(new HeroAbortError({ ...call, cause: undefined, mayHaveBeenProcessed: false }))).toBe(false);
  });

  it('a 3xx may have been acted on for a POST, not for a GET', () => {
    expect(mayHaveBeenProcessed(new HeroRedirectError({ ...call, status: 303 }))).toBe(true);
    expect(mayHaveBeenProcessed(new HeroRedirectError({ method: 'GET', path: '/v1/me', status: 301 }))).toBe(false);
  });

  it('counts what it cannot judge as "may have been": an abort without a verdict, an unknown error', () => {
    expect(mayHaveBeenProcessed(new HeroAbortError({ ...call, cause: undefined }))).toBe(true);
    expect(mayHaveBeenProcessed(new HeroError('something else'))).toBe(true);
    expect(mayHaveBeenProcessed('not an error' as never)).toBe(true);
  });
});

describe('runBulk refuses what its types forbid, before starting anything', () => {
  const task = async () => 'x';
  it.each<[string, () => Promise<unknown>, string]>([
    ['null items', () => runBulk(null as never, task), 'items'],
    ['a number as items', () => runBulk(5 as never, task), 'items'],
    ['a plain object as items', () => runBulk({} as never, task), 'items'],
    ['a task that is not a function', () => runBulk([1], 'send' as never), 'task'],
    ['null options', () => runBulk([1], task, null as never), 'options'],
    ['a string as options', () => runBulk([1], task, 'fast' as never), 'options'],
    ['onProgress that is not a function', () => runBulk([1], task, { onProgress: 5 as never }), 'onProgress'],
    ['a signal that is not an AbortSignal', () => runBulk([1], task, { signal: { aborted: false } as never }), 'signal'],
    ['a negative progressIntervalMs', () => runBulk([1], task, { progressIntervalMs: -1 }), 'progressIntervalMs'],
    ['allowedPerSecond that is not a function', () => runBulk([1], task, { allowedPerSecond: 3 as never }), 'allowedPerSecond'],
    ['a journal given to runBulk (only hero.bulk keeps one)', () => runBulk([1], task, { journal: {} } as never), 'journal'],
    ['hero.bulk with null options', () => hero.bulk([1], task, null as never), 'options'],
    ['hero.bulk with an array as options', () => hero.bulk([1], task, [] as never), 'options'],
    ['hero.bulk with concurrency "4"', () => hero.bulk([1], task, { concurrency: '4' as never }), 'concurrency'],
  ])('%s: HeroInputError naming it', async (_label, run, field) => {
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    expect((error as HeroInputError).issues.map((i) => i.field)).toContain(field);
    expect(server.requests).toHaveLength(0);
  });

  it('never repeats an item in the message (it may be patient data)', async () => {
    const error = (await runBulk(9434765919 as never, task).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('9434765919');
  });

  it('takes a string (an iterable of characters), as its type allows', async () => {
    const report = await runBulk('ab', async (c) => c.toUpperCase());
    expect(report.results.map((r) => r.status === 'succeeded' && r.value)).toEqual(['A', 'B']);
  });
});
