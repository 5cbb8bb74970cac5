import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HeroApiError,
  HeroAuthenticationError,
  HeroConfigError,
  HeroError,
  HeroNetworkError,
  HeroNotFoundError,
  HeroPermissionError,
  HeroRateLimitError,
  HeroRedirectError,
  HeroResponseParseError,
  HeroServerError,
  HeroTimeoutError,
  HeroValidationError,
  errorFromStatus,
  parseValidationIssues,
} from './errors.js';
import { errorFromResponse } from './transport/error-from-response.js';
import { REDACTED, redactHeaders, redactResponseHeaders, redactSecrets, secretsOf } from './transport/redaction.js';
import { findClosedPort, startFaultServer } from '../test/helpers/fault-server.js';
import type { FaultServer } from '../test/helpers/fault-server.js';
import { TEST_API_KEY, call, createHarness } from '../test/helpers/transport-harness.js';

const CALL = { method: 'GET', path: '/v1/patients/{id}' } as const;

describe('errorFromStatus', () => {
  it.each([
    [400, HeroValidationError],
    [422, HeroValidationError],
    [401, HeroAuthenticationError],
    [403, HeroPermissionError],
    [404, HeroNotFoundError],
    [429, HeroRateLimitError],
    [500, HeroServerError],
    [503, HeroServerError],
    [599, HeroServerError],
    [409, HeroApiError],
    [418, HeroApiError],
  ] as const)('maps %i to %o, whose name is its class name', (status, ErrorClass) => {
    const error = errorFromStatus({ ...CALL, status });
    expect(error.constructor).toBe(ErrorClass);
    expect(error.name).toBe(ErrorClass.name);
    expect(error).toBeInstanceOf(HeroApiError);
    expect(error).toBeInstanceOf(HeroError);
    expect(error.status).toBe(status);
  });

  it('names method, path template, operationId and status in the message', () => {
    const error = errorFromStatus({ ...CALL, operationId: 'getPatientById', status: 404, statusText: 'Not Found' });
    expect(error.message).toBe('GET /v1/patients/{id} (getPatientById) failed with 404 Not Found');
    expect(String(error)).toBe(`HeroNotFoundError: ${error.message}`);
    expect(error.stack?.split('\n')[0]).toBe(`HeroNotFoundError: ${error.message}`);
  });

  it('puts the wait of a rate limit in its message', () => {
    const error = errorFromStatus({ ...CALL, status: 429, retryAfterMs: 120_000 });
    expect(error.message).toContain('retry after 120000 ms');
    expect(error.retryAfterMs).toBe(120_000);
  });
});

describe('HeroValidationError', () => {
  it('exposes the body message[] items as issues and names their paths, not their values, in the message', () => {
    const body = {
      error: true,
      statusCode: 400,
      message: [
        { code: 'invalid_string', expected: 'nhs_number', path: ['nhs_number'] },
        { code: 'invalid_type', expected: 'string', path: ['address', 0, 'postcode'] },
      ],
    };
    const error = errorFromStatus({ method: 'POST', path: '/v1/patients/register_pds', status: 400, body }) as HeroValidationError;
    expect(error.issues).toEqual(body.message);
    expect(error.toJSON()['issues']).toEqual(body.message);
    expect(error.message).toBe('POST /v1/patients/register_pds failed with 400 (2 issue(s) at nhs_number, address.0.postcode)');
  });

  it('has no issues when the body has no message[] list', () => {
    expect((errorFromStatus({ ...CALL, status: 400, body: 'Bad Request' }) as HeroValidationError).issues).toEqual([]);
    expect((errorFromStatus({ ...CALL, status: 400 }) as HeroValidationError).issues).toEqual([]);
  });
});

describe('parseValidationIssues', () => {
  it('keeps what it can of odd items and skips non-objects', () => {
    expect(parseValidationIssues({ message: ['text', null, { code: 7, path: ['a', { x: 1 }, 2] }, { expected: 'date' }] })).toEqual([
      { path: ['a', 2] },
      { expected: 'date', path: [] },
    ]);
  });

  it('returns [] for a string message (the usual NestJS-style 4xx body)', () => {
    expect(parseValidationIssues({ message: 'Unauthorized', statusCode: 401 })).toEqual([]);
  });
});

