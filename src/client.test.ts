/**
 * The facade end to end against a real HTTP server on 127.0.0.1: what goes on the wire,
 * how each answer comes back, and that bad input sends nothing.
 */
import { describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClientOptions } from './client.js';
import {
  HeroInputError,
  HeroNotFoundError,
  HeroResponseParseError,
  HeroServerError,
  HeroAuthenticationError,
} from './index.js';

import { useFaultServer } from '../test/helpers/use-fault-server.js';

const apiKey = 'hk_test_client_facade_secret';
const server = useFaultServer();

const hero = (options: HeroClientOptions = {}) =>
  createHeroClient({
    apiKey,
    practiceGroupId: '4242',
    baseUrl: server.url,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...options,
  });

describe('hero.patients.registerPds', () => {
  it('sends the normalised body with both auth headers and returns the registered outcome', async () => {
    server.enqueue({ type: 'respond', body: { patient_id: '98765' } });
    const result = await hero().patients.registerPds({ nhs_number: '943 476 5919', dob: '1992-01-01' });
    expect(result).toEqual({ outcome: 'registered', patientId: '98765' });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/patients/register_pds');
    expect(request?.headers['x-api-key']).toBe(apiKey);
    expect(request?.headers['x-practice-group-id']).toBe('4242');
    expect(JSON.parse(request?.body ?? '')).toEqual({ nhs_number: '9434765919', dob: '1992-01-01' });
  });

  it('returns the verification outcome with the login URL', async () => {
    server.enqueue({ type: 'respond', body: { message: 'Patient must verify', login_url: 'https://patient.herohealth.net/verify/abc123' } });
    const result = await hero().patients.registerPds({ forename: 'Ada', surname: 'Lovelace', dob: '1990-12-10', postcode: 'sw1a1aa' });
    expect(result).toEqual({ outcome: 'verification_required', message: 'Patient must verify', loginUrl: 'https://patient.herohealth.net/verify/abc123' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ postcode: 'SW1A 1AA' });
  });

  it('rejects bad input before sending anything, listing every problem by field', async () => {
    const error = await hero()
      .patients.registerPds({ nhs_number: '123 456 7891', dob: '2999-02-30' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    const fields = (error as HeroInputError).issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['nhs_number', 'dob']));
    expect((error as HeroInputError).message).toMatch(/check digit/);
    expect(server.requests).toHaveLength(0);
  });

  it('turns a 404 into a not-found error that says no PDS match was found', async () => {
    server.enqueue({ type: 'respond', status: 404 });
    const error = await hero().patients.registerPds({ nhs_number: '9000000009', dob: '1992-01-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNotFoundError);
    expect((error as HeroNotFoundError).message).toMatch(/no PDS match/);
    expect((error as HeroNotFoundError).status).toBe(404);
    expect((error as HeroNotFoundError).path).toBe('/v1/patients/register_pds');
  });

  it('reports a 200 body that is neither outcome as a parse error, not a guess', async () => {
    server.enqueue({ type: 'respond', body: { something: 'else' } });
    await expect(hero().patients.registerPds({ nhs_number: '9000000009', dob: '1992-01-01' })).rejects.toThrow(HeroResponseParseError);
  });
});

describe('responses that break the contract', () => {
  it('a 200 with malformed JSON is a parse error naming the operation', async () => {
    server.enqueue({ type: 'respond', headers: { 'content-type': 'application/json' }, body: '{"id": "1",' });
    const error = await hero().booking.getAppointment('1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroResponseParseError);
    expect((error as HeroResponseParseError).operationId).toBe('getAppointment');
    expect((error as Error).message).toMatch(/getAppointment/);
  });

  it('a 200 with an empty body where JSON is promised is a parse error', async () => {
    server.enqueue({ type: 'respond', status: 200, headers: { 'content-length': '0' } });
    await expect(hero().messages.get('7')).rejects.toThrow(/getMessage.*empty body/);
  });

  it('an empty-bodied 401 is an authentication error with the path template', async () => {
    server.enqueue({ type: 'respond', status: 401 });
    const error = await hero().patients.get('123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroAuthenticationError);
    expect((error as HeroAuthenticationError).path).toBe('/v1/patients/{id}');
    expect((error as HeroAuthenticationError).operationId).toBe('getPatientById');
    expect(JSON.stringify(error)).not.toContain(apiKey);
  });
});

describe('retry safety through the facade', () => {
  it('never retries a failed message send: exactly one request reaches the server', async () => {
    server.setFallback({ type: 'respond', status: 500 });
    await expect(hero().messages.send({ patient_id: '1', message_type: 'sms', message_string: 'Hi' })).rejects.toThrow(HeroServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST the caller marks idempotent', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', body: { id: '55', reserved_until: '2024-03-15T14:00:00Z' } });
    const body = { appointment_type_id: '1', location_id: '2', practitioner_id: '3', start_time: '2024-03-15T14:00:00Z' };
    await hero().booking.createAppointment(body as never, { idempotent: true });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a GET after a 503, then succeeds', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', body: { id: '9', practitioner_id: '1', location_id: '1', appointment_type_id: '1', start_time: null } });
    const appointment = await hero().booking.getAppointment('9');
    expect(appointment.id).toBe('9');
    expect(server.requests).toHaveLength(2);
  });

  it('the raw client shares the retries and the typed errors', async () => {
    server.setFallback({ type: 'respond', status: 500 });
    const error = await hero().raw.GET('/v1/me/capabilities').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroServerError);
    expect((error as HeroServerError).operationId).toBe('getCapabilities');
    expect(server.requests).toHaveLength(3);
  });
});

describe('hero.patients.searchAll', () => {
  it('walks every page with page_index and page_size', async () => {
    server.setFallback((request) => {
      const url = new URL(request.url, 'http://x');
      const page = Number(url.searchParams.get('page_index'));
      const dobs = ['1990-01-01', '1991-01-01', '1992-01-01', '1993-01-01', '1994-01-01'].slice(page * 2, page * 2 + 2);
      const data = dobs.map((dob) => ({ dob }));
      return { type: 'respond', body: { data, count: 5 } };
    });
    const found = await hero().patients.searchAll({ last_name: 'Smith' }, { pageSize: 2 }).toArray({ limit: 100 });
    expect(found.map((p) => p.dob)).toEqual(['1990-01-01', '1991-01-01', '1992-01-01', '1993-01-01', '1994-01-01']);
    expect(server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('page_index'))).toEqual(['0', '1', '2']);
    expect(server.requests.every((r) => r.url.includes('last_name=Smith') && r.url.includes('page_size=2'))).toBe(true);
  });
});
