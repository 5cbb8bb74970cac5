// Test your own code against a local mock of the Hero API: no network, no key.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createHeroClient, HeroValidationError } from '@hero-sdk/hero-health';
import { startHeroMock, type HeroMock } from '@hero-sdk/hero-health/testing';

let mock: HeroMock;
beforeAll(async () => {
  mock = await startHeroMock(); // Prism on a free port on 127.0.0.1, serving the bundled spec
});
afterEach(() => mock.prefer()); // back to the default answers
afterAll(() => mock.stop());

// mock.clientOptions: the mock's URL, a test key, 1–5 ms retry backoff, no sleeping on Retry-After.
const hero = () => createHeroClient(mock.clientOptions);

it('registers a patient against the mock', async () => {
  const result = await hero().patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' });
  expect(result.outcome).toBe('registered');
});

it('picks an answer per test (a named example) or per call (a status)', async () => {
  mock.prefer({ example: 'verificationRequired' });
  const result = await hero().patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' });
  expect(result.outcome).toBe('verification_required');
  await expect(hero().patients.get('1', { headers: { prefer: 'code=404' } })).rejects.toThrow(/404/);
});

it('reports what the spec says is wrong with a request', async () => {
  const error = await hero()
    .messages.send({ patient_id: 'abc', message_type: 'sms', message_string: '' })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HeroValidationError);
  expect((error as HeroValidationError).issues.map((issue) => issue.path.join('.'))).toEqual(['patient_id', 'message_string']);
});
