import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeroRateLimitError, HeroServerError } from '../errors.js';
import { DEFAULT_RATE_LIMIT } from '../rate-limit/options.js';
import { createRateController } from '../rate-limit/controller.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { call, createHarness } from '../../test/helpers/transport-harness.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const SEND = '/v1/messages/send';
const body = { patient_id: '156', message_type: 'sms', message_string: 'hello' };
const limited = { type: 'respond', status: 429, headers: { 'retry-after': '0' } } as const;

describe('throttles under the rate controller', () => {
  it('retries a 429 past maxAttempts and an empty retry budget: Hero did nothing', async () => {
    server.enqueue(limited, limited, limited, { type: 'respond', status: 200, body: { id: '1' } });
    const { fetch } = createHarness({ retry: { maxAttempts: 2, budget: { capacity: 0 } } });

    const response = await call(fetch, server.url, 'POST', SEND, { body });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(4);
  });

  it('still sends a POST at most once more after a 429 when the next answer is a 500 (no duplicate)', async () => {
    server.enqueue(limited, { type: 'respond', status: 500 }, { type: 'respond', status: 200 });
    const { fetch } = createHarness();

    await expect(call(fetch, server.url, 'POST', SEND, { body })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps the budget for 5xx: with an empty budget a GET 503 without Retry-After is thrown at once', async () => {
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 200 });
    const { fetch } = createHarness({ retry: { budget: { capacity: 0 } } });

    await expect(call(fetch, server.url, 'GET', '/v1/me')).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('throws the 429 at once when its Retry-After would pass the call deadline', async () => {
    server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': '5' } });
    const { fetch, sleeps } = createHarness({ deadlineMs: 1000 });

    await expect(call(fetch, server.url, 'POST', SEND, { body })).rejects.toBeInstanceOf(HeroRateLimitError);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('waits out a 503 Retry-After within maxAttempts, as any retry: a call that keeps getting 503s gives up after its attempts', async () => {
    const unavailable = { type: 'respond', status: 503, headers: { 'retry-after': '30' } } as const;
    server.enqueue(unavailable, unavailable, unavailable, { type: 'respond', status: 200 });
    const controller = createRateController(DEFAULT_RATE_LIMIT);
    const { fetch, sleeps } = createHarness({}, { rateController: controller });

    await expect(call(fetch, server.url, 'POST', SEND, { body })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([30_000, 30_000]);
    // An outage is not a rate: nothing learned, nobody else held.
    expect(controller.snapshot().requestsPerSecond).toBe(Infinity);
    await controller.close();
  });

  it('does not retry a 429 when maxAttempts is 1 (retries off)', async () => {
    server.enqueue(limited, { type: 'respond', status: 200 });
    const controller = createRateController(DEFAULT_RATE_LIMIT);
    const { fetch } = createHarness({ retry: { maxAttempts: 1 } }, { rateController: controller });

    await expect(call(fetch, server.url, 'POST', SEND, { body })).rejects.toBeInstanceOf(HeroRateLimitError);
    expect(server.requests).toHaveLength(1);
    await controller.close();
  });

  it('with rateLimit off, a 429 counts as an ordinary attempt again', async () => {
    server.enqueue(limited, limited, { type: 'respond', status: 200 });
    const { fetch } = createHarness({ retry: { maxAttempts: 2 } }, { rateController: false });

    await expect(call(fetch, server.url, 'POST', SEND, { body })).rejects.toBeInstanceOf(HeroRateLimitError);
    expect(server.requests).toHaveLength(2);
  });
});

describe('in-flight cap', () => {
  let slow: Server;
  let url: string;
  let current = 0;
  let peak = 0;
  beforeAll(async () => {
    slow = createServer((request, response) => {
      current++;
      peak = Math.max(peak, current);
      request.resume();
      setTimeout(() => {
        current--;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      }, 30);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => slow.close(() => resolve())));

  it('never lets more than maxInFlight calls of one client reach the server at once', async () => {
    const controller = createRateController({ ...DEFAULT_RATE_LIMIT, maxInFlight: 3 });
    const { fetch } = createHarness({}, { rateController: controller });

    const responses = await Promise.all(Array.from({ length: 12 }, () => call(fetch, url, 'GET', '/v1/me')));

    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(peak).toBe(3);
  });
});

describe('shared store', () => {
  it("tells the store how long this process's oldest call has waited, in ms (the fleet serves the oldest first)", async () => {
    const asked: number[] = [];
    let refusals = 4;
    const controller = createRateController({
      ...DEFAULT_RATE_LIMIT,
      store: {
        take: async ({ waitedMs }) => {
          asked.push(waitedMs ?? -1);
          return refusals-- > 0 ? 25 : 0;
        },
        throttled: async () => {},
        close: async () => {},
      },
    });
    const { fetch } = createHarness({}, { rateController: controller });

    const responses = await Promise.all(Array.from({ length: 3 }, () => call(fetch, server.url, 'GET', '/v1/me')));

    expect(responses.every((response) => response.status === 200)).toBe(true);
    // Refused four times 25 ms apart: the age grows by about that much each time, on one clock.
    expect(asked.length).toBeGreaterThanOrEqual(7);
    expect(asked[0]).toBeGreaterThanOrEqual(0);
    expect(asked[0]).toBeLessThan(1000);
    expect(asked[4]! - asked[0]!).toBeGreaterThanOrEqual(4 * 25 - 5);
    expect(asked[4]! - asked[0]!).toBeLessThan(1000);
  });
});
