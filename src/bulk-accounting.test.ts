/**
 * Hostile runs of the bulk helper (issue 23, item 4): shared aborts while Hero holds the
 * requests, throwing callbacks and iterators, endless inputs with cancellation, absurd
 * concurrency, a 3xx after a POST. Every case checks the accounting against what a
 * recording server on 127.0.0.1 received: every item whose request reached the server is
 * in the report, and none of them is `failed` or `cancelled` (the statuses that say
 * "safe to send again") unless the server refused it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroBulkInterruptedError, type BulkItemResult, type BulkReport } from './bulk.js';
import { runBulk } from './run-bulk.js';
import { createHeroClient, type HeroClient } from './client.js';
import { HeroAbortError, HeroInputError, HeroNetworkError, HeroRedirectError, HeroTimeoutError, type HeroError } from './errors.js';
import { findClosedPort, startFaultServer, type FaultAction, type FaultServer, type RecordedRequest } from '../test/helpers/fault-server.js';

let server: FaultServer;
const clients: HeroClient[] = [];
// What the server does with each patient, by patient_id (or the id in a GET path); anything else answers 200.
const behaviour = new Map<string, FaultAction>();

function client(extra: Record<string, unknown> = {}): HeroClient {
  const hero = createHeroClient({ apiKey: 'hk_test_bulk_accounting_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, timeoutMs: 5000, ...extra });
  clients.push(hero);
  return hero;
}

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await Promise.all(clients.map((hero) => hero.close()));
  await server.close();
});
beforeEach(() => {
  server.reset();
  behaviour.clear();
  server.setFallback((request: RecordedRequest) => {
    const id = request.method === 'GET' ? (request.url.split('/').pop() ?? '') : ((JSON.parse(request.body || '{}') as { patient_id?: string }).patient_id ?? '');
    return behaviour.get(id) ?? behaviour.get('*') ?? { type: 'respond', status: 200, body: { message_id: `m-${id}` } };
  });
});

const send = (hero: HeroClient, patientId: string, signal?: AbortSignal) =>
  hero.messages.send({ patient_id: patientId, message_type: 'sms', message_string: 'Your results are ready' }, signal ? { signal } : undefined);
const reachedServer = (patientId: string) => server.requests.some((r) => r.body.includes(`"patient_id":"${patientId}"`) || r.url.endsWith(`/${patientId}`));
const waitFor = async (condition: () => boolean, timeoutMs = 3000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
const ids = (count: number, prefix = 'p') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/**
 * The accounting invariants: every item that reached the server is in the report, as
 * `succeeded` or `outcome-unknown` (or `failed` only when `refused` says the server turned
 * it down); the counters match the results.
 */
function expectHonestAccounting(report: BulkReport<string, unknown>, items: readonly string[], refused: (result: BulkItemResult<string, unknown>) => boolean = () => false): void {
  const byItem = new Map(report.results.filter(Boolean).map((r) => [r.item, r]));
  for (const item of items) {
    if (!reachedServer(item)) continue;
    const result = byItem.get(item);
    expect(result, `${item} reached the server but is not in the report`).toBeDefined();
    if (result!.status === 'failed' && refused(result!)) continue;
    expect(['succeeded', 'outcome-unknown'], `${item} reached the server but is reported ${result!.status}`).toContain(result!.status);
  }
  const count = (status: string) => report.results.filter((r) => r?.status === status).length;
  expect([report.succeeded, report.failed, report.outcomeUnknown, report.cancelled]).toEqual([count('succeeded'), count('failed'), count('outcome-unknown'), count('cancelled')]);
}

