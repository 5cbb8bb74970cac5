import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroServerError, HeroTimeoutError } from '../errors.js';
import { startFaultServer } from '../../test/helpers/fault-server.js';
import type { FaultServer } from '../../test/helpers/fault-server.js';
import { TEST_API_KEY, createHarness } from '../../test/helpers/transport-harness.js';
import type { TransportFetch } from './types.js';
import { LightRequest } from './light-request.js';
import type { RedactedRequest } from './types.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** A LightRequest as openapi-fetch builds it for the facade: a Headers instance and the hero* tags copied on. */
function lightRequest(method: string, path: string, init: RequestInit & { heroIdempotent?: boolean } = {}): Request {
  const request = new LightRequest(server.url + path, {
    redirect: 'follow',
    method,
    headers: new Headers({ 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' }),
    ...init,
  });
  Object.assign(request, { heroSchemaPath: '/v1/things/{id}', heroOperationId: 'getThing', heroIdempotent: init.heroIdempotent });
  return request as unknown as Request;
}

describe('a LightRequest from openapi-fetch', () => {
  it('sends the same method, headers and body on every attempt of a retried call', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200, body: { ok: true } });
    const { fetch, sleeps } = createHarness();

    const response = await fetch(lightRequest('POST', '/v1/things/7', { body: '{"n":1}', heroIdempotent: true }));

    expect(await response.json()).toEqual({ ok: true });
    expect(sleeps).toHaveLength(1);
    expect(server.requests.map((r) => [r.method, r.url, r.body, r.headers['x-api-key']])).toEqual([
      ['POST', '/v1/things/7', '{"n":1}', TEST_API_KEY],
      ['POST', '/v1/things/7', '{"n":1}', TEST_API_KEY],
    ]);
  });

  it('names the path template and operation from its tags in errors, and hooks see redacted headers', async () => {
    server.enqueue({ type: 'respond', status: 500 });
    const seen: RedactedRequest[] = [];
    const { fetch } = createHarness({ hooks: { onRequest: ({ request }) => void seen.push(request) } });

    const error = await fetch(lightRequest('POST', '/v1/things/7', { body: '{}' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroServerError);
    expect(error).toMatchObject({ path: '/v1/things/{id}', operationId: 'getThing' });
    expect(server.requests).toHaveLength(1); // a POST not marked idempotent is not retried after a 500
    expect(seen[0]?.url).toBe(`${server.url}/v1/things/7`);
    expect(seen[0]?.headers['x-api-key']).not.toBe(TEST_API_KEY);
  });

  it('reaches a custom fetch as a real Request carrying its URL, method, headers and body', async () => {
    const received: Request[] = [];
    const custom: TransportFetch = async (request) => {
      received.push(request);
      return new Response('{}', { status: 200 });
    };
    const { fetch } = createHarness({}, { fetch: custom });

    await fetch(lightRequest('POST', '/v1/things/7', { body: '{"n":2}' }));

    const request = received[0];
    expect(request).toBeInstanceOf(Request);
    expect([request?.method, request?.url, request?.headers.get('x-api-key')]).toEqual(['POST', `${server.url}/v1/things/7`, TEST_API_KEY]);
    expect(await request?.text()).toBe('{"n":2}');
  });

  it.each([
    ['no signal key', {}],
    ['a signal key set to undefined', { signal: undefined }],
  ])('times out an attempt that hangs (init with %s)', async (_label, extra: RequestInit) => {
    server.enqueue({ type: 'hang' });
    const { fetch } = createHarness({ timeoutMs: 50, retry: { maxAttempts: 1 } });

    const error = await fetch(lightRequest('GET', '/v1/things/7', extra)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect(error).toMatchObject({ kind: 'attempt' });
  });

  it('is cancelled by the caller signal it carries', async () => {
    server.enqueue({ type: 'hang' });
    const { fetch } = createHarness();
    const controller = new AbortController();
    const reason = new Error('caller gave up');

    const pending = fetch(lightRequest('GET', '/v1/things/7', { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(reason);

    await expect(pending).rejects.toMatchObject({ name: 'HeroAbortError', cause: reason, mayHaveBeenProcessed: true });
  });

  it('sends a non-string body (URLSearchParams) with the content type Request derives for it', async () => {
    server.enqueue({ type: 'respond', status: 200 });
    const { fetch } = createHarness();
    const request = new LightRequest(`${server.url}/v1/things`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });

    await fetch(request as unknown as Request);

    expect(server.requests[0]?.body).toBe('a=1');
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });
});
