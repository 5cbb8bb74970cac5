/**
 * `.withResponse()` on every resource method and on `hero.raw`, against a recording server on
 * 127.0.0.1 that answers with a request id, a cookie and a header echoing the key: status,
 * redacted headers, request id, attempts and elapsed time; awaiting still gives the data.
 */
import { describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient, type HeroClientOptions } from '../client.js';
import { HeroNotFoundError } from '../errors.js';
import { HeroPromise } from './hero-promise.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

const server = useFaultServer();
const apiKey = 'hk_test_with_response_5e6f7a8b';
const body = { patient_id: '42', id: '42', data: [] };
let sequence = 0;
const answer = () => ({
  type: 'respond' as const,
  body,
  headers: { 'x-request-id': `req-${++sequence}`, 'set-cookie': 'session=abc', 'x-echo': `key ${apiKey}`, 'x-plain': 'kept' },
});

const hero = (options: HeroClientOptions = {}) =>
  createHeroClient({ apiKey, practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options });

const sms = { patient_id: '1', message_type: 'sms' as const, message_string: 'hello' };
// Every promise-returning facade method, with valid arguments. Paged methods (`…All`,
// `searchAll`) return async iterables, not promises; `bulk`, `close` and the raw helpers are not calls.
const CALLS: Record<string, (hero: HeroClient) => HeroPromise<unknown, unknown>> = {
  'patients.registerPds': (h) => h.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' }),
  'patients.register': (h) => h.patients.register({ dob: '1992-01-01', first_name: 'A', last_name: 'B', mobile: '07700900123' }),
  'patients.get': (h) => h.patients.get('1'),
  'patients.search': (h) => h.patients.search({ last_name: 'x' }),
  'patients.list': (h) => h.patients.list(),
  'booking.listAppointmentTypes': (h) => h.booking.listAppointmentTypes(),
  'booking.listLocations': (h) => h.booking.listLocations(),
  'booking.listPractitioners': (h) => h.booking.listPractitioners(),
  'booking.getPractitioner': (h) => h.booking.getPractitioner('1'),
  'booking.listSlots': (h) => h.booking.listSlots(),
  'booking.countSlots': (h) => h.booking.countSlots(),
  'booking.getSlot': (h) => h.booking.getSlot('1'),
  'booking.createAppointment': (h) => h.booking.createAppointment({ slot_id: '1', patient_id: '1' } as never),
  'booking.getAppointment': (h) => h.booking.getAppointment('1'),
  'booking.editAppointment': (h) => h.booking.editAppointment('1', {} as never),
  'booking.cancelAppointment': (h) => h.booking.cancelAppointment('1'),
  'messages.send': (h) => h.messages.send(sms),
  'messages.get': (h) => h.messages.get('1'),
  'messages.batches.create': (h) => h.messages.batches.create({} as never),
  'messages.batches.list': (h) => h.messages.batches.list(),
  'messages.batches.get': (h) => h.messages.batches.get('1'),
  'messages.batches.send': (h) => h.messages.batches.send('1'),
  'messages.batches.recipients': (h) => h.messages.batches.recipients('1'),
  'messages.batches.sends': (h) => h.messages.batches.sends('1'),
  'messages.templates.list': (h) => h.messages.templates.list(),
  'messages.automated.list': (h) => h.messages.automated.list(),
  'messages.automated.get': (h) => h.messages.automated.get('1'),
  'webhooks.create': (h) => h.webhooks.create({ event_type: 'appointment.confirmed', url: 'https://example.com/hook' } as never),
  'webhooks.list': (h) => h.webhooks.list(),
  'links.getBookingLink': (h) => h.links.getBookingLink('1'),
  'links.updateBookingLink': (h) => h.links.updateBookingLink('1', {} as never),
  'links.createAttachmentLink': (h) => h.links.createAttachmentLink({} as never),
  'links.getStatus': (h) => h.links.getStatus({ url: 'https://hero.example/l/x' } as never),
  'raw.GET': (h) => h.raw.GET('/v1/me/capabilities'),
  'raw.request': (h) => h.raw.request('get', '/v1/me/capabilities'),
};
const NOT_CALLS = /(All|^paginate|^bulk|^close|^rateLimitSnapshot|^raw\.(use|eject|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE))$/;

function facadeMethods(root: object, prefix = ''): string[] {
  return Object.entries(root).flatMap(([key, value]) =>
    typeof value === 'function' ? [`${prefix}${key}`] : typeof value === 'object' && value !== null ? facadeMethods(value, `${prefix}${key}.`) : [],
  );
}

describe('.withResponse()', () => {
  it('is covered here for every promise-returning facade method', () => {
    const methods = facadeMethods(hero()).filter((name) => !NOT_CALLS.test(name));
    expect(methods.filter((name) => !(name in CALLS))).toEqual([]);
  });

  it.each(Object.keys(CALLS))('%s: status, redacted headers, request id, attempts, elapsed time', async (name) => {
    server.setFallback(answer);
    const client = hero({ checkPatientIdentifiers: false });
    const promise = CALLS[name]!(client);
    expect(promise).toBeInstanceOf(HeroPromise);
    const { data, response } = await promise.withResponse();
    expect(data).toBeDefined();
    expect(response).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'x-request-id': `req-${sequence}`, 'set-cookie': '[REDACTED]', 'x-echo': 'key [REDACTED]', 'x-plain': 'kept' }),
      requestId: `req-${sequence}`,
      attempts: 1,
      elapsedMs: expect.any(Number),
    });
    expect(JSON.stringify(response)).not.toContain(apiKey);
    expect(response.elapsedMs).toBeGreaterThan(0);
  });

  it('awaiting the same kind of call still gives the data alone; hero.raw keeps { data, error, response }', async () => {
    server.setFallback(answer);
    expect(await hero().booking.getAppointment('1')).toEqual(body);
    const raw = await hero().raw.GET('/v1/me/capabilities');
    expect(raw.data).toEqual(body);
    expect(raw.error).toBeUndefined();
    expect(raw.response).toBeInstanceOf(Response);
    const { data } = await hero().raw.GET('/v1/me/capabilities').withResponse();
    expect(data).toEqual(body);
  });

  it('counts the attempts of a retried call and reads the final request id', async () => {
    server.enqueue({ type: 'respond', status: 503, headers: { 'x-request-id': 'req-first' } }, { type: 'respond', status: 200, body, headers: { 'x-request-id': 'req-second' } });
    const { response } = await hero().patients.get('1').withResponse();
    expect(response).toMatchObject({ status: 200, requestId: 'req-second', attempts: 2 });
  });

  it('rejects with the typed error, which carries the request id', async () => {
    server.enqueue({ type: 'respond', status: 404, headers: { 'x-request-id': 'req-404' }, body: { message: 'Patient not found' } });
    const error = await hero().patients.get('1').withResponse().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNotFoundError);
    expect((error as HeroNotFoundError).requestId).toBe('req-404');
  });

  it('rejects, never throws, for input refused before sending; then/catch/finally behave as on a Promise', async () => {
    const refused = hero().patients.get(undefined as never);
    expect(refused).toBeInstanceOf(HeroPromise);
    await expect(refused.withResponse()).rejects.toThrow();
    await expect(refused).rejects.toThrow();
    server.setFallback(answer);
    let finallyRan = false;
    expect(await hero().booking.listLocations().finally(() => (finallyRan = true))).toEqual(body);
    expect(finallyRan).toBe(true);
    expect(await hero().patients.get(undefined as never).catch(() => 'caught')).toBe('caught');
    expect(server.requests).toHaveLength(1);
  });
});
