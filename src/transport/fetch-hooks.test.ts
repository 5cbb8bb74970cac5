import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroServerError } from '../errors.js';
import { startFaultServer } from '../../test/helpers/fault-server.js';
import type { FaultServer } from '../../test/helpers/fault-server.js';
import { TEST_API_KEY, TEST_PRACTICE_GROUP_ID, call, createHarness } from '../../test/helpers/transport-harness.js';
import type { RequestHookEvent, ResponseHookEvent, RetryHookEvent } from './types.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('hooks', () => {
  it('show every attempt a redacted copy of the request: x-api-key masked, other headers kept', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200 });
    const requests: RequestHookEvent[] = [];
    const responses: ResponseHookEvent[] = [];
    const { fetch } = createHarness({
      hooks: { onRequest: (event) => void requests.push(event), onResponse: (event) => void responses.push(event) },
    });

    await call(fetch, server.url, 'GET', '/v1/patients/12', { template: '/v1/patients/{id}' });

    expect(requests.map((e) => e.attempt)).toEqual([1, 2]);
    expect(responses.map((e) => [e.attempt, e.response.status])).toEqual([[1, 503], [2, 200]]);
    const seen = requests[0]!.request;
    expect(seen).not.toBeInstanceOf(Request);
    expect(seen).toMatchObject({ method: 'GET', path: '/v1/patients/{id}', url: `${server.url}/v1/patients/12` });
    expect(seen.headers['x-api-key']).toBe('[REDACTED]');
    expect(seen.headers['x-practice-group-id']).toBe(TEST_PRACTICE_GROUP_ID);
    expect(JSON.stringify([requests, responses.map((e) => e.request)])).not.toContain(TEST_API_KEY);
    // The key still went to the server: only the hooks' view is redacted.
    expect(server.requests[0]?.headers['x-api-key']).toBe(TEST_API_KEY);
  });

  it('cannot alter the request they are shown', async () => {
    let mutationError: unknown;
    const { fetch } = createHarness({
      hooks: {
        onRequest: ({ request }) => {
          try {
            (request.headers as Record<string, string>)['x-api-key'] = 'stolen';
          } catch (error) {
            mutationError = error;
          }
        },
      },
    });

    await call(fetch, server.url, 'GET', '/v1/me');

    expect(mutationError).toBeInstanceOf(TypeError);
    expect(server.requests[0]?.headers['x-api-key']).toBe(TEST_API_KEY);
  });

  it('onRetry reports the next attempt, the delay and the reason of each retry', async () => {
    server.enqueue(
      { type: 'respond', status: 429, headers: { 'retry-after': '1' } },
      { type: 'respond', status: 503 },
      { type: 'reset-after-body' },
      { type: 'respond', status: 500 },
      { type: 'respond', status: 200 },
    );
    const retries: RetryHookEvent[] = [];
    const { fetch, sleeps } = createHarness({ retry: { maxAttempts: 5, maxDelayMs: 60_000 }, hooks: { onRetry: (event) => void retries.push(event) } });

    await call(fetch, server.url, 'GET', '/v1/me');

    // Backoff with random fixed at 0.5: half of 500 × 2^(attempt−1).
    expect(retries.map(({ attempt, delayMs, reason }) => ({ attempt, delayMs, reason }))).toEqual([
      { attempt: 2, delayMs: 1000, reason: 'rate-limited' },
      { attempt: 3, delayMs: 500, reason: 'service-unavailable' },
      { attempt: 4, delayMs: 1000, reason: 'network-error' },
      { attempt: 5, delayMs: 2000, reason: 'server-error' },
    ]);
    expect(sleeps).toEqual([1000, 500, 1000, 2000]);
    expect(retries[3]?.error).toBeInstanceOf(HeroServerError);
    expect(retries[0]?.request.headers['x-api-key']).toBe('[REDACTED]');
  });

  it('a hook that throws fails the call with its error before anything is sent', async () => {
    const failure = new Error('logging backend down');
    const { fetch } = createHarness({
      hooks: {
        onRequest: () => {
          throw failure;
        },
      },
    });

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBe(failure);
    expect(server.requests).toHaveLength(0);
  });

  it('async hooks are awaited before the attempt is sent', async () => {
    const order: string[] = [];
    const { fetch } = createHarness({
      hooks: {
        onRequest: async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          order.push(`hook saw ${server.requests.length} request(s)`);
        },
      },
    });

    await call(fetch, server.url, 'GET', '/v1/me');

    expect(order).toEqual(['hook saw 0 request(s)']);
  });
});
