/**
 * `hero.close()` with calls still waiting their turn (issue 23, item 6): every one of
 * them settles at once with a typed error that says nothing was sent, nothing is sent
 * after it, and a worker process exits on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, HeroClientClosedError, HeroError } from '../index.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { runScript } from '../../test/helpers/run-script.js';

let api: FaultServer;
beforeAll(async () => {
  api = await startFaultServer();
});
afterAll(() => api.close());

const send = (marker: number) => ({ patient_id: '156', message_type: 'sms' as const, message_string: `close test ${marker}` });

describe('closing a client with calls queued', () => {
  it('rejects every queued call with HeroClientClosedError at once, and sends nothing after it', async () => {
    api.reset();
    const hero = createHeroClient({ apiKey: 'hk_test_close_7a1b2c3d', practiceGroupId: '4242', baseUrl: api.url, env: {}, rateLimit: { requestsPerSecond: 2 } });
    const calls = Array.from({ length: 6 }, (_, i) => hero.messages.send(send(i)));
    const outcomes = Promise.allSettled(calls);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closingAt = performance.now();
    await hero.close();
    const settled = await outcomes;
    const settledMs = performance.now() - closingAt;

    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(5);
    for (const { reason } of rejected) {
      expect(reason).toBeInstanceOf(HeroClientClosedError);
      expect(reason).toBeInstanceOf(HeroError);
    }
    expect(settledMs).toBeLessThan(100);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(api.requests).toHaveLength(1);
    // A call made after close() is refused the same way.
    await expect(hero.messages.send(send(9))).rejects.toBeInstanceOf(HeroClientClosedError);
  });

  it('lets a worker exit on its own after close(), however many calls were queued', async () => {
    const script = `
      import { createHeroClient } from './src/index.ts';
      const hero = createHeroClient({ apiKey: 'hk_test_close_worker', practiceGroupId: '4242', baseUrl: process.env.API_URL, env: {}, rateLimit: { requestsPerSecond: 2 } });
      const calls = Array.from({ length: 6 }, (_, i) => hero.raw.GET('/v1/me/capabilities').catch((e) => e.name));
      setTimeout(() => void hero.close(), 300);
      console.log(JSON.stringify(await Promise.all(calls.map((c) => c.then((r) => (typeof r === 'string' ? r : 'ok'))))));
    `;
    const { code, stdout, stderr } = await runScript(script, { API_URL: api.url });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(['ok', ...Array(5).fill('HeroClientClosedError')]);
  });
});
