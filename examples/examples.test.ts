/**
 * Runs the README's examples against the local mock (Prism on the bundled spec), so the
 * documentation cannot drift from what the package does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHeroClient, type HeroClientOptions } from '@hero-sdk/hero-health';
import { startHeroMock, type HeroMock } from '@hero-sdk/hero-health/testing';
import { reserveFirstSlot } from './book-appointment.js';
import { capabilities, configuredClient } from './configure.js';
import { loggingClient } from './logging.js';
import { adminsAndRecipients } from './paginate.js';
import { practiceLocations } from './per-call-options.js';
import { registerPatient } from './register-patient.js';
import { sendResultsReady } from './send-message.js';
import { messageEveryPatient } from './message-every-patient.js';
import { tracedCalls } from './opentelemetry.js';
import { appointmentWithResponse } from './with-response.js';

let mock: HeroMock;
beforeAll(async () => {
  mock = await startHeroMock();
});
afterAll(() => mock.stop());

/** A client whose requests ask Prism for one named example or status. */
const heroPreferring = (prefer?: string, options: HeroClientOptions = {}) =>
  createHeroClient({
    baseUrl: mock.url,
    apiKey: 'test',
    practiceGroupId: '1',
    env: {},
    retry: { maxAttempts: 1 },
    ...options,
    fetch: async (request) => {
      if (prefer) request.headers.set('Prefer', prefer);
      return fetch(request);
    },
  });

describe('README examples', () => {
  it('registerPatient: registered', async () => {
    expect(await registerPatient(heroPreferring('example=registered'), '943 476 5919', '1992-01-01')).toMatch(/^registered: use patient \d+/);
  });

  it('registerPatient: verification required', async () => {
    expect(await registerPatient(heroPreferring('example=verificationRequired'), '9434765919', '1992-01-01')).toMatch(
      /^verification required: send the patient to https:\/\//,
    );
  });

  it('registerPatient: bad input is reported by field and not sent', async () => {
    expect(await registerPatient(heroPreferring(), '123 456 7891', '1992-02-30')).toMatch(/^fix the input: nhs_number .*check digit.*; dob/);
  });

  it('registerPatient: no PDS match and rate limiting', async () => {
    expect(await registerPatient(heroPreferring('code=404'), '9434765919', '1992-01-01')).toBe('no PDS match: check the NHS number and date of birth');
    expect(await registerPatient(heroPreferring('code=429'), '9434765919', '1992-01-01')).toMatch(/^rate limited: try again in 30000 ms/);
  });

  it('reserveFirstSlot reserves through the booking resource', async () => {
    const reservation = await reserveFirstSlot(heroPreferring(), '98765', '4321');
    expect(reservation.appointmentId).toMatch(/^\d+$/);
    expect(reservation.heldUntil).toEqual(expect.any(String));
  });

  it('sendResultsReady returns the message id', async () => {
    expect(await sendResultsReady(heroPreferring(), '98765')).toMatch(/^\d+$/);
  });

  it('messageEveryPatient sends to each patient once and prints a progress line', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      const result = await messageEveryPatient(heroPreferring(), ['1', '2', '3']);
      expect(result).toEqual({ sent: 3, toRetry: [], toCheck: [] });
    } finally {
      console.log = log;
    }
    expect(lines.at(-1)).toMatch(/^3\/3 sent, 0 failed, 0 to check, 0 left, [\d.]+\/s, ETA 0 s$/);
  });

  it('messageEveryPatient: a progress line that throws ends the job, and every send made is still counted', async () => {
    const log = console.log;
    console.log = () => {
      throw new Error('stdout closed');
    };
    try {
      const result = await messageEveryPatient(heroPreferring(), ['1', '2', '3', '4'], undefined);
      expect(result.sent + result.toRetry.length).toBe(4);
      expect(result.sent).toBeGreaterThan(0);
      expect(result.toCheck).toEqual([]);
    } finally {
      console.log = log;
    }
  });

  it('messageEveryPatient: a 400 is to retry after fixing, never "to check"', async () => {
    const result = await messageEveryPatient(heroPreferring('code=400'), ['1', '2']);
    expect(result).toEqual({ sent: 0, toRetry: ['1', '2'], toCheck: [] });
  });

  it('the configured client works and the raw client reaches any operation', async () => {
    expect(configuredClient(mock.url).baseUrl).toBe(mock.url);
    expect(await capabilities(mock.url)).toBeTypeOf('object');
  });

  it('practiceLocations: per-call options, and a cancelled or timed-out signal as typed errors', async () => {
    const hero = createHeroClient(mock.clientOptions);
    expect(await practiceLocations(hero, '7')).toBeTypeOf('object');
    expect(await practiceLocations(hero, '7', AbortSignal.abort())).toBe('cancelled');
    const timedOut = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await practiceLocations(hero, '7', timedOut)).toBe('timed out (signal)');
  });

  it('adminsAndRecipients walks the lists to their end', async () => {
    expect(await adminsAndRecipients(createHeroClient(mock.clientOptions), '1')).toEqual({ admins: ['345', '346'], recipients: 0 });
  });

  it('loggingClient logs one redacted line per attempt', async () => {
    const lines: string[] = [];
    const record = (_fields: unknown, message: string) => void lines.push(message);
    await loggingClient(mock.url, { debug: record, info: record, warn: record, error: record }).patients.get('12345');
    expect(lines).toEqual([expect.stringMatching(/^hero getPatientById GET \/v1\/patients\/\{id\}: 200 in \d+ ms \(attempt 1\)$/)]);
  });

  it('appointmentWithResponse: data with status, attempts and time; a 404 with Hero\'s message', async () => {
    expect(await appointmentWithResponse(heroPreferring(), '1')).toMatch(/^\S+: 200 in \d+(\.\d+)? ms after 1 attempt\(s\), request id none$/);
    expect(await appointmentWithResponse(heroPreferring('code=404'), '1')).toMatch(/^not found: .+ \(request id none\)$/);
  });

  it('tracedCalls prints the call and attempt spans and the metrics to the console', async () => {
    const printed: unknown[] = [];
    const spies = (['log', 'dir'] as const).map((method) => vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(...args)));
    try {
      expect(await tracedCalls(mock.url)).toBeTypeOf('object');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const text = JSON.stringify(printed);
    expect(text).toContain('"name":"hero.listLocations"');
    expect(text).toContain('"name":"GET /v1/locations"');
    expect(text).toContain('"url.template":"/v1/locations"');
    expect(text).toContain('hero.client.call.duration');
    expect(printed).toContainEqual(expect.stringMatching(/^200 in \d+(\.\d+)? ms, 1 attempt\(s\), request id none$/));
  });
});
