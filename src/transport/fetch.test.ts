import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HeroApiError,
  HeroAuthenticationError,
  HeroNetworkError,
  HeroNotFoundError,
  HeroPermissionError,
  HeroRateLimitError,
  HeroServerError,
  HeroValidationError,
} from '../errors.js';
import { findClosedPort, startFaultServer } from '../../test/helpers/fault-server.js';
import type { FaultServer } from '../../test/helpers/fault-server.js';
import { TEST_API_KEY, call, createHarness } from '../../test/helpers/transport-harness.js';
import type { RetryReason } from './types.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const SEND_MESSAGE = '/v1/messages/send';
const messageBody = { patient_id: '156', message_type: 'sms', content: 'Your results are ready' };

describe('success', () => {
  it('returns a 2xx response untouched after a single request carrying the caller headers and body', async () => {
    server.enqueue({ type: 'respond', status: 200, body: { id: '1' } });
    const { fetch, sleeps } = createHarness();

    const response = await call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody });

    expect(await response.json()).toEqual({ id: '1' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(server.requests[0]?.headers['x-practice-group-id']).toBe('4242');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(messageBody);
    expect(sleeps).toEqual([]);
  });
});

describe('Retry-After', () => {
  it('waits the delay-seconds of a 429 Retry-After, then returns the next success', async () => {
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': '2' } }, { type: 'respond', status: 200 });
    const { fetch, sleeps } = createHarness();

    const response = await call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody });

    expect(response.status).toBe(200);
    expect(sleeps).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('waits until the HTTP-date of a 429 Retry-After', async () => {
    const nowMs = Date.UTC(2025, 0, 6, 9, 0, 0);
    const retryAt = new Date(nowMs + 5000).toUTCString();
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': retryAt } }, { type: 'respond', status: 200 });
    const { fetch, sleeps } = createHarness({}, { now: () => nowMs });

    await call(fetch, server.url, 'GET', '/v1/patients/1', { template: '/v1/patients/{id}' });

    expect(sleeps).toEqual([5000]);
  });

  it('throws HeroRateLimitError at once, carrying retryAfterMs, when Retry-After exceeds maxRetryAfterMs', async () => {
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': '120' } });
    const { fetch, sleeps } = createHarness({ retry: { maxRetryAfterMs: 60_000 } });

    const error = await call(fetch, server.url, 'GET', '/v1/patients/1', { template: '/v1/patients/{id}' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroRateLimitError);
    expect((error as HeroRateLimitError).retryAfterMs).toBe(120_000);
    expect((error as HeroRateLimitError).message).toContain('GET /v1/patients/{id}');
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to jittered backoff when Retry-After is malformed', async () => {
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': 'soon' } }, { type: 'respond', status: 200 });
    const { fetch, sleeps } = createHarness({ retry: { baseDelayMs: 400 } });

    await call(fetch, server.url, 'GET', '/v1/me');

    expect(sleeps).toEqual([200]);
  });
});

describe('which failures are retried', () => {
  it('retries a 503 on POST /v1/messages/send and sends the same body again', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200, body: { id: '9' } });
    const { fetch } = createHarness();

    const response = await call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody });

    expect(await response.json()).toEqual({ id: '9' });
    expect(server.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([messageBody, messageBody]);
  });

  it('retries a 500 on GET', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', status: 200 });
    const { fetch } = createHarness();

    const response = await call(fetch, server.url, 'GET', '/v1/patients/7', { template: '/v1/patients/{id}' });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it.each([500, 502, 504, 408])('does not retry a %i on POST /v1/messages/send: the server receives exactly one request', async (status) => {
    server.enqueue({ type: 'respond', status });
    const { fetch, sleeps } = createHarness();

    const error = await call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroApiError);
    expect((error as HeroApiError).status).toBe(status);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry a 500 on PATCH', async () => {
    server.enqueue({ type: 'respond', status: 500 });
    const { fetch } = createHarness();

    await expect(call(fetch, server.url, 'PATCH', '/v1/appointments/3/cancel', { body: {} })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 on a POST the caller marked idempotent', async () => {
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', status: 200 });
    const { fetch } = createHarness();

    const response = await call(fetch, server.url, 'POST', '/v1/patients/search', { body: {}, idempotent: true });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 422])('never retries a %i', async (status) => {
    server.enqueue({ type: 'respond', status });
    const { fetch } = createHarness();

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBeInstanceOf(HeroApiError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was reset after the server read it', async () => {
    server.enqueue({ type: 'reset-after-body' }, { type: 'respond', status: 200 });
    const { fetch } = createHarness();

    const response = await call(fetch, server.url, 'GET', '/v1/me');

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a POST whose connection was reset after the server read it, and throws HeroNetworkError', async () => {
    server.enqueue({ type: 'reset-after-body' });
    const { fetch } = createHarness();

    const error = await call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroNetworkError);
    expect((error as HeroNetworkError).status).toBe(0);
    expect((error as HeroNetworkError).cause).toBeDefined();
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a POST reset before the server read its body either (it may still have been delivered)', async () => {
    server.enqueue({ type: 'reset-before-body' });
    const { fetch } = createHarness();

    await expect(call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody })).rejects.toBeInstanceOf(HeroNetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST whose connection was refused, as nothing was sent', async () => {
    const port = await findClosedPort();
    let revived: FaultServer | undefined;
    const reasons: RetryReason[] = [];
    const { fetch } = createHarness(
      { hooks: { onRetry: ({ reason }) => void reasons.push(reason) } },
      // The server "comes back" during the backoff, on the port that refused us.
      { sleep: async () => void (revived ??= await startFaultServer({ port })) },
    );
    try {
      const response = await call(fetch, `http://127.0.0.1:${port}`, 'POST', SEND_MESSAGE, { body: messageBody });

      expect(response.status).toBe(200);
      expect(reasons).toEqual(['connection-failed']);
      expect(revived?.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([messageBody]);
    } finally {
      await revived?.close();
    }
  });

  it('throws HeroNetworkError with code ECONNREFUSED once every attempt was refused', async () => {
    const port = await findClosedPort();
    const { fetch, sleeps } = createHarness();

    const error = await call(fetch, `http://127.0.0.1:${port}`, 'POST', SEND_MESSAGE, { body: messageBody }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroNetworkError);
    expect((error as HeroNetworkError).code).toBe('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });
});

describe('attempt limits', () => {
  it('makes maxAttempts attempts, then throws the last failure', async () => {
    server.setFallback({ type: 'respond', status: 503, body: { error: true, statusCode: 503 } });
    const { fetch, sleeps } = createHarness({ retry: { maxAttempts: 3 } });

    const error = await call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroServerError);
    expect((error as HeroServerError).body).toEqual({ error: true, statusCode: 503 });
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it('sends once and never retries when maxAttempts is 1', async () => {
    server.setFallback({ type: 'respond', status: 503 });
    const { fetch } = createHarness({ retry: { maxAttempts: 1 } });

    await expect(call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(messageBody);
  });

  it('stops retrying once the client-wide retry budget is empty, and throws the last error', async () => {
    server.setFallback({ type: 'respond', status: 503 });
    // Room for exactly two retries (5 tokens each).
    const { fetch } = createHarness({ retry: { maxAttempts: 5, budget: { capacity: 10, retryCost: 5 } } });

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(3);

    server.reset();
    server.setFallback({ type: 'respond', status: 503 });
    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps retrying without limit from the budget when the budget is disabled', async () => {
    server.setFallback({ type: 'respond', status: 503 });
    const { fetch } = createHarness({ retry: { maxAttempts: 4, budget: false } });

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(4);
  });
});

describe('final errors', () => {
  it.each([
    [401, HeroAuthenticationError],
    [403, HeroPermissionError],
    [404, HeroNotFoundError],
  ] as const)('turns an empty-bodied %i into %o with an undefined body', async (status, ErrorClass) => {
    server.enqueue({ type: 'respond', status });
    const { fetch } = createHarness();

    const error = await call(fetch, server.url, 'GET', '/v1/patients/99', { template: '/v1/patients/{id}' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as HeroApiError).body).toBeUndefined();
    expect((error as HeroApiError).path).toBe('/v1/patients/{id}');
    expect((error as HeroApiError).method).toBe('GET');
    expect((error as HeroApiError).message).toContain(String(status));
  });

  it('exposes the issues of a 400 validation body', async () => {
    const body = {
      error: true,
      statusCode: 400,
      message: [
        { code: 'invalid_type', expected: 'string', path: ['nhs_number'] },
        { code: 'invalid_date', expected: 'date', path: ['dob'] },
      ],
    };
    server.enqueue({ type: 'respond', status: 400, body });
    const { fetch } = createHarness();

    const error = await call(fetch, server.url, 'POST', '/v1/patients/register_pds', { body: {} }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeroValidationError);
    expect((error as HeroValidationError).issues).toEqual(body.message);
    expect((error as HeroValidationError).body).toEqual(body);
    expect((error as HeroValidationError).message).toContain('nhs_number');
  });

  it('keeps a non-JSON error body as text', async () => {
    server.enqueue({ type: 'respond', status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' });
    const { fetch } = createHarness({ retry: { maxAttempts: 1 } });

    const error = await call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e);

    expect((error as HeroServerError).body).toBe('<h1>Bad gateway</h1>');
  });

  it('reads the request id and response headers into the error', async () => {
    server.enqueue({ type: 'respond', status: 404, headers: { 'x-amzn-requestid': 'req-123' } });
    const { fetch } = createHarness();

    const error = (await call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e)) as HeroApiError;

    expect(error.requestId).toBe('req-123');
    expect(error.headers['x-amzn-requestid']).toBe('req-123');
  });

  it('removes an API key the server echoes back in an error body or header', async () => {
    server.enqueue({
      type: 'respond',
      status: 401,
      headers: { 'x-echo': `key=${TEST_API_KEY}` },
      body: { message: `API key ${TEST_API_KEY} is not valid` },
    });
    const { fetch } = createHarness();

    const error = (await call(fetch, server.url, 'GET', '/v1/me').catch((e: unknown) => e)) as HeroApiError;

    expect(error).toBeInstanceOf(HeroAuthenticationError);
    expect(error.body).toEqual({ message: 'API key [REDACTED] is not valid' });
    expect(JSON.stringify(error)).not.toContain(TEST_API_KEY);
  });

  it.each([
    ['an unknown error from the underlying fetch', new RangeError('bug in a custom fetch')],
    ['a TypeError that is not a network failure (no cause)', new TypeError('Invalid header value')],
  ])('rethrows %s unchanged and does not retry it', async (_kind, bug) => {
    let calls = 0;
    const { fetch } = createHarness({}, {
      fetch: async () => {
        calls += 1;
        throw bug;
      },
    });

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('passes each attempt to a custom fetch as its own Request carrying the headers and body', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200 });
    const seen: Request[] = [];
    const { fetch } = createHarness({}, {
      fetch: (request) => {
        seen.push(request);
        return globalThis.fetch(request);
      },
    });

    await call(fetch, server.url, 'POST', SEND_MESSAGE, { body: messageBody });

    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen.map((r) => r.headers.get('x-api-key'))).toEqual([TEST_API_KEY, TEST_API_KEY]);
    expect(server.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([messageBody, messageBody]);
  });

  it('names the URL pathname and treats the call as not idempotent when no metadata was recorded', async () => {
    server.enqueue({ type: 'respond', status: 500 });
    const { fetch } = createHarness();

    const error = (await call(fetch, server.url, 'POST', '/v1/patients/search', { body: {}, noMeta: true }).catch((e: unknown) => e)) as HeroApiError;

    expect(error.path).toBe('/v1/patients/search');
    expect(server.requests).toHaveLength(1);
  });
});
