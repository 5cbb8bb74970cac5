/**
 * The README's Fastify and Next.js receivers, loaded as written (they read the signing key
 * from the environment when imported) and sent signed deliveries.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { confirmedBody, deliveryRequest, signDelivery } from '../test/helpers/webhook-deliveries.js';

const signingKey = 'framework-example-signing-key';
const printed: string[] = [];

beforeAll(() => {
  vi.stubEnv('HERO_WEBHOOK_SIGNING_KEY', signingKey);
  vi.stubEnv('REDIS_URL', '');
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('README receivers for other frameworks', () => {
  it('Fastify: the plugin answers a signed delivery and runs the handler once', async () => {
    const { app } = await import('./webhook-receiver-fastify.js');
    const delivery = signDelivery(confirmedBody('501', 'appointment.cancelled'), signingKey);
    const inject = () => app.inject({ method: 'POST', url: '/webhooks/hero', headers: delivery.headers, payload: delivery.body });
    const first = await inject();
    const replay = await inject();
    expect([first.statusCode, first.json(), replay.statusCode, replay.json()]).toEqual([200, { status: 'handled' }, 200, { status: 'duplicate' }]);
    expect(printed.filter((line) => line === 'appointment 501 cancelled')).toHaveLength(1);
    await app.close();
  });

  it('Next.js: POST is the web-standard handler', async () => {
    const { POST } = await import('./webhook-receiver-next.js');
    const body = JSON.stringify({ object: 'Prescription', id: '601', practice_group_id: '654', event: 'prescription.issued' });
    const response = await POST(deliveryRequest(signDelivery(body, signingKey)));
    expect([response.status, await response.json()]).toEqual([200, { status: 'handled' }]);
    expect(printed).toContain('prescription 601 issued');
  });
});