describe('no-response errors', () => {
  it('HeroNetworkError has status 0, the cause and its code', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = new HeroNetworkError({ ...CALL, cause, code: 'ECONNREFUSED' });
    expect(error.status).toBe(0);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('HeroNetworkError');
    expect(error.message).toBe('GET /v1/patients/{id} failed: no response from the server (ECONNREFUSED)');
    expect(error.toJSON()).toMatchObject({ code: 'ECONNREFUSED', cause: { name: 'Error', code: 'ECONNREFUSED' } });
  });

  it('HeroTimeoutError is a HeroNetworkError that says which limit expired', () => {
    const error = new HeroTimeoutError({ ...CALL, timeoutMs: 30_000, kind: 'attempt' });
    expect(error).toBeInstanceOf(HeroNetworkError);
    expect(error.name).toBe('HeroTimeoutError');
    expect(error.status).toBe(0);
    expect(error.message).toBe('GET /v1/patients/{id} timed out: no response within the per-attempt timeout of 30000 ms');
    expect(error.toJSON()).toMatchObject({ kind: 'attempt', timeoutMs: 30_000 });
  });
});

describe('HeroResponseParseError', () => {
  it('names the operation and status of a 2xx whose body is not the promised JSON', () => {
    const error = new HeroResponseParseError({ ...CALL, operationId: 'getPatientById', status: 200, body: '<html>', cause: new SyntaxError('x') });
    expect(error.name).toBe('HeroResponseParseError');
    expect(error.message).toBe('GET /v1/patients/{id} (getPatientById) returned 200 but the body is not the JSON the API describes');
    expect(error.body).toBe('<html>');
  });
});

describe('HeroConfigError', () => {
  it('is a HeroError named after its class', () => {
    const error = new HeroConfigError('timeoutMs must be > 0');
    expect(error).toBeInstanceOf(HeroError);
    expect(error.name).toBe('HeroConfigError');
  });
});

describe('errorFromResponse', () => {
  it('reads an empty body as undefined', async () => {
    const error = await errorFromResponse(new Response(null, { status: 401 }), CALL);
    expect(error).toBeInstanceOf(HeroAuthenticationError);
    expect(error.body).toBeUndefined();
  });

  it('reads JSON when it parses and text otherwise', async () => {
    expect((await errorFromResponse(new Response('{"error":true}', { status: 500 }), CALL)).body).toEqual({ error: true });
    expect((await errorFromResponse(new Response('{oops', { status: 500 }), CALL)).body).toBe('{oops');
  });

  it('takes the request id from the first known header and Retry-After from its header', async () => {
    const response = new Response(null, {
      status: 429,
      headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'req-1', 'retry-after': '3' },
    });
    const error = await errorFromResponse(response, CALL);
    expect(error.requestId).toBe('req-1');
    expect(error.retryAfterMs).toBe(3000);
  });

  it('scrubs the given secrets from body and headers', async () => {
    const response = new Response(`bad key ${TEST_API_KEY}`, { status: 401, headers: { 'x-echo': TEST_API_KEY } });
    const error = await errorFromResponse(response, { ...CALL, secrets: [TEST_API_KEY] });
    expect(error.body).toBe(`bad key ${REDACTED}`);
    expect(error.headers['x-echo']).toBe(REDACTED);
  });
});

describe('redirects and what errors log', () => {
  it.each([301, 302, 303, 307, 308])('a %i is HeroRedirectError keeping only the Location origin', async (status) => {
    const response = new Response(null, { status, headers: { location: 'https://elsewhere.example:8443/p?nhs_number=9434765919' } });
    const error = await errorFromResponse(response, { ...CALL, url: 'https://api.example/v1/patients/1' });
    expect(error).toBeInstanceOf(HeroRedirectError);
    expect((error as HeroRedirectError).location).toBe('https://elsewhere.example:8443');
    expect(error.headers['location']).toBe('https://elsewhere.example:8443');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('9434765919');
  });

  it('a relative Location resolves against the request URL; a missing one gives undefined', async () => {
    const relative = await errorFromResponse(new Response(null, { status: 302, headers: { location: '/x?y=1' } }), { ...CALL, url: 'https://api.example/v1' });
    expect((relative as HeroRedirectError).location).toBe('https://api.example');
    const none = await errorFromResponse(new Response(null, { status: 302 }), CALL);
    expect((none as HeroRedirectError).location).toBeUndefined();
  });

  it('toJSON and inspect leave out body and headers; the properties stay readable', () => {
    const error = errorFromStatus({ ...CALL, status: 500, body: { nhs_number: '9434765919' }, headers: { 'x-patient': '9434765919' } });
    expect(JSON.stringify(error)).not.toContain('9434765919');
    expect(inspect(error, { depth: 10 })).not.toContain('9434765919');
    expect(error.body).toEqual({ nhs_number: '9434765919' });
    expect(error.headers['x-patient']).toBe('9434765919');
  });

  it('redactResponseHeaders masks secret and cookie headers and scrubs echoed keys', () => {
    const headers = new Headers({ 'set-cookie': 's=1', 'x-api-key': TEST_API_KEY, 'x-echo': `k=${TEST_API_KEY}`, 'content-type': 'application/json' });
    expect(redactResponseHeaders(headers, [TEST_API_KEY], 'https://api.example/')).toEqual({
      'set-cookie': REDACTED,
      'x-api-key': REDACTED,
      'x-echo': `k=${REDACTED}`,
      'content-type': 'application/json',
    });
  });
});

