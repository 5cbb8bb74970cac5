/**
 * `.withResponse()` is typed: the resources give their body type as `data`, `hero.raw` its
 * parsed body (possibly undefined), both with {@link HeroResponseMeta}; awaiting is unchanged.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { HeroClient } from '../client.js';
import type { PdsRegistrationResult } from '../pds-result.js';
import type { SuccessBody } from '../resources/types.js';
import type { HeroResponseMeta } from './hero-promise.js';

declare const hero: HeroClient;

describe('.withResponse() types', () => {
  it('resources: data is the body type; awaiting still gives it alone', async () => {
    const { data, response } = await hero.patients.get('1').withResponse();
    expectTypeOf(data).toEqualTypeOf<SuccessBody<'getPatientById'>>();
    expectTypeOf(response).toEqualTypeOf<HeroResponseMeta>();
    expectTypeOf(await hero.patients.get('1')).toEqualTypeOf<SuccessBody<'getPatientById'>>();
    expectTypeOf((await hero.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' }).withResponse()).data).toEqualTypeOf<PdsRegistrationResult>();
  });

  it('hero.raw: data is the parsed body, the awaited value openapi-fetch’s result', async () => {
    const { data, response } = await hero.raw.GET('/v1/patients/{id}', { params: { path: { id: '1' } } }).withResponse();
    expectTypeOf(data).toEqualTypeOf<SuccessBody<'getPatientById'> | undefined>();
    expectTypeOf(response.requestId).toEqualTypeOf<string | undefined>();
    const awaited = await hero.raw.GET('/v1/patients/{id}', { params: { path: { id: '1' } } });
    expectTypeOf(awaited.response).toEqualTypeOf<Response>();
  });
});