describe('one AbortSignal for the job and for every send', () => {
  it('aborted while Hero holds the requests: each one that arrived is outcome-unknown (never failed); the rest are never sent', async () => {
    behaviour.set('*', { type: 'hang' });
    const hero = client();
    const cancel = new AbortController();
    const patients = ids(10);

    const pending = hero.bulk(patients, (id) => send(hero, id, cancel.signal), { concurrency: 4, signal: cancel.signal });
    await waitFor(() => server.requests.length === 4);
    cancel.abort();
    const report = await pending;

    expect(report).toMatchObject({ outcomeUnknown: 4, failed: 0, cancelled: 6, succeeded: 0 });
    for (const result of report.results.filter((r) => r.status === 'outcome-unknown')) {
      expect(result).toMatchObject({ error: expect.any(HeroAbortError) });
      expect((result as { error: HeroError }).error.mayHaveBeenProcessed).toBe(true);
    }
    expect(server.requests).toHaveLength(4);
    expectHonestAccounting(report, patients);
  });

  it('aborted while sends wait for the rate limiter: those never sent are failed (safe), the one Hero holds is outcome-unknown', async () => {
    behaviour.set('*', { type: 'hang' });
    const hero = client({ rateLimit: { requestsPerSecond: 1, burst: 1 } });
    const cancel = new AbortController();
    const patients = ids(3, 'q');

    const pending = hero.bulk(patients, (id) => send(hero, id, cancel.signal), { concurrency: 3, signal: cancel.signal });
    await waitFor(() => server.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    cancel.abort();
    const report = await pending;

    expect(server.requests).toHaveLength(1);
    const sentIndex = patients.findIndex(reachedServer);
    expect(report.results[sentIndex]).toMatchObject({ status: 'outcome-unknown', error: expect.any(HeroAbortError) });
    const unsent = report.results.filter((_, i) => i !== sentIndex);
    expect(unsent.map((r) => r.status)).toEqual(['failed', 'failed']);
    for (const r of unsent) expect((r as { error?: HeroError }).error).toMatchObject({ name: 'HeroAbortError', mayHaveBeenProcessed: false });
    expectHonestAccounting(report, patients);
  });

  it("a send's own deadline passing while it waits for a permit (nothing sent) is failed, not outcome-unknown", async () => {
    const hero = client({ rateLimit: { requestsPerSecond: 2, burst: 1 } });
    const patients = ids(3, 'd');

    const report = await hero.bulk(patients, (id) => hero.messages.send({ patient_id: id, message_type: 'sms', message_string: 'x' }, { deadlineMs: 150 }), { concurrency: 3 });

    expect(server.requests).toHaveLength(1);
    expect(report.results.map((r) => r.status).sort()).toEqual(['failed', 'failed', 'succeeded']);
    for (const r of report.results.filter((r) => r.status === 'failed')) expect((r as { error: unknown }).error).toBeInstanceOf(HeroTimeoutError);
    expectHonestAccounting(report, patients);
  });
});

describe('answers that may follow a processed send', () => {
  it('a 303 after a POST is outcome-unknown (the usual "done, see there"); after a GET it is failed', async () => {
    behaviour.set('*', { type: 'respond', status: 303, headers: { location: `${server.url}/v1/messages/1` } });
    const hero = client();

    const posts = await hero.bulk(['r1', 'r2'], (id) => send(hero, id));
    const gets = await hero.bulk(['11', '12'], (id) => hero.patients.get(id));

    expect(posts.results.map((r) => r.status)).toEqual(['outcome-unknown', 'outcome-unknown']);
    expect(posts.results[0]).toMatchObject({ error: expect.any(HeroRedirectError) });
    expect(gets.results.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(server.requests).toHaveLength(4);
  });

  it('a refused connection is failed (nothing left the client); a connection reset after sending is outcome-unknown', async () => {
    const closed = createHeroClient({ apiKey: 'hk_test_bulk_accounting_1234567890', practiceGroupId: '4242', baseUrl: `http://127.0.0.1:${await findClosedPort()}`, env: {}, retry: { maxAttempts: 1 } });
    clients.push(closed);
    behaviour.set('*', { type: 'reset-after-body' });
    const hero = client();

    const refused = await closed.bulk(['c1'], (id) => send(closed, id));
    const reset = await hero.bulk(['c2'], (id) => send(hero, id));

    expect(refused.results[0]).toMatchObject({ status: 'failed', error: expect.any(HeroNetworkError) });
    expect(reset.results[0]).toMatchObject({ status: 'outcome-unknown', error: expect.any(HeroNetworkError) });
  });

  it('a task that sent, then failed on a later call that changed nothing (a GET 404, an input error), is outcome-unknown, never failed', async () => {
    behaviour.set('404', { type: 'respond', status: 404, body: { error: 'not found' } });
    const hero = client();

    const report = await hero.bulk(['s1', 's2', 's3'], async (id) => {
      await send(hero, id);
      if (id === 's1') return hero.patients.get('404');
      if (id === 's2') return hero.patients.get('');
      return 'done';
    });

    expect(reachedServer('s1') && reachedServer('s2') && reachedServer('404')).toBe(true);
    expect(report.results.map((r) => r.status)).toEqual(['outcome-unknown', 'outcome-unknown', 'succeeded']);
    expect(report).toMatchObject({ failed: 0, outcomeUnknown: 2, succeeded: 1 });
    // The error is still the call's own (the verdict is the item's).
    expect(report.results[1]).toMatchObject({ error: expect.any(HeroInputError) });
    expectHonestAccounting(report, ['s1', 's2', 's3']);
  });

  it('a task whose only send was refused (400), or that only read, stays failed', async () => {
    behaviour.set('r400', { type: 'respond', status: 400, body: { error: true, statusCode: 400, message: [] } });
    behaviour.set('404', { type: 'respond', status: 404, body: { error: 'not found' } });
    const hero = client();

    const report = await hero.bulk(['r400', 'g'], async (id) => (id === 'g' ? hero.patients.get('404') : send(hero, id)));

    expect(report.results.map((r) => r.status)).toEqual(['failed', 'failed']);
  });
});

describe('a callback or the input fails mid-job', () => {
  it('onProgress throwing ends the job: nothing more is sent, every started item is in the report, the rest cancelled', async () => {
    behaviour.set('*', { type: 'respond', status: 200, body: {}, delayMs: 20 });
    const hero = client();
    const patients = ids(60, 'o');
    const bug = new Error('progress bar broke');
    let calls = 0;

    const error = await hero
      .bulk(patients, (id) => send(hero, id), {
        concurrency: 4,
        progressIntervalMs: 0,
        onProgress: () => {
          if (++calls === 3) throw bug;
        },
      })
      .catch((e: unknown) => e);
    const sentAtEnd = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 150));

    expect(error).toBeInstanceOf(HeroBulkInterruptedError);
    const { report, source, cause } = error as HeroBulkInterruptedError<string, unknown>;
    expect({ source, cause }).toEqual({ source: 'onProgress', cause: bug });
    expect(server.requests).toHaveLength(sentAtEnd); // nothing went out after the job ended
    expect(report.succeeded).toBe(sentAtEnd);
    expect(report.succeeded + report.cancelled).toBe(60);
    expect(report.results).toHaveLength(60);
    expect(calls).toBe(3); // never called again after it threw
    expectHonestAccounting(report, patients);
  });

  it.each([
    ['a generator', false],
    ['an async generator', true],
  ])('%s that throws ends the job once the sends in flight finish, each of them in the report', async (_label, isAsync) => {
    behaviour.set('*', { type: 'respond', status: 200, body: {}, delayMs: 80 });
    const hero = client();
    const broken = new Error('database cursor lost');
    const patients = ids(8, isAsync ? 'ia' : 'is');
    function* sync() {
      yield* patients;
      throw broken;
    }
    async function* asynchronous() {
      for (const id of patients) yield id;
      throw broken;
    }

    const error = await hero.bulk(isAsync ? asynchronous() : sync(), (id) => send(hero, id), { concurrency: 6 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroBulkInterruptedError);
    const { report, source, cause } = error as HeroBulkInterruptedError<string, unknown>;
    expect({ source, cause }).toEqual({ source: 'items', cause: broken });
    expect(server.requests).toHaveLength(8);
    expect(report.results.map((r) => r.status)).toEqual(Array(8).fill('succeeded'));
    expectHonestAccounting(report, patients);
  });

  it('an iterable whose iterator cannot be made, or that yields a non-object, interrupts before or after what started', async () => {
    const unopenable = { [Symbol.iterator]: () => { throw new Error('closed'); } } as unknown as Iterable<string>;
    const badResult = { [Symbol.iterator]: () => ({ next: () => 42 }) } as unknown as Iterable<string>;
    let started = 0;

    for (const items of [unopenable, badResult]) {
      const error = await runBulk(items, async () => void started++).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroBulkInterruptedError);
      expect((error as HeroBulkInterruptedError).report.results).toEqual([]);
    }
    expect(started).toBe(0);
  });

  it('a task that throws synchronously is reported outcome-unknown, and the job goes on', async () => {
    const report = await runBulk([1, 2], (n) => {
      if (n === 1) throw new TypeError('bug before the call');
      return Promise.resolve(n);
    });
    expect(report.results.map((r) => r.status)).toEqual(['outcome-unknown', 'succeeded']);
  });
});

