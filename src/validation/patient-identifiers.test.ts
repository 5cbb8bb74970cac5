import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { patientFields } from '../../generated/patient-fields.js';
import { createHeroClient, type HeroClient } from '../client.js';
import { HeroError, HeroInputError } from '../errors.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { checkPatientIdentifiers } from './patient-identifiers.js';

let server: FaultServer;
let hero: HeroClient;

beforeAll(async () => {
  server = await startFaultServer({ fallback: { type: 'respond', status: 200, body: { data: [], count: 0, patient_id: '1', id: '1' } } });
  hero = createHeroClient({ apiKey: 'hk_test_guard_key', practiceGroupId: '42', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => server.reset());

const VALID_NHS = '9434765919';
// Values a test can search the error text for: any of them showing up means patient data leaked.
const BAD_NHS = '9434765918';
const BAD_DOB = '2023-02-29';
const BAD_POSTCODE = 'ß1 1AA';

/** Runs a call that must be refused locally; returns its HeroInputError after checking nothing was sent. */
async function refused(call: () => Promise<unknown>): Promise<HeroInputError> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HeroInputError);
  expect(server.requests).toEqual([]);
  const text = `${String(caught)} ${JSON.stringify(caught)} ${(caught as Error).stack}`;
  for (const value of [BAD_NHS, BAD_DOB, 'ß1']) expect(text).not.toContain(value);
  return caught as HeroInputError;
}

const fieldsOf = (error: HeroInputError) => error.issues.map((issue) => issue.field);

describe('patient identifiers are checked wherever the spec sends them, before anything is sent', () => {
  it('patients.register: every bad field listed at once, nothing sent', async () => {
    const error = await refused(() => hero.patients.register({ nhs_number: BAD_NHS, dob: BAD_DOB, postcode: BAD_POSTCODE } as never));
    expect(fieldsOf(error)).toEqual(['nhs_number', 'dob', 'postcode']);
    expect(error.message).toMatch(/^Invalid registerPatient input \(3 problems\)/);
  });

  it('patients.search: a bad NHS number or date filter', async () => {
    expect(fieldsOf(await refused(() => hero.patients.search({ nhs_number: BAD_NHS })))).toEqual(['nhs_number']);
    expect(fieldsOf(await refused(() => hero.patients.search({ dob: '1992-01-01T00:00:00Z' })))).toEqual(['dob']);
    expect(fieldsOf(await refused(() => hero.patients.search({ dob: BAD_DOB, nhs_number: '123' })))).toEqual(['dob', 'nhs_number']);
  });

  it('patients.searchAll: refused at the first page', async () => {
    await refused(async () => {
      for await (const _ of hero.patients.searchAll({ nhs_number: BAD_NHS })) break;
    });
  });

  it('patients.list (field + search): search is checked when field names an identifier', async () => {
    expect(fieldsOf(await refused(() => hero.patients.list({ field: 'nhs_number', search: BAD_NHS } as never)))).toEqual(['search']);
    expect(fieldsOf(await refused(() => hero.raw.GET('/v2/patients', { params: { query: { field: 'postcode', search: BAD_POSTCODE } } } as never)))).toEqual(['search']);
  });

  it('patients.registerPds keeps its own full check (both forms, unknown fields)', async () => {
    await refused(() => hero.patients.registerPds({ nhs_number: BAD_NHS, dob: '1992-01-01' }));
  });

  it('messages.batches.create: each recipient by index', async () => {
    const error = await refused(() =>
      hero.messages.batches.create({
        name: 'n',
        channel: 'SMS',
        content: 'c',
        recipients: [{ nhs_number: VALID_NHS, dob: '1992-01-01T00:00:00Z' }, { nhs_number: BAD_NHS, dob: null }, { nhs_number: VALID_NHS, dob: BAD_DOB }],
      } as never),
    );
    expect(error.issues.map((i) => i.field)).toEqual(['recipients[1].nhs_number', 'recipients[2].dob']);
  });

  it('hero.raw: the same checks for any operation, including register_pds', async () => {
    await refused(() => hero.raw.POST('/v1/patients/register', { body: { nhs_number: 9434765919 } as never }));
    await refused(() => hero.raw.POST('/v1/patients/register_pds', { body: { nhs_number: BAD_NHS, dob: '1992-01-01' } }));
    await refused(() => hero.raw.request('get', '/v3/patients', { params: { query: { nhs_number: BAD_NHS } } }));
    await refused(() => hero.raw.PATCH('/v1/me', { body: { address: { postcode: 'ſW1A 1AA' } } as never }));
  });

  it.each<[string, unknown]>([
    ['a number', 9434765919],
    ['an array', [VALID_NHS]],
    ['an object', { toString: () => VALID_NHS }],
    ['a boolean', true],
    ['null', null],
    ['an empty string', ''],
    ['a 100,000-character string', '9'.repeat(100_000)],
    ['full-width digits', '９４３４７６５９１９'],
    ['an injected query', `${VALID_NHS}&page_size=1000`],
    ['a NUL character', `${VALID_NHS}\u0000`],
    ['CRLF inside', `94347\r\nX: 65919`],
  ])('an NHS number filter that is %s is a HeroInputError, nothing sent', async (_case, nhs) => {
    await refused(() => hero.patients.search({ nhs_number: nhs as string }));
  });

  it('sends valid identifiers normalised, without modifying the caller’s objects', async () => {
    const body = { nhs_number: '943 476 5919', dob: '1992-01-01', postcode: 'sw1a1aa', first_name: 'Jane' };
    const recipients = [{ nhs_number: '943-476-5919', dob: '1992-01-01T00:00:00Z' }, { nhs_number: VALID_NHS, dob: null }];
    await hero.patients.register(body as never);
    await hero.patients.search({ nhs_number: '943 476 5919\r\n', dob: '1992-01-01' });
    await hero.patients.list({ field: 'postcode', search: 'ls14ap' } as never);
    await hero.messages.batches.create({ name: 'n', channel: 'SMS', content: 'c', recipients } as never);
    expect(body).toEqual({ nhs_number: '943 476 5919', dob: '1992-01-01', postcode: 'sw1a1aa', first_name: 'Jane' });
    expect(recipients[0]).toEqual({ nhs_number: '943-476-5919', dob: '1992-01-01T00:00:00Z' });
    const [register, search, list, batch] = server.requests;
    expect(JSON.parse(register!.body)).toEqual({ nhs_number: VALID_NHS, dob: '1992-01-01', postcode: 'SW1A 1AA', first_name: 'Jane' });
    expect(new URL(search!.url, server.url).searchParams.get('nhs_number')).toBe(VALID_NHS);
    expect(new URL(list!.url, server.url).searchParams.get('search')).toBe('LS1 4AP');
    expect(JSON.parse(batch!.body).recipients).toEqual([{ nhs_number: VALID_NHS, dob: '1992-01-01T00:00:00Z' }, { nhs_number: VALID_NHS, dob: null }]);
  });

  it('leaves other operations and other list fields alone', async () => {
    await hero.patients.list({ field: 'emis_id', search: 'anything' } as never);
    await hero.messages.send({ patient_id: '1', channel: 'SMS', content: 'nhs_number 123' } as never);
    expect(server.requests).toHaveLength(2);
  });
});

describe('checkPatientIdentifiers', () => {
  it('covers every operation the spec lists', () => {
    const operations = new Set(patientFields.map((row) => row.operationId));
    for (const operationId of operations) {
      expect(() => checkPatientIdentifiers(operationId, { nhs_number: BAD_NHS, recipients: [{ nhs_number: BAD_NHS }], address: { postcode: 'x' } }, { nhs_number: BAD_NHS }), operationId).toThrow(HeroInputError);
    }
  });

  it.each([
    ['a date-time with an offset', '1992-01-01T00:00:00+01:00', true],
    ['a date-time with fractions', '1992-01-01T00:00:00.000Z', true],
    ['a plain date', '1992-01-01', true],
    ['a zoneless date-time', '1992-01-01T00:00:00', false],
    ['a date-time on an impossible date', '2023-02-29T00:00:00Z', false],
    ['a date-time at hour 24', '1992-01-01T24:00:00Z', false],
    ['a date-time in the future', '2999-01-01T00:00:00Z', false],
  ])('a date-time recipient dob: %s', (_case, dob, ok) => {
    const run = () => checkPatientIdentifiers('createBatchMessage', { recipients: [{ nhs_number: VALID_NHS, dob }] }, undefined);
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(HeroInputError);
  });

  it('never throws anything but a HeroInputError, and never repeats the input, for any value', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (nhs, dob, postcode) => {
        try {
          checkPatientIdentifiers('registerPatient', { nhs_number: nhs, dob, postcode }, undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(HeroError);
          for (const value of [nhs, dob, postcode]) {
            if (typeof value === 'string' && value.trim().length >= 6) expect((error as Error).message).not.toContain(value.trim());
          }
        }
      }),
    );
  });
});

describe('checkPatientIdentifiers: false', () => {
  it('sends identifiers unchecked (for a contract suite testing the server), but registerPds still checks', async () => {
    const unchecked = createHeroClient({ apiKey: 'hk_test_guard_key', practiceGroupId: '42', baseUrl: server.url, env: {}, checkPatientIdentifiers: false });
    await unchecked.patients.search({ nhs_number: BAD_NHS });
    expect(new URL(server.requests[0]!.url, server.url).searchParams.get('nhs_number')).toBe(BAD_NHS);
    server.reset();
    await refused(() => unchecked.patients.registerPds({ nhs_number: BAD_NHS, dob: '1992-01-01' }));
  });

  it('must be a boolean', () => {
    expect(() => createHeroClient({ apiKey: 'k', practiceGroupId: '1', baseUrl: server.url, env: {}, checkPatientIdentifiers: 'no' as never })).toThrow(/`checkPatientIdentifiers` must be true or false/);
  });
});
