/**
 * Hero's own message in `error.message`, and the hostile case: a server on 127.0.0.1 whose
 * error text echoes an NHS number, names, a date of birth, contact details and the API key.
 * None of it may reach `error.message`, `toJSON()`, `util.inspect`, the stack or a log line.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClientOptions } from '../client.js';
import { HeroApiError, HeroAuthenticationError, HeroNotFoundError, HeroValidationError } from '../errors.js';
import type { HeroLogger } from './types.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

const server = useFaultServer();
const apiKey = 'hk_live_9c4e1f0a7b3d52e8';

// The request carries these; the hostile server echoes them back (and more it was never sent).
const patient = { first_name: 'Ada', last_name: 'Lovelace', dob: '1992-01-01', nhs_number: '9434765919', mobile: '07700 900123', postcode: 'SW1A 1AA', email: 'ada@example.com' };
const echoed = [
  'Ada',
  'Lovelace',
  'lovelace',
  '1992-01-01',
  '01/01/1992',
  '9434765919',
  '943 476 5919',
  '07700 900123',
  '900123',
  'SW1A 1AA',
  'SW1A',
  'ada@example.com',
  'Grace',
  'Hopper',
  'HOPPER',
  'Brian',
  apiKey,
];
const hostileText =
  `Patient Ada Lovelace (NHS 943 476 5919 / 9434765919, born 1992-01-01 or 01/01/1992) does not match Grace Hopper; ` +
  `call 07700 900123 or write to ada@example.com at SW1A 1AA. lovelace HOPPER Brian was rejected for key ${apiKey}`;

function recordingLogger(): { logger: HeroLogger; text: () => string } {
  const lines: unknown[] = [];
  const at = (...args: unknown[]) => void lines.push(args);
  return { logger: { debug: at, info: at, warn: at, error: at }, text: () => JSON.stringify(lines) };
}

const hero = (options: HeroClientOptions = {}) => createHeroClient({ apiKey, practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 }, ...options });

/** Every place an error is shown: message, stack, String(), toJSON(), util.inspect. */
function shown(error: unknown): string {
  const e = error as HeroApiError;
  return [e.message, e.stack, String(e), JSON.stringify(e), inspect(e, { depth: 5 })].join('\n');
}

describe("Hero's message in errors", () => {
  it("a 404's message holds Hero's text, and requestId the response's id", async () => {
    server.enqueue({ type: 'respond', status: 404, headers: { 'x-request-id': 'req-7f3a' }, body: { statusCode: 404, message: 'Patient not found', error: 'Not Found' } });
    const error = await hero().patients.get('123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNotFoundError);
    expect((error as HeroNotFoundError).message).toBe('GET /v1/patients/{id} (getPatientById) failed with 404 Not Found: Patient not found');
    expect((error as HeroNotFoundError).serverMessage).toBe('Patient not found');
    expect((error as HeroNotFoundError).requestId).toBe('req-7f3a');
    expect((error as HeroNotFoundError).toJSON()).toMatchObject({ requestId: 'req-7f3a', serverMessage: 'Patient not found' });
  });

  it("takes `error` when there is no `message`, and a short text body", async () => {
    server.enqueue({ type: 'respond', status: 500, body: { error: 'Unknown error' } }, { type: 'respond', status: 503, headers: { 'content-type': 'text/plain' }, body: 'Service temporarily unavailable' });
    const first = await hero().booking.listLocations().catch((e: unknown) => e);
    const second = await hero().booking.listLocations().catch((e: unknown) => e);
    expect((first as HeroApiError).message).toMatch(/failed with 500 Internal Server Error: Unknown error$/);
    expect((second as HeroApiError).message).toMatch(/failed with 503 Service Unavailable: Service temporarily unavailable$/);
  });

  it('reads no HTML error page', async () => {
    server.enqueue({ type: 'respond', status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad gateway for Ada Lovelace</body></html>' });
    const error = (await hero().booking.listLocations().catch((e: unknown) => e)) as HeroApiError;
    expect(error.serverMessage).toBeUndefined();
    expect(error.message).toBe('GET /v1/locations (listLocations) failed with 502 Bad Gateway');
  });
});

describe('a hostile server echoing patient data and the key', () => {
  it('in a string message: none of it reaches the message, toJSON, inspect, the stack or the logs', async () => {
    server.enqueue({ type: 'respond', status: 400, headers: { 'x-request-id': 'req-1' }, body: { statusCode: 400, error: true, message: hostileText } });
    const { logger, text } = recordingLogger();
    const error = await hero({ logger }).patients.register(patient).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroValidationError);
    const everywhere = `${shown(error)}\n${text()}`;
    for (const value of echoed) expect(everywhere, value).not.toContain(value);
    // What is left still says what happened.
    expect((error as HeroApiError).serverMessage).toMatch(/^Patient \[REDACTED\] \(NHS \[REDACTED\].*does not match \[REDACTED\]/);
    expect((error as HeroApiError).message).toContain('was rejected for key [REDACTED]');
  });

  it("in Hero's 400 issue list: paths and expected values that are not field names are redacted", async () => {
    server.enqueue({
      type: 'respond',
      status: 400,
      body: {
        error: true,
        statusCode: 400,
        message: [
          { code: 'invalid_type', expected: 'string', path: ['dob'] },
          { code: 'invalid_string', expected: 'not 9434765919', path: ['patients', 0, 'Lovelace'] },
          { code: 'custom Ada', expected: 'string', path: ['ada@example.com', 9434765919, '1992-01-01'] },
        ],
      },
    });
    const { logger, text } = recordingLogger();
    const error = (await hero({ logger }).patients.register(patient).catch((e: unknown) => e)) as HeroValidationError;
    expect(error.issues).toEqual([
      { code: 'invalid_type', expected: 'string', path: ['dob'] },
      { code: 'invalid_string', expected: 'not [REDACTED]', path: ['patients', 0, '[REDACTED]'] },
      { code: 'custom [REDACTED]', expected: 'string', path: ['[REDACTED]', '[REDACTED]', '[REDACTED]'] },
    ]);
    const everywhere = `${shown(error)}\n${text()}`;
    for (const value of echoed) expect(everywhere, value).not.toContain(value);
    // The raw body is still there for code that needs it (and is never logged).
    expect(JSON.stringify(error.body)).toContain('9434765919');
  });

  it('a 401 echoing the key', async () => {
    server.enqueue({ type: 'respond', status: 401, body: { message: `Invalid API key ${apiKey} for practice group` } });
    const error = await hero().booking.listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroAuthenticationError);
    expect(shown(error)).not.toContain(apiKey);
    expect((error as HeroApiError).serverMessage).toBe('Invalid API key [REDACTED] for practice group');
  });

  it('a long message is cut to 200 characters', async () => {
    server.enqueue({ type: 'respond', status: 404, body: { message: 'patient not found '.repeat(40) } });
    const error = (await hero().patients.get('1').catch((e: unknown) => e)) as HeroApiError;
    expect(error.serverMessage!.length).toBeLessThanOrEqual(201);
    expect(error.serverMessage).toMatch(/…$/);
  });
});
