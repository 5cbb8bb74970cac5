/**
 * The messages resource's template and automated-message calls on the wire, against a real
 * HTTP server on 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient } from '../client.js';
import { HeroInputError } from '../errors.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const hero = () =>
  createHeroClient({ apiKey: 'hk_test_messages', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { baseDelayMs: 1, maxDelayMs: 2 } });

describe('hero.messages.templates and hero.messages.automated', () => {
  it('lists templates with the has_follow_up filter in the query', async () => {
    server.enqueue({ type: 'respond', body: { data: [{ id: '1' }], count: 1 } });
    expect(await hero().messages.templates.list({ has_follow_up: true })).toEqual({ data: [{ id: '1' }], count: 1 });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/templates?has_follow_up=true']);
  });

  it('lists and gets automated messages under /v2', async () => {
    server.enqueue({ type: 'respond', body: {} });
    server.enqueue({ type: 'respond', body: { id: '77' } });
    await hero().messages.automated.list({ recipient_id: '98765', status: 'INVALIDATED' });
    expect(await hero().messages.automated.get('77')).toEqual({ id: '77' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v2/automated_messages?recipient_id=98765&status=INVALIDATED',
      'GET /v2/automated_messages/77',
    ]);
  });

  it('refuses a hostile id before sending: the spec gives ids the pattern ^\\d+$', async () => {
    await expect(hero().messages.automated.get('1/../../v1/me?x=')).rejects.toBeInstanceOf(HeroInputError);
    expect(server.requests).toEqual([]);
    await hero().messages.automated.get('42');
    expect(server.requests[0]?.url).toBe('/v2/automated_messages/42');
  });
});

describe('hero.patients.registerPds with dob: null', () => {
  it('sends nothing: Hero documents null as allowed, but a trace needs a date of birth', async () => {
    const error = await hero()
      .patients.registerPds({ nhs_number: '9434765919', dob: null as unknown as string })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    expect((error as HeroInputError).issues).toEqual([{ field: 'dob', message: 'is required' }]);
    expect(server.requests).toEqual([]);
  });
});
