/**
 * `hero.raw` keeps openapi-fetch's typing of paths, params and bodies, and types the
 * per-call options: a misspelt value fails to compile instead of being ignored.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { HeroClient } from './client.js';
import type { SuccessBody } from './resources/types.js';

declare const hero: HeroClient;

describe('hero.raw types', () => {
  it('types data from the path and method', async () => {
    const { data } = await hero.raw.GET('/v1/patients/{id}', { params: { path: { id: '1' } } });
    expectTypeOf(data).toEqualTypeOf<SuccessBody<'getPatientById'> | undefined>();
  });

  it('accepts the per-call options, typed', async () => {
    await hero.raw.POST('/v1/messages/send', {
      body: { patient_id: '1', message_type: 'sms', message_string: 'hi' },
      idempotent: true,
      timeoutMs: 500,
      deadlineMs: false,
      retry: { maxAttempts: 1 },
      practiceGroupId: '7',
      headers: { 'x-trace-id': 't' },
      signal: AbortSignal.timeout(1000),
    });
    // @ts-expect-error idempotent is a boolean
    await hero.raw.POST('/v1/messages/send', { body: { patient_id: '1', message_type: 'sms', message_string: 'hi' }, idempotent: 'yes' });
    // @ts-expect-error timeoutMs is a number (or false)
    await hero.raw.GET('/v1/me/capabilities', { timeoutMs: '5s' });
  });

  it('still rejects unknown paths and missing path parameters', async () => {
    // @ts-expect-error no such path
    await hero.raw.GET('/v1/nope');
    // @ts-expect-error `id` is required
    await hero.raw.GET('/v1/patients/{id}', { params: { path: {} } });
    // @ts-expect-error wrong body field type
    await hero.raw.POST('/v1/messages/send', { body: { patient_id: 1, message_type: 'sms', message_string: 'hi' } });
  });
});
