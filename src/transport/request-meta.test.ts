import createClient from 'openapi-fetch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroNotFoundError, HeroServerError } from '../errors.js';
import { startFaultServer } from '../../test/helpers/fault-server.js';
import type { FaultServer } from '../../test/helpers/fault-server.js';
import { TEST_API_KEY, TEST_PRACTICE_GROUP_ID, createHarness } from '../../test/helpers/transport-harness.js';
import { requestMetaMiddleware } from './request-meta.js';
import type { HeroRequestInitExtras } from './request-meta.js';

// A two-operation stand-in for the generated `paths`, enough to drive openapi-fetch.
interface TestPaths {
  '/v1/patients/{id}': {
    get: {
      parameters: { path: { id: string } };
      responses: { 200: { content: { 'application/json': { id: string } } } };
    };
  };
  '/v1/messages/send': {
    post: {
      requestBody: { content: { 'application/json': { patient_id: string; content: string } } };
      responses: { 200: { content: { 'application/json': { id: string } } } };
    };
  };
}

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function createTestClient(withMiddleware = true) {
  const { fetch } = createHarness();
  const client = createClient<TestPaths>({
    baseUrl: server.url,
    fetch,
    headers: { 'x-api-key': TEST_API_KEY, 'x-practice-group-id': TEST_PRACTICE_GROUP_ID },
  });
  if (withMiddleware) client.use(requestMetaMiddleware);
  return client;
}

const body = { patient_id: '156', content: 'Hello' };

describe('requestMetaMiddleware with openapi-fetch', () => {
  it('returns parsed data for a success through the transport', async () => {
    server.enqueue({ type: 'respond', status: 200, body: { id: '12' } });

    const { data } = await createTestClient().GET('/v1/patients/{id}', { params: { path: { id: '12' } } });

    expect(data).toEqual({ id: '12' });
    expect(server.requests[0]?.url).toBe('/v1/patients/12');
  });

  it('names the path template, not the filled-in path, in errors', async () => {
    server.enqueue({ type: 'respond', status: 404 });

    const error = await createTestClient()
      .GET('/v1/patients/{id}', { params: { path: { id: '12' } } })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroNotFoundError);
    expect((error as HeroNotFoundError).path).toBe('/v1/patients/{id}');
  });

  it('retries a POST marked heroIdempotent', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', status: 200, body: { id: 'm1' } });
    const extras: HeroRequestInitExtras = { heroIdempotent: true };

    // openapi-fetch's init accepts extra keys, so no cast is needed.
    const { data } = await createTestClient().POST('/v1/messages/send', { body, ...extras });

    expect(data).toEqual({ id: 'm1' });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry the same POST without the mark', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', status: 200 });

    await expect(createTestClient().POST('/v1/messages/send', { body })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('without the middleware, reads heroSchemaPath and heroOperationId from the init keys', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', status: 404 });

    const error = await createTestClient(false)
      .GET('/v1/patients/{id}', { params: { path: { id: '5' } }, heroSchemaPath: '/v1/patients/{id}', heroOperationId: 'getPatientById' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroNotFoundError);
    expect((error as HeroNotFoundError).path).toBe('/v1/patients/{id}');
    expect((error as HeroNotFoundError).operationId).toBe('getPatientById');
    expect(server.requests).toHaveLength(2);
  });

  it('without the middleware, still honours heroIdempotent and names the URL pathname', async () => {
    server.setFallback({ type: 'respond', status: 500 });

    const error = await createTestClient(false)
      .POST('/v1/messages/send', { body, heroIdempotent: true })
      .catch((e: unknown) => e);

    expect((error as HeroServerError).path).toBe('/v1/messages/send');
    expect(server.requests).toHaveLength(3);
  });

  it('with neither middleware nor init keys, names the URL pathname and does not retry a POST', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', status: 200 });

    const error = await createTestClient(false).POST('/v1/messages/send', { body }).catch((e: unknown) => e);

    expect((error as HeroServerError).path).toBe('/v1/messages/send');
    expect(server.requests).toHaveLength(1);
  });

  it('the middleware passes heroOperationId on to errors', async () => {
    server.enqueue({ type: 'respond', status: 404 });

    const error = await createTestClient()
      .GET('/v1/patients/{id}', { params: { path: { id: '5' } }, heroOperationId: 'getPatientById' })
      .catch((e: unknown) => e);

    expect((error as HeroNotFoundError).message).toBe('GET /v1/patients/{id} (getPatientById) failed with 404 Not Found');
  });

  it("passes the caller's signal through openapi-fetch to the transport", async () => {
    server.setFallback({ type: 'hang' });
    const controller = new AbortController();

    const pending = createTestClient()
      .GET('/v1/patients/{id}', { params: { path: { id: '1' } }, signal: controller.signal })
      .catch((e: unknown) => e);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();

    expect(await pending).toMatchObject({ name: 'HeroAbortError', cause: { name: 'AbortError' }, mayHaveBeenProcessed: true });
  });
});
