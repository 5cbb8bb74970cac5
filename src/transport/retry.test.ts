import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from './options.js';
import type { NormalizedRetryOptions } from './types.js';
import { classifyFailure, computeBackoffDelayMs, decideRetry, isIdempotentMethod } from './retry.js';
import type { RetryInput } from './retry.js';
import type { AttemptFailure } from './types.js';

const status = (code: number, retryAfterMs?: number): AttemptFailure => ({ kind: 'status', status: code, retryAfterMs });
const network = (...codes: string[]): AttemptFailure => ({ kind: 'network', codes });
const timeout: AttemptFailure = { kind: 'timeout' };
const half = (): number => 0.5;

function decide(partial: Partial<RetryInput> & Pick<RetryInput, 'failure'>, options: NormalizedRetryOptions = DEFAULT_RETRY) {
  return decideRetry({ attempt: 1, method: 'GET', idempotent: false, ...partial }, options, half);
}

describe('isIdempotentMethod', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'get', 'delete'])('treats %s as idempotent', (method) => {
    expect(isIdempotentMethod(method)).toBe(true);
  });

  it.each(['POST', 'PATCH', 'post'])('treats %s as not idempotent', (method) => {
    expect(isIdempotentMethod(method)).toBe(false);
  });
});

describe('classifyFailure', () => {
  it.each([
    [status(429), 'rate-limited'],
    [status(503), 'service-unavailable'],
    [status(500), 'server-error'],
    [status(502), 'server-error'],
    [status(504), 'server-error'],
    [status(408), 'request-timeout'],
    [network('ECONNREFUSED'), 'connection-failed'],
    [network('UND_ERR_CONNECT_TIMEOUT'), 'connection-failed'],
    [network('ERR_SOCKET_CONNECTION_TIMEOUT'), 'connection-failed'],
    [network('EAI_AGAIN'), 'connection-failed'],
    [network('UND_ERR_SOCKET', 'ECONNRESET'), 'network-error'],
    [network(), 'network-error'],
    [timeout, 'timeout'],
  ] as const)('maps %o to %s', (failure, reason) => {
    expect(classifyFailure(failure)).toBe(reason);
  });

  it.each([400, 401, 403, 404, 409, 422, 501, 505])('never retries status %i', (code) => {
    expect(classifyFailure(status(code))).toBeUndefined();
  });
});

describe('decideRetry', () => {
  it('stops once the attempt that failed was the last allowed', () => {
    expect(decide({ attempt: 3, failure: status(503) })).toEqual({ retry: false, reason: 'attempts-exhausted' });
  });

  it('stops on a status that is never retried', () => {
    expect(decide({ failure: status(404) })).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it.each(['POST', 'PATCH'])('retries 429 and 503 on %s: the server did nothing', (method) => {
    expect(decide({ method, failure: status(429) })).toMatchObject({ retry: true, reason: 'rate-limited' });
    expect(decide({ method, failure: status(503) })).toMatchObject({ retry: true, reason: 'service-unavailable' });
  });

  it.each([status(500), status(502), status(504), status(408), network('ECONNRESET'), timeout])(
    'does not repeat a POST after %o, which the server may have acted on',
    (failure) => {
      expect(decide({ method: 'POST', failure })).toEqual({ retry: false, reason: 'not-idempotent' });
    },
  );

  it.each([status(500), network('ECONNRESET'), timeout])('repeats a POST marked idempotent after %o', (failure) => {
    expect(decide({ method: 'POST', idempotent: true, failure })).toMatchObject({ retry: true });
  });

  it.each(['PUT', 'DELETE'])('repeats an idempotent %s after a 500', (method) => {
    expect(decide({ method, failure: status(500) })).toMatchObject({ retry: true, reason: 'server-error' });
  });

  it('repeats any method when the connection failed before sending', () => {
    expect(decide({ method: 'POST', failure: network('UND_ERR_SOCKET', 'ECONNREFUSED') })).toMatchObject({
      retry: true,
      reason: 'connection-failed',
    });
  });

  it('waits exactly the Retry-After of a 429 or 503, without jitter', () => {
    expect(decide({ failure: status(429, 7000) })).toEqual({ retry: true, reason: 'rate-limited', delayMs: 7000 });
    expect(decide({ failure: status(503, 0) })).toEqual({ retry: true, reason: 'service-unavailable', delayMs: 0 });
  });

  it('ignores Retry-After on other statuses and uses backoff', () => {
    expect(decide({ failure: status(500, 7000) })).toEqual({ retry: true, reason: 'server-error', delayMs: 250 });
  });

  it('refuses a Retry-After longer than maxRetryAfterMs', () => {
    expect(decide({ failure: status(429, 60_001) })).toEqual({ retry: false, reason: 'retry-after-too-long' });
    expect(decide({ failure: status(429, 60_000) })).toMatchObject({ retry: true, delayMs: 60_000 });
  });

  it('backs off exponentially with the attempt number', () => {
    const options = { ...DEFAULT_RETRY, maxAttempts: 10 };
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => decide({ attempt, failure: status(503) }, options));
    expect(delays.map((d) => (d.retry ? d.delayMs : undefined))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
  });
});

describe('computeBackoffDelayMs', () => {
  it('draws uniformly between 0 and the exponential ceiling (full jitter)', () => {
    expect(computeBackoffDelayMs(3, 500, 8000, () => 0)).toBe(0);
    expect(computeBackoffDelayMs(3, 500, 8000, () => 0.25)).toBe(500);
    expect(computeBackoffDelayMs(3, 500, 8000, () => 0.9999)).toBe(1999);
  });

  it('never exceeds maxDelayMs, however many attempts', () => {
    expect(computeBackoffDelayMs(40, 500, 8000, () => 0.9999)).toBe(7999);
  });

  it('lets the cap win when it is below the base', () => {
    expect(computeBackoffDelayMs(1, 500, 100, () => 0.5)).toBe(50);
  });

  it('uses Math.random by default and stays in range', () => {
    for (let i = 0; i < 100; i++) {
      const delayMs = computeBackoffDelayMs(2, 500, 8000);
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThan(1000);
    }
  });
});
