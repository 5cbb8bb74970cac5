/**
 * Hostile input at the client's edges, against recording servers on 127.0.0.1: each case
 * asserts what reached the wire — nothing, or exactly the intended endpoint — and what
 * the caller got. (Issue 11: paths, queries, redirects, hooks and error logging.)
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient } from './client.js';
import { HeroInputError, HeroRedirectError, HeroValidationError } from './errors.js';
import { startFaultServer, type FaultServer } from '../test/helpers/fault-server.js';
import type { ResponseHookEvent } from './transport/types.js';

const API_KEY = 'hk_test_boundaries_secret_7f3a9c';
const NHS_NUMBER = '9434765919';
const options = { apiKey: API_KEY, practiceGroupId: '4242', env: {}, retry: { baseDelayMs: 1, budget: false as const } };

let server: FaultServer;
let other: FaultServer; // "another origin": must never hear from us
beforeAll(async () => {
  [server, other] = await Promise.all([startFaultServer(), startFaultServer()]);
});
afterAll(() => Promise.all([server.close(), other.close()]));
beforeEach(() => {
  server.reset();
  other.reset();
});

function client(extra: Record<string, unknown> = {}) {
  return createHeroClient({ ...options, baseUrl: server.url, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const long = `${NHS_NUMBER}${'x'.repeat(100_000)}`;
const hostileIds: [string, unknown][] = [
  ["'..'", '..'],
  ["'.'", '.'],
  ["''", ''],
  ["'%2e%2e'", '%2e%2e'],
  ["'a/b'", 'a/b'],
  ["'a?b'", 'a?b'],
  ["'a#b'", 'a#b'],
  ['an object smuggling a path', { '../../v1/me/capabilities?x': '' }],
  ['an array', ['1', '2']],
  ['null', null],
  ['undefined', undefined],
  ['a 100,000-character string', long],
  ['non-ASCII digits', '١٢٣'],
  ['non-ASCII text', 'patiënt'],
  ['a replacement pattern', '$`$&'],
  ['a control character', '12\r\n3'],
  ['a fraction', 1.5],
];

describe('path parameters through the facade (spec pattern ^\\d+$)', () => {
  const calls: [string, (hero: ReturnType<typeof client>, id: unknown) => Promise<unknown>][] = [
    ['patients.get', (hero, id) => hero.patients.get(id as string)],
    ['booking.cancelAppointment', (hero, id) => hero.booking.cancelAppointment(id as string)],
    ['booking.editAppointment', (hero, id) => hero.booking.editAppointment(id as string, {} as never)],
    ['messages.batches.send', (hero, id) => hero.messages.batches.send(id as string)],
    ['links.getBookingLink', (hero, id) => hero.links.getBookingLink(id as string)],
  ];
  describe.each(calls)('%s', (_name, call) => {
    it.each(hostileIds)('refuses %s: HeroInputError naming `id`, nothing sent', async (_label, id) => {
      const error = await rejection(call(client(), id));
      expect(error).toBeInstanceOf(HeroInputError);
      expect((error as HeroInputError).issues[0]?.field).toBe('id');
      expect(error.message).not.toContain(NHS_NUMBER);
      expect(error.message).not.toContain('capabilities');
      expect(server.requests).toHaveLength(0);
    });
  });

  it('sends a valid id (string or integer) to exactly the intended endpoint', async () => {
    const hero = client();
    await hero.patients.get('12345');
    await hero.patients.get(678 as unknown as string);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/patients/12345', 'GET /v1/patients/678']);
  });
});

describe('path parameters through hero.raw', () => {
  it('applies the same checks to spec paths, and needs params.path at all', async () => {
    const hero = client();
    for (const [, id] of hostileIds) {
      await expect(hero.raw.GET('/v1/patients/{id}', { params: { path: { id: id as string } } })).rejects.toBeInstanceOf(HeroInputError);
    }
    await expect(hero.raw.GET('/v1/patients/{id}', {} as never)).rejects.toBeInstanceOf(HeroInputError);
    expect(server.requests).toHaveLength(0);
  });

  it('encodes each allowed value of a path outside the spec as exactly one segment', async () => {
    const hero = client();
    const get = hero.raw.GET as unknown as (path: string, init: object) => Promise<unknown>;
    for (const name of ['a/b', 'a?b', 'a#b', 'patiënt', '$`']) await get('/v1/things/{name}', { params: { path: { name } } });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/things/a%2Fb',
      '/v1/things/a%3Fb',
      '/v1/things/a%23b',
      '/v1/things/pati%C3%ABnt',
      '/v1/things/%24%60',
    ]);
    for (const name of ['..', '.', '', '%2e%2e', null, {}, []]) {
      await expect(get('/v1/things/{name}', { params: { path: { name } } })).rejects.toBeInstanceOf(HeroInputError);
    }
    expect(server.requests).toHaveLength(5);
  });

  it('refuses per-call path and query serializers', async () => {
    const hero = client();
    const init = { params: { path: { id: '1' } }, pathSerializer: () => '/v1/me' };
    await expect(hero.raw.GET('/v1/patients/{id}', init as never)).rejects.toBeInstanceOf(HeroInputError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('the URL never leaves the configured base URL', () => {
  it('refuses a path that climbs out of the base path, and a per-call baseUrl elsewhere', async () => {
    const hero = client({ baseUrl: `${server.url}/api/` });
    const get = hero.raw.GET as unknown as (path: string, init?: object) => Promise<unknown>;
    const otherHost = new URL(other.url).host;
    // A malformed path is refused as such (`path`, issue 23); what still resolves elsewhere, by the URL scope (`url`).
    const escapes: [() => Promise<unknown>, string][] = [
      [() => get('/../v1/me/capabilities'), 'path'],
      [() => get('/%2e%2e/v1/me'), 'path'],
      [() => get('/v1/me', { baseUrl: other.url }), 'url'],
      [() => get('x/../../v1/me'), 'path'],
      [() => get(`@${otherHost}/v1/me`), 'path'],
      [() => get(`.${otherHost}/v1/me`), 'path'],
    ];
    for (const [escape, field] of escapes) {
      const error = await rejection(escape());
      expect(error).toBeInstanceOf(HeroInputError);
      expect((error as HeroInputError).issues[0]?.field).toBe(field);
    }
    expect(server.requests).toHaveLength(0);
    expect(other.requests).toHaveLength(0);
    await hero.raw.GET('/v1/me/capabilities');
    expect(server.requests.map((r) => r.url)).toEqual(['/api/v1/me/capabilities']);
  });
});

describe('query keys', () => {
  it('the facade refuses keys the operation does not declare; nothing is sent', async () => {
    const hero = client();
    for (const query of [{ 'nhs_number=1&page_size': '5' }, { 'ids[]': '1' }, { 'a&b': '1' }, { nhs_number: '9434765919', extra: '2' }]) {
      const error = await rejection(hero.patients.search(query as never));
      expect(error).toBeInstanceOf(HeroInputError);
      expect(error.message).toContain('is not a query parameter of GET /v3/patients');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('hero.raw sends any key, encoded so that one key is one parameter', async () => {
    const hero = client();
    await hero.raw.GET('/v3/patients', { params: { query: { 'nhs_number=1&page_size': '5', 'ids[]': ['1', '2'], 'a=b': 'c&d' } as never } });
    const url = server.requests[0]?.url ?? '';
    expect(url).toBe('/v3/patients?nhs_number%3D1%26page_size=5&ids%5B%5D=1&ids%5B%5D=2&a%3Db=c%26d');
    expect([...new URL(url, 'http://x').searchParams.keys()]).toEqual(['nhs_number=1&page_size', 'ids[]', 'ids[]', 'a=b']);
  });

  it('objects as query values are refused, not flattened into extra parameters', async () => {
    const hero = client();
    await expect(hero.raw.GET('/v3/patients', { params: { query: { nhs_number: { page_size: '1' } } as never } })).rejects.toBeInstanceOf(
      HeroInputError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('redirects are never followed', () => {
  it.each([301, 302, 303, 307, 308])('%i to another origin: typed error with its origin only; nothing re-sent anywhere', async (status) => {
    const location = `${other.url}/steal?nhs_number=${NHS_NUMBER}&key=${API_KEY}`;
    server.setFallback({ type: 'respond', status, headers: { location }, body: { moved: true } });
    const hero = client();
    for (const call of [
      () => hero.patients.registerPds({ nhs_number: NHS_NUMBER, dob: '1992-01-01' }, { idempotent: true }),
      () => hero.patients.get('12345'),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(HeroRedirectError);
      expect((error as HeroRedirectError).status).toBe(status);
      expect((error as HeroRedirectError).location).toBe(other.url);
      const shown = `${error.message} ${JSON.stringify(error)} ${inspect(error)} ${JSON.stringify((error as HeroRedirectError).headers)}`;
      expect(shown).not.toContain('/steal');
      expect(shown).not.toContain(NHS_NUMBER);
      expect(shown).not.toContain(API_KEY);
    }
    expect(server.requests).toHaveLength(2); // one each: a redirect is not retried
    expect(other.requests).toHaveLength(0);
  });

  it('a same-origin redirect is not followed either', async () => {
    server.enqueue({ type: 'respond', status: 302, headers: { location: '/v1/me' } });
    const error = await rejection(client().patients.get('1'));
    expect(error).toBeInstanceOf(HeroRedirectError);
    expect((error as HeroRedirectError).location).toBe(server.url);
    expect(server.requests).toHaveLength(1);
  });

  it('hero.raw cannot opt back into following', async () => {
    server.enqueue({ type: 'respond', status: 307, headers: { location: `${other.url}/x` } });
    await expect(client().raw.GET('/v1/me', { redirect: 'follow' })).rejects.toBeInstanceOf(HeroRedirectError);
    expect(other.requests).toHaveLength(0);
  });
});

describe('nothing sensitive through hooks and error logs', () => {
  it('onResponse gets redacted headers: secrets, cookies, echoed keys, location path', async () => {
    server.setFallback({
      type: 'respond',
      status: 200,
      headers: { 'set-cookie': 'session=abc', 'x-api-key': API_KEY, 'x-echo': `key=${API_KEY}`, location: `${other.url}/p?nhs=${NHS_NUMBER}` },
      body: {},
    });
    const events: ResponseHookEvent[] = [];
    const hero = client({ hooks: { onResponse: (event: ResponseHookEvent) => void events.push(event) } });
    await hero.raw.GET('/v1/me');
    const shown = JSON.stringify(events);
    expect(shown).not.toContain(API_KEY);
    expect(shown).not.toContain('session=abc');
    expect(shown).not.toContain(NHS_NUMBER);
    expect(events[0]?.response).toMatchObject({ status: 200, ok: true, headers: { 'x-echo': 'key=[REDACTED]', location: other.url } });
    expect(events[0]?.request.headers['x-api-key']).toBe('[REDACTED]');
  });

  it('toJSON and inspect leave out the response body and headers; error.body stays readable', async () => {
    server.enqueue({
      type: 'respond',
      status: 400,
      headers: { 'x-patient': NHS_NUMBER },
      body: { message: [{ code: 'invalid', path: ['nhs_number'] }], echo: { nhs_number: NHS_NUMBER } },
    });
    const error = await rejection(client().patients.search({ nhs_number: NHS_NUMBER }));
    expect(error).toBeInstanceOf(HeroValidationError);
    expect(JSON.stringify(error)).not.toContain(NHS_NUMBER);
    expect(inspect(error, { depth: 10 })).not.toContain(NHS_NUMBER);
    expect((error as HeroValidationError).body).toMatchObject({ echo: { nhs_number: NHS_NUMBER } });
    expect((error as HeroValidationError).issues[0]?.path).toEqual(['nhs_number']);
  });
});