describe('endless inputs and cancellation', () => {
  /** Counts timer ticks while `run` runs: 0 means the job starved the event loop. */
  async function ticksDuring<T>(run: () => Promise<T>): Promise<{ result: T; ticks: number }> {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    try {
      const result = await run();
      return { result, ticks };
    } finally {
      clearInterval(interval);
    }
  }

  it('cancelling over an endless generator whose tasks settle at once: the job ends, timers keep ticking, the generator is closed', { timeout: 10_000 }, async () => {
    let closed = false;
    function* endless() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 100);

    const { result: report, ticks } = await ticksDuring(() => runBulk(endless(), async (n) => n, { concurrency: 8, signal: cancel.signal }));

    expect(ticks).toBeGreaterThan(0);
    expect(closed).toBe(true);
    expect(report.succeeded).toBeGreaterThan(0);
    expect(report.results.every((r, i) => r.index === i)).toBe(true);
  });

  it('the same with tasks that fail at once with HeroInputError (nothing sent): failed, and the loop still yields', { timeout: 10_000 }, async () => {
    function* endless() {
      for (let i = 0; ; i++) yield i;
    }
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 100);

    const { result: report, ticks } = await ticksDuring(() =>
      runBulk(endless(), async () => {
        throw new HeroInputError([{ field: 'nhs_number', message: 'is not valid' }]);
      }, { signal: cancel.signal }),
    );

    expect(ticks).toBeGreaterThan(0);
    expect(report.failed).toBeGreaterThan(0);
    expect(report.outcomeUnknown).toBe(0);
  });

  it('cancelling while an async iterable never yields its next item ends the job at once', { timeout: 10_000 }, async () => {
    const stuck: AsyncIterable<string> = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<string>>(() => undefined) }) };
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);

    const report = await runBulk(stuck, async (item) => item, { signal: cancel.signal });

    expect(report.results).toEqual([]);
  });

  it('an endless async generator with real sends: cancelled, every send that went out is reported', { timeout: 10_000 }, async () => {
    behaviour.set('*', { type: 'respond', status: 200, body: {}, delayMs: 5 });
    const hero = client();
    let produced = 0;
    async function* endless() {
      for (;;) yield `e${produced++}`;
    }
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 200);

    const report = await hero.bulk(endless(), (id) => send(hero, id), { concurrency: 4, signal: cancel.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(report.succeeded).toBe(server.requests.length);
    expectHonestAccounting(report, Array.from({ length: produced }, (_, i) => `e${i}`));
  });
});

