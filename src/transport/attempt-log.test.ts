/**
 * The `logger` option and HERO_DEBUG against a recording server on 127.0.0.1: one line per
 * attempt, with the path template and never the filled path, query, key or body.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHeroClient, type HeroClientOptions } from '../client.js';
import { HeroConfigError, HeroNetworkError } from '../errors.js';
import type { HeroAttemptLogFields, HeroLogger } from './types.js';
import { findClosedPort } from '../../test/helpers/fault-server.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

const apiKey = 'hk_test_logging_secret_key';
// Stand-ins for patient data that must never reach a log.
const patientId = '9434765919';
const searchTerm = 'Lovelace';

const server = useFaultServer();
afterEach(() => vi.restoreAllMocks());

interface Line {
  readonly level: keyof HeroLogger;
  readonly fields: HeroAttemptLogFields;
  readonly message: string;
}

function recordingLogger(): { logger: HeroLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: keyof HeroLogger) => (fields: HeroAttemptLogFields, message: string) => void lines.push({ level, fields, message });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const hero = (options: HeroClientOptions = {}) =>
  createHeroClient({ apiKey, practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options });

describe('logger option', () => {
  it('logs one line per attempt: the retry with its reason, then the success', async () => {
    const { logger, lines } = recordingLogger();
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', body: { id: patientId } });
    await hero({ logger }).patients.get(patientId);

    expect(lines.map((l) => l.level)).toEqual(['info', 'debug']);
    expect(lines[0]?.fields).toMatchObject({ method: 'GET', path: '/v1/patients/{id}', operationId: 'getPatientById', status: 503, attempt: 1, retryReason: 'service-unavailable' });
    expect(lines[0]?.message).toMatch(/^hero getPatientById GET \/v1\/patients\/\{id\}: 503 in \d+ ms \(attempt 1\); retrying in \d+ ms \(service-unavailable\)$/);
    expect(lines[1]?.fields).toMatchObject({ status: 200, attempt: 2 });
    expect(lines[1]?.fields.durationMs).toEqual(expect.any(Number));
  });

  it('never logs the filled path, the query, the key or the body', async () => {
    const { logger, lines } = recordingLogger();
    server.setFallback({ type: 'respond', status: 400, body: { message: [{ path: ['last_name'], code: 'x', expected: searchTerm }] } });
    await hero({ logger }).patients.search({ last_name: searchTerm, nhs_number: patientId }).catch(() => undefined);
    await hero({ logger }).patients.get(patientId).catch(() => undefined);
    const text = JSON.stringify(lines);
    expect(lines).toHaveLength(2);
    for (const secret of [patientId, searchTerm, apiKey, '?']) expect(text).not.toContain(secret);
    expect(lines.map((l) => l.fields.path)).toEqual(['/v3/patients', '/v1/patients/{id}']);
  });

  it('warns with the stop reason when a failure ends the call', async () => {
    const { logger, lines } = recordingLogger();
    server.enqueue({ type: 'respond', status: 500 });
    await hero({ logger }).messages.send({ patient_id: '1', message_type: 'sms', message_string: 'x' }).catch(() => undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { status: 500, stopReason: 'not-idempotent' } });
  });

  it('calls pino-style loggers as (fields, message) with `this` intact', async () => {
    const calls: unknown[][] = [];
    const pinoLike = {
      name: 'pino-like',
      debug(this: { name: string }, ...args: unknown[]) {
        calls.push([this.name, ...args]);
      },
      info() {},
      warn() {},
      error() {},
    };
    await hero({ logger: pinoLike }).booking.listLocations();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('pino-like');
    expect(calls[0]?.[1]).toMatchObject({ method: 'GET', path: '/v1/locations', status: 200 });
    expect(calls[0]?.[2]).toEqual(expect.stringMatching(/^hero listLocations GET \/v1\/locations: 200/));
  });

  it('ignores a logger that throws', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    await expect(hero({ logger: { debug: boom, info: boom, warn: boom, error: boom } }).booking.listLocations()).resolves.toEqual({});
  });

  it('refuses a logger without the four methods', () => {
    expect(() => hero({ logger: { debug() {} } as never })).toThrow(HeroConfigError);
    expect(() => hero({ logger: { debug() {} } as never })).toThrow(/missing: info, warn, error/);
  });
});

describe('log formats', () => {
  it('gives console one line per attempt, with the request id, and no object', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    server.enqueue({ type: 'respond', status: 503, headers: { 'x-request-id': 'req-503' } }, { type: 'respond', body: { id: patientId }, headers: { 'x-request-id': 'req-ok' } });
    await hero({ logger: console }).patients.get(patientId);
    expect(info.mock.calls).toEqual([[expect.stringMatching(/^hero getPatientById GET \/v1\/patients\/\{id\}: 503 in \d+ ms \(attempt 1, request-id req-503\); retrying in \d+ ms \(service-unavailable\)$/)]]);
    expect(debug.mock.calls).toEqual([[expect.stringMatching(/^hero getPatientById GET \/v1\/patients\/\{id\}: 200 in \d+ ms \(attempt 2, request-id req-ok\)$/)]]);
  });

  it('calls winston-style loggers as (message, fields), detected or asked for', async () => {
    const calls: unknown[][] = [];
    const record = (...args: unknown[]) => void calls.push(args);
    const winstonLike = { transports: [], add() {}, debug: record, info: record, warn: record, error: record };
    server.setFallback({ type: 'respond', body: {}, headers: { 'x-request-id': 'req-w' } });
    await hero({ logger: winstonLike }).booking.listLocations();
    await hero({ logger: { debug: record, info: record, warn: record, error: record }, logFormat: 'winston' }).booking.listLocations();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call[0]).toMatch(/^hero listLocations GET \/v1\/locations: 200 in \d+ ms \(attempt 1, request-id req-w\)$/);
      expect(call[1]).toMatchObject({ method: 'GET', path: '/v1/locations', operationId: 'listLocations', status: 200, requestId: 'req-w' });
    }
  });

  it("logFormat: 'line' hands a pino-style logger the line alone", async () => {
    const { logger, lines } = recordingLogger();
    await hero({ logger, logFormat: 'line' }).booking.listLocations();
    expect(lines[0]?.fields).toEqual(expect.stringMatching(/^hero listLocations GET \/v1\/locations: 200/));
    expect(lines[0]?.message).toBeUndefined();
  });

  it('leaves out a request id that is not a short run of visible ASCII', async () => {
    const { logger, lines } = recordingLogger();
    server.setFallback({ type: 'respond', body: {}, headers: { 'x-request-id': 'has spaces in it' } });
    await hero({ logger }).booking.listLocations();
    expect(lines[0]?.fields.requestId).toBeUndefined();
    expect(lines[0]?.message).not.toContain('request-id');
  });

  it('refuses an unknown logFormat', () => {
    expect(() => hero({ logger: console, logFormat: 'json' as never })).toThrow(/logFormat must be 'line', 'pino' or 'winston'/);
  });
});

describe('HERO_DEBUG', () => {
  it('logs each attempt to console.error when HERO_DEBUG=1', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await hero({ env: { HERO_DEBUG: '1' } }).patients.get(patientId);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toMatch(/^hero getPatientById GET \/v1\/patients\/\{id\}: 200 in \d+ ms \(attempt 1\)$/);
  });

  it('stays quiet without HERO_DEBUG, and with logger: false', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await hero().booking.listLocations();
    await hero({ env: { HERO_DEBUG: '0' } }).booking.listLocations();
    await hero({ env: { HERO_DEBUG: '1' }, logger: false }).booking.listLocations();
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('network failures and durations', () => {
  it('names the host (not the path or query) in the error and the log line', async () => {
    const port = await findClosedPort();
    const { logger, lines } = recordingLogger();
    const client = hero({ baseUrl: `http://127.0.0.1:${port}`, logger, retry: { maxAttempts: 1 } });
    const error = await client.patients.search({ last_name: searchTerm }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroNetworkError);
    expect((error as HeroNetworkError).host).toBe(`127.0.0.1:${port}`);
    expect((error as Error).message).toBe(`GET /v3/patients (listPatientsV3) failed: no response from 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { code: 'ECONNREFUSED', host: `127.0.0.1:${port}` } });
    expect(JSON.stringify(lines)).not.toContain(searchTerm);
  });

  it('reports durations to onResponse and onRetry', async () => {
    const durations: Record<string, number[]> = { response: [], retry: [] };
    server.enqueue({ type: 'respond', status: 503, delayMs: 60 }, { type: 'respond', body: {}, delayMs: 60 });
    await hero({
      hooks: { onResponse: (e) => void durations.response!.push(e.durationMs), onRetry: (e) => void durations.retry!.push(e.durationMs) },
    }).booking.listLocations();
    expect(durations.response).toHaveLength(2);
    expect(durations.retry).toHaveLength(1);
    for (const ms of [...durations.response!, ...durations.retry!]) expect(ms).toBeGreaterThanOrEqual(50);
  });
});
