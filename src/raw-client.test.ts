/**
 * hero.raw hands openapi-fetch a cheap LightRequest only where nothing but our transport
 * sees it: middleware, and a user's own `fetch`, always get a real Request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Middleware } from 'openapi-fetch';
import { createHeroClient } from './client.js';
import { startFaultServer, type FaultServer } from '../test/helpers/fault-server.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const options = { apiKey: 'hk_test_raw_client_secret_1', practiceGroupId: '4242', env: {} };

describe('hero.raw with middleware', () => {
  it('gives middleware a real Request whose changes reach the server', async () => {
    server.setFallback({ type: 'respond', body: {} });
    const hero = createHeroClient({ ...options, baseUrl: server.url });
    const seen: unknown[] = [];
    const middleware: Middleware = {
      onRequest({ request }) {
        seen.push(request);
        request.headers.set('x-trace-id', 'trace-1');
        return undefined;
      },
    };
    hero.raw.use(middleware);

    await hero.raw.GET('/v1/me/capabilities');

    expect(seen[0]).toBeInstanceOf(Request);
    expect(server.requests[0]?.headers['x-trace-id']).toBe('trace-1');
  });

  it('accepts a replacement Request from middleware and sends it', async () => {
    server.setFallback({ type: 'respond', body: {} });
    const hero = createHeroClient({ ...options, baseUrl: server.url });
    hero.raw.use({ onRequest: ({ request }) => new Request(request, { headers: { 'x-replaced': 'yes', 'x-api-key': 'k' } }) });

    await hero.raw.GET('/v1/me/capabilities');

    expect(server.requests[0]?.headers['x-replaced']).toBe('yes');
  });

  it('gives per-call middleware a real Request too', async () => {
    server.setFallback({ type: 'respond', body: {} });
    const hero = createHeroClient({ ...options, baseUrl: server.url });
    const seen: unknown[] = [];

    await hero.raw.GET('/v1/me/capabilities', { middleware: [{ onRequest: ({ request }) => void seen.push(request) }] });

    expect(seen[0]).toBeInstanceOf(Request);
  });
});

describe('a user-supplied fetch', () => {
  it('receives a real Request with the body, auth headers and method of the call', async () => {
    const received: Request[] = [];
    const hero = createHeroClient({
      ...options,
      baseUrl: 'http://127.0.0.1:9',
      fetch: async (request: Request) => {
        received.push(request);
        return Response.json({ message_id: 'm1' });
      },
    });

    await hero.raw.POST('/v1/messages/send', { body: { patient_id: '1' } as never });

    const request = received[0];
    expect(request).toBeInstanceOf(Request);
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('x-api-key')).toBe(options.apiKey);
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(await request?.json()).toEqual({ patient_id: '1' });
  });
});
