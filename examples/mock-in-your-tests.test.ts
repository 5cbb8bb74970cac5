// Test your own code against a local mock of the Hero API: no network, no key.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHeroClient } from '@hero-sdk/hero-health';
import { startHeroMock, type HeroMock } from '@hero-sdk/hero-health/testing';

let mock: HeroMock;
beforeAll(async () => {
  mock = await startHeroMock(); // Prism on a free port on 127.0.0.1, serving the bundled spec
});
afterAll(() => mock.stop());

it('registers a patient against the mock', async () => {
  const hero = createHeroClient({ baseUrl: mock.url, apiKey: 'test', practiceGroupId: '1' });
  const result = await hero.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' });
  expect(result.outcome).toBe('registered');
});
