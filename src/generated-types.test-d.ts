/**
 * Type-level guards on generated/: if a spec edit or a generator change collapses a key
 * type to `any`, `unknown` or `never`, these fail at `vitest run` (typecheck mode).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { components, operations, paths } from '../generated/hero-api.js';
import type { RequestBody, SuccessBody } from './resources/types.js';

type Schemas = components['schemas'];

describe('generated types', () => {
  it('register_pds request is the union of its two documented forms', () => {
    type Body = RequestBody<'registerPatientPds'>;
    expectTypeOf<Body>().not.toBeAny();
    expectTypeOf<Body>().not.toBeUnknown();
    expectTypeOf<Body>().not.toBeNever();
    expectTypeOf<Schemas['RegisterPatientPdsByNhsNumber']>().toHaveProperty('nhs_number').toEqualTypeOf<string>();
    // Hero's reference: dob is required, "string or null".
    expectTypeOf<Schemas['RegisterPatientPdsByNhsNumber']>().toHaveProperty('dob').toEqualTypeOf<string | null>();
    expectTypeOf<Schemas['RegisterPatientPdsByDemographics']>().toHaveProperty('postcode').toEqualTypeOf<string>();
    expectTypeOf<{ nhs_number: string; dob: string }>().toExtend<Body>();
    expectTypeOf<{ forename: string; surname: string; dob: string; postcode: string }>().toExtend<Body>();
    expectTypeOf<{ dob: string }>().not.toExtend<Body>();
  });

  it('register_pds 200 response is the two-outcome union', () => {
    type Result = SuccessBody<'registerPatientPds'>;
    expectTypeOf<Result>().not.toBeAny();
    expectTypeOf<Result>().not.toBeUnknown();
    expectTypeOf<Result>().not.toBeNever();
    expectTypeOf<Result>().toEqualTypeOf<Schemas['RegisterPatientPdsResult']>();
    expectTypeOf<{ patient_id: string }>().toExtend<Result>();
    expectTypeOf<{ message: string; login_url: string }>().toExtend<Result>();
  });

  it('Appointment keeps its documented required fields', () => {
    type Appointment = Schemas['Appointment'];
    expectTypeOf<Appointment>().not.toBeAny();
    expectTypeOf<Appointment>().not.toBeUnknown();
    expectTypeOf<Appointment>().toHaveProperty('id').toEqualTypeOf<string>();
    expectTypeOf<Appointment>().toHaveProperty('start_time').toEqualTypeOf<string | null>();
    expectTypeOf<SuccessBody<'getAppointment'>>().toEqualTypeOf<Appointment>();
  });

  it('send-message body is typed, with the message_type enum', () => {
    type Body = RequestBody<'sendMessage'>;
    expectTypeOf<Body>().not.toBeAny();
    expectTypeOf<Body>().not.toBeUnknown();
    expectTypeOf<Body>().not.toBeNever();
    expectTypeOf<Body>().toHaveProperty('message_type').toEqualTypeOf<Schemas['MessageType']>();
    expectTypeOf<Schemas['MessageType']>().toEqualTypeOf<'hero' | 'sms' | 'email' | 'nhs_app'>();
  });

  it('paths and operations agree for a typed call', () => {
    expectTypeOf<paths['/v1/patients/register_pds']['post']>().toEqualTypeOf<operations['registerPatientPds']>();
  });
});
