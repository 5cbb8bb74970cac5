/**
 * PDS registration through the facade, both outcomes: the patient is traced and registered,
 * or must verify their identity first; and the not-found error when PDS has no match.
 */
import { describe, expect, it } from 'vitest';
import { HeroNotFoundError } from '../../src/errors.js';
import { journeyClient } from './journey-client.js';

const { hero, skip, preferring } = journeyClient();
if (skip) console.warn(`PDS registration journey skipped: ${skip}`);

describe.skipIf(skip !== undefined)('journey: register a patient through PDS', () => {
  const byNhsNumber = { nhs_number: '900 000 0009', dob: '1992-01-01' };

  it('returns a Hero patient ID that later calls can use when the Spine trace succeeds', async () => {
    const result = await preferring!({ example: 'registered' }, () => hero!.patients.registerPds(byNhsNumber));
    if (result.outcome !== 'registered') throw new Error(`expected registered, got ${result.outcome}`);
    expect(result.patientId).toMatch(/^\d+$/);
    const patient = await hero!.patients.get(result.patientId);
    expect(patient).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
  });

  it('returns a login URL to send the patient to when PDS alone cannot confirm their identity', async () => {
    const result = await preferring!({ example: 'verificationRequired' }, () => hero!.patients.registerPds(byNhsNumber));
    expect(result).toEqual({ outcome: 'verification_required', message: expect.any(String), loginUrl: expect.stringMatching(/^https:\/\//) });
  });

  it('accepts the demographic trace (forename, surname, dob, postcode) instead of an NHS number', async () => {
    const result = await preferring!({ example: 'registered' }, () =>
      hero!.patients.registerPds({ forename: 'Jane', surname: 'Smith', dob: '1989-04-11', postcode: 'ls14ap' }),
    );
    expect(result.outcome).toBe('registered');
  });

  it('finds patients with the v3 search (one page, then every page) and the v1 field search', async () => {
    const page = await hero!.patients.search({ last_name: 'Smith', page_size: '20' });
    expect(Array.isArray(page.data)).toBe(true);
    expect(page.data[0]).toHaveProperty('dob');
    const all = await hero!.patients.searchAll({ last_name: 'Smith' }, { pageSize: 20 }).toArray({ limit: 50 });
    expect(all.length).toBeGreaterThan(0);
    const listed = await hero!.patients.list({ field: 'emis_id', search: '500123' });
    expect(listed).toMatchObject({ data: expect.any(Array), count: expect.any(Number) });
  });

  it('throws the not-found error, saying no PDS match was found, on 404', async () => {
    const error = await preferring!({ code: 404 }, () => hero!.patients.registerPds(byNhsNumber)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNotFoundError);
    expect(String(error)).toMatch(/no PDS match/);
  });
});