describe('concurrency is bounded and checked', () => {
  it.each([[2 ** 31 - 1], [1001], [0], [-1], [1.5], [Number.NaN], [Infinity], ['4'], [null]])('refuses concurrency %s with HeroInputError before anything starts', async (concurrency) => {
    let started = 0;
    const error = await runBulk(['a'], async () => void started++, { concurrency: concurrency as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    expect((error as HeroInputError).issues[0]?.field).toBe('concurrency');
    expect(started).toBe(0);
  });

  it('takes the largest concurrency for a short list without building a worker per slot', async () => {
    const report = await runBulk(['a', 'b', 'c'], async (x) => x, { concurrency: 1000 });
    expect(report.succeeded).toBe(3);
  });

  it('never has more than `concurrency` tasks running', async () => {
    let running = 0;
    let most = 0;
    await runBulk(ids(50), async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
    }, { concurrency: 7 });
    expect(most).toBe(7);
  });
});

describe('random hostile runs (fast-check): nothing lost, nothing possibly sent called safe to resend', () => {
  type Behaviour = 'ok' | 'slow-ok' | '400' | '503' | '500' | '303' | 'hang' | 'reset-after-body' | 'reset-before-body';
  const actions: Record<Behaviour, FaultAction> = {
    ok: { type: 'respond', status: 200, body: {} },
    'slow-ok': { type: 'respond', status: 200, body: {}, delayMs: 40 },
    '400': { type: 'respond', status: 400, body: { message: [] } },
    '503': { type: 'respond', status: 503 },
    '500': { type: 'respond', status: 500 },
    '303': { type: 'respond', status: 303, headers: { location: '/v1/messages/1' } },
    hang: { type: 'hang' },
    'reset-after-body': { type: 'reset-after-body' },
    'reset-before-body': { type: 'reset-before-body' },
  };
  // What each answer means once it has arrived, when nothing else (an abort) got in the way.
  const settled: Record<Behaviour, string> = {
    ok: 'succeeded',
    'slow-ok': 'succeeded',
    '400': 'failed',
    '503': 'failed',
    '500': 'outcome-unknown',
    '303': 'outcome-unknown',
    hang: 'outcome-unknown',
    'reset-after-body': 'outcome-unknown',
    'reset-before-body': 'outcome-unknown',
  };
  const refusals: ReadonlySet<Behaviour> = new Set(['400', '503']);

  it('holds for random mixes of answers, aborts, throwing callbacks and inputs', { timeout: 120_000 }, async () => {
    const hero = client({ timeoutMs: 300, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          behaviours: fc.array(fc.constantFrom<Behaviour>(...(Object.keys(actions) as Behaviour[])), { minLength: 1, maxLength: 14 }),
          concurrency: fc.integer({ min: 1, max: 8 }),
          abortAfterMs: fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
          signalToSends: fc.boolean(),
          progressThrowsAt: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
          input: fc.constantFrom('array', 'generator', 'async-generator'),
          inputThrowsAt: fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined }),
        }),
        async (scenario) => {
          server.reset();
          run++;
          const patients = scenario.behaviours.map((_, i) => `r${run}x${i}`);
          const behaviourOf = new Map(patients.map((id, i) => [id, scenario.behaviours[i]!]));
          server.setFallback((request) => {
            const id = (JSON.parse(request.body || '{}') as { patient_id?: string }).patient_id ?? '';
            return actions[behaviourOf.get(id) ?? 'ok'];
          });
          const throwsAt = scenario.input === 'array' ? undefined : scenario.inputThrowsAt;
          function* sync() {
            for (const [i, id] of patients.entries()) {
              if (i === throwsAt) throw new Error('input broke');
              yield id;
            }
          }
          async function* asynchronous() {
            for (const [i, id] of patients.entries()) {
              await new Promise((resolve) => setTimeout(resolve, 1));
              if (i === throwsAt) throw new Error('input broke');
              yield id;
            }
          }
          const items = scenario.input === 'array' ? patients : scenario.input === 'generator' ? sync() : asynchronous();
          const cancel = new AbortController();
          const timer = scenario.abortAfterMs === undefined ? undefined : setTimeout(() => cancel.abort(), scenario.abortAfterMs);
          const started = new Set<string>();
          let progressCalls = 0;
          let ticks = 0;
          const ticker = setInterval(() => ticks++, 5);
          const begun = Date.now();

          const outcome = await hero
            .bulk(
              items,
              (id) => {
                started.add(id);
                return send(hero, id, scenario.signalToSends ? cancel.signal : undefined);
              },
              {
                concurrency: scenario.concurrency,
                signal: cancel.signal,
                progressIntervalMs: 0,
                onProgress: () => {
                  if (++progressCalls === scenario.progressThrowsAt) throw new Error('progress broke');
                },
              },
            )
            .catch((e: unknown) => e);
          clearTimeout(timer);
          clearInterval(ticker);
          const elapsedMs = Date.now() - begun;

          const report = outcome instanceof HeroBulkInterruptedError ? (outcome.report as BulkReport<string, unknown>) : (outcome as BulkReport<string, unknown>);
          expect(report.results, `unexpected rejection: ${String(outcome)}`).toBeDefined();
          // Every started item is in the report with a final status; nothing lost.
          const byItem = new Map(report.results.map((r) => [r.item, r]));
          for (const id of started) expect(['succeeded', 'failed', 'outcome-unknown'], `${id} started`).toContain(byItem.get(id)?.status);
          // Nothing that reached the server is called safe to resend unless the server refused it.
          expectHonestAccounting(report, patients, (r) => refusals.has(behaviourOf.get(r.item)!));
          // Without an abort, every finished item has exactly the status its answer means.
          if (scenario.abortAfterMs === undefined) {
            for (const r of report.results) if (r.status !== 'cancelled') expect(r.status, `${r.item} (${behaviourOf.get(r.item)})`).toBe(settled[behaviourOf.get(r.item)!]);
          }
          // No hang, and the event loop kept turning.
          expect(elapsedMs).toBeLessThan(10_000);
          if (elapsedMs > 50) expect(ticks).toBeGreaterThan(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});