describe('redaction helpers', () => {
  it('redactHeaders masks secret headers on a copy and leaves the original alone', () => {
    const headers = new Headers({ 'x-api-key': TEST_API_KEY, Authorization: 'Bearer abc', 'x-practice-group-id': '4242' });
    expect(redactHeaders(headers)).toEqual({ 'x-api-key': REDACTED, authorization: REDACTED, 'x-practice-group-id': '4242' });
    expect(headers.get('x-api-key')).toBe(TEST_API_KEY);
  });

  it('secretsOf and redactSecrets ignore values too short to be real keys', () => {
    expect(secretsOf(new Headers({ 'x-api-key': 'abc' }))).toEqual([]);
    expect(redactSecrets('abcabc', ['abc'])).toBe('abcabc');
    expect(redactSecrets(`a ${TEST_API_KEY} b ${TEST_API_KEY}`, [TEST_API_KEY])).toBe(`a ${REDACTED} b ${REDACTED}`);
  });
});

describe('the API key never leaks from an error', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  async function failure(setup: () => Promise<{ baseUrl: string; timeoutMs?: number }>): Promise<HeroApiError> {
    const { baseUrl, timeoutMs } = await setup();
    const { fetch } = createHarness({ retry: { maxAttempts: 1 }, ...(timeoutMs ? { timeoutMs } : {}) });
    const error = await call(fetch, baseUrl, 'POST', '/v1/messages/send', { body: { content: 'hi' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroApiError);
    return error as HeroApiError;
  }

  const scenarios: Record<string, () => Promise<{ baseUrl: string; timeoutMs?: number }>> = {
    '401 echoing the key in body and headers': async () => {
      server.enqueue({
        type: 'respond',
        status: 401,
        headers: { 'www-authenticate': `ApiKey ${TEST_API_KEY}` },
        body: { message: `Invalid API key: ${TEST_API_KEY}`, statusCode: 401 },
      });
      return { baseUrl: server.url };
    },
    '400 validation body': async () => {
      server.enqueue({ type: 'respond', status: 400, body: { error: true, message: [{ code: 'x', expected: 'y', path: ['z'] }] } });
      return { baseUrl: server.url };
    },
    '429 with Retry-After': async () => {
      server.enqueue({ type: 'respond', status: 429, headers: { 'retry-after': '999' } });
      return { baseUrl: server.url };
    },
    'connection refused': async () => ({ baseUrl: `http://127.0.0.1:${await findClosedPort()}` }),
    'connection reset': async () => {
      server.enqueue({ type: 'reset-after-body' });
      return { baseUrl: server.url };
    },
    timeout: async () => {
      server.enqueue({ type: 'hang' });
      return { baseUrl: server.url, timeoutMs: 50 };
    },
  };

  it.each(Object.keys(scenarios))('%s: not in message, stack, String(), toJSON(), JSON.stringify or util.inspect', async (name) => {
    const error = await failure(scenarios[name]!);
    const outputs = [
      error.message,
      error.stack ?? '',
      String(error),
      JSON.stringify(error.toJSON()),
      JSON.stringify(error),
      inspect(error),
      inspect(error, { showHidden: true, depth: Infinity }),
      inspect({ wrapped: error }, { depth: Infinity }),
    ];
    for (const output of outputs) expect(output).not.toContain(TEST_API_KEY);
    expect(inspect(error)).toContain('/v1/messages/send');
    expect(inspect(error)).toContain(error.name);
  });
});
