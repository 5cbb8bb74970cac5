/**
 * PDS registration, both outcomes: the patient is traced and registered, or must verify
 * their identity first. One line per step; the facade (`hero.patients.registerPds`) will
 * replace the raw calls.
 */
import { describe, expect, it } from 'vitest';
import { journeyClient, prefer, statusOf } from './journey-client.js';

const { hero, skip } = journeyClient();
if (skip) console.warn(`PDS registration journey skipped: ${skip}`);

describe.skipIf(skip !== undefined)('journey: register a patient through PDS', () => {
  const byNhsNumber = { nhs_number: '9000000009', dob: '1992-01-01' };

  it('returns a Hero patient_id that later calls can use when the Spine trace succeeds', async () => {
    const { data } = await hero!.raw.POST('/v1/patients/register_pds', { body: byNhsNumber, headers: prefer({ example: 'registered' }) });
    expect(data).toEqual({ patient_id: expect.stringMatching(/^\d+$/) });
    const patient = await hero!.raw.GET('/v1/patients/{id}', { params: { path: { id: (data as { patient_id: string }).patient_id } } });
    expect(patient.data).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
  });

  it('returns a login_url to send the patient to when PDS alone cannot confirm their identity', async () => {
    const { data } = await hero!.raw.POST('/v1/patients/register_pds', { body: byNhsNumber, headers: prefer({ example: 'verificationRequired' }) });
    expect(data).toMatchObject({ message: expect.any(String), login_url: expect.stringMatching(/^https:\/\//) });
    expect(data).not.toHaveProperty('patient_id');
  });

  it('accepts the demographic trace (forename, surname, dob, postcode) instead of an NHS number', async () => {
    const { data } = await hero!.raw.POST('/v1/patients/register_pds', { body: { forename: 'Jane', surname: 'Smith', dob: '1989-04-11', postcode: 'LS1 4AP' }, headers: prefer({ example: 'registered' }) });
    expect(data).toHaveProperty('patient_id');
  });

  it('answers 404 when no patient matches on the Spine', async () => {
    expect(await statusOf(hero!.raw.POST('/v1/patients/register_pds', { body: byNhsNumber, headers: prefer({ code: 404 }) }))).toBe(404);
  });
});
