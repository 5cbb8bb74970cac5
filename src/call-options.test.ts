/**
 * Per-call options end to end against a recording server on 127.0.0.1: what reaches the
 * wire for one call, what the transport does differently for it, and that the client's
 * own settings are untouched for the next call (and for calls running at the same time).
 */
import { describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClientOptions } from './client.js';
import { HeroAbortError, HeroError, HeroInputError, HeroServerError, HeroTimeoutError } from './index.js';
import { useFaultServer } from '../test/helpers/use-fault-server.js';

const apiKey = 'hk_test_call_options_secret';
const server = useFaultServer();

const hero = (options: HeroClientOptions = {}) =>
  createHeroClient({ apiKey, practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options });

const sendBody = { patient_id: '98765', message_type: 'sms', message_string: 'Your results are ready' } as const;

describe('headers and practice group for one call', () => {
  it('sends the extra header on that call only', async () => {
    const client = hero();
    await client.patients.get('1', { headers: { 'x-trace-id': 'trace-123' } });
    await client.patients.get('2');
    expect(server.requests[0]?.headers['x-trace-id']).toBe('trace-123');
    expect(server.requests[0]?.headers['x-api-key']).toBe(apiKey);
    expect(server.requests[1]?.headers['x-trace-id']).toBeUndefined();
  });

  it('overrides the practice group for one call, then uses the client\'s again', async () => {
    const client = hero();
    await client.booking.listLocations({ practiceGroupId: '777' });
    await client.raw.GET('/v1/locations', { practiceGroupId: '778' });
    await client.booking.listLocations();
    expect(server.requests.map((r) => r.headers['x-practice-group-id'])).toEqual(['777', '778', '4242']);
  });

  it('keeps concurrent calls apart: each sends its own practice group', async () => {
    server.setFallback((request) => ({ type: 'respond', body: { group: request.headers['x-practice-group-id'] }, delayMs: 5 }));
    const client = hero();
    const groups = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? String(1000 + i) : undefined));
    const answers = await Promise.all(
      groups.map((group) => client.raw.GET('/v1/me', group === undefined ? {} : { practiceGroupId: group }).then((r) => (r.data as { group: string }).group)),
    );
    expect(answers).toEqual(groups.map((group) => group ?? '4242'));
  });
});

describe('retry and time limits for one call', () => {
  it('makes one attempt with retry: { maxAttempts: 1 }; the next call retries as the client says', async () => {
    const client = hero();
    server.enqueue({ type: 'respond', status: 503 }, { type: 'respond', status: 503 }, { type: 'respond', status: 200, body: {} });
    await expect(client.booking.listLocations({ retry: { maxAttempts: 1 } })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
    await client.booking.listLocations();
    expect(server.requests).toHaveLength(3);
  });

  it('times out one call with its own timeoutMs; the next call keeps the client\'s 30 s', async () => {
    const client = hero();
    server.enqueue({ type: 'hang' });
    const error = await client.patients.get('1', { timeoutMs: 100, retry: { maxAttempts: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect(error).toMatchObject({ kind: 'attempt', timeoutMs: 100, path: '/v1/patients/{id}' });
    // Slower than the per-call limit above, well within the client's default.
    server.enqueue({ type: 'respond', body: { id: '2' }, delayMs: 300 });
    await expect(client.patients.get('2')).resolves.toEqual({ id: '2' });
  });

  it('applies a per-call deadline over the retries', async () => {
    const client = hero({ retry: { baseDelayMs: 50, maxDelayMs: 50 } });
    server.setFallback({ type: 'respond', status: 503 });
    const error = await client.booking.listLocations({ deadlineMs: 120, retry: { maxAttempts: 10 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroError);
    expect(server.requests.length).toBeGreaterThan(1);
    expect(server.requests.length).toBeLessThan(10);
  });

  it('retries a POST after a 500 only when that call is marked idempotent (facade and raw)', async () => {
    const client = hero();
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', body: { id: '1' } });
    await expect(client.raw.POST('/v1/messages/send', { body: sendBody, idempotent: true })).resolves.toMatchObject({ data: { id: '1' } });
    expect(server.requests).toHaveLength(2);

    server.reset();
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', body: { id: '1' } });
    await expect(client.messages.send(sendBody, { idempotent: true })).resolves.toEqual({ id: '1' });
    expect(server.requests).toHaveLength(2);

    server.reset();
    server.enqueue({ type: 'respond', status: 500 }, { type: 'respond', body: { id: '1' } });
    await expect(client.raw.POST('/v1/messages/send', { body: sendBody })).rejects.toBeInstanceOf(HeroServerError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('cancelling', () => {
  it('turns a caller\'s abort into HeroAbortError with the reason as cause', async () => {
    server.enqueue({ type: 'hang' });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const pending = hero().patients.get('1', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroAbortError);
    expect(error).toMatchObject({ method: 'GET', path: '/v1/patients/{id}', operationId: 'getPatientById' });
    expect((error as HeroAbortError).cause).toBe(reason);
  });

  it('turns an AbortSignal.timeout into HeroTimeoutError (kind signal) with the TimeoutError as cause', async () => {
    server.enqueue({ type: 'hang' });
    const error = await hero().raw.GET('/v1/me', { signal: AbortSignal.timeout(60) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroTimeoutError);
    expect(error).toMatchObject({ kind: 'signal', timeoutMs: undefined });
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects an already-aborted call with HeroAbortError and sends nothing', async () => {
    const error = await hero().booking.listLocations({ signal: AbortSignal.abort('stop') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroAbortError);
    expect((error as Error).cause).toBe('stop');
    expect(server.requests).toHaveLength(0);
  });

  it('leaves the client usable after an abort', async () => {
    const client = hero();
    await client.booking.listLocations({ signal: AbortSignal.abort() }).catch(() => undefined);
    await expect(client.booking.listLocations()).resolves.toEqual({});
  });
});

describe('checking per-call options (nothing is sent)', () => {
  const rejectsWith = async (pending: Promise<unknown>, field: string) => {
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    expect((error as HeroInputError).issues.map((i) => i.field)).toContain(field);
    return error as HeroInputError;
  };

  it('refuses x-api-key and x-practice-group-id in headers, in any case', async () => {
    await rejectsWith(hero().patients.get('1', { headers: { 'X-Api-Key': 'hk_other_key_1234567' } }), 'headers["X-Api-Key"]');
    await rejectsWith(hero().raw.GET('/v1/me', { headers: { 'x-practice-group-id': '9' } }), 'headers["x-practice-group-id"]');
    await rejectsWith(hero().raw.GET('/v1/me', { headers: new Headers({ host: 'evil.example' }) }), 'headers["host"]');
    expect(server.requests).toHaveLength(0);
  });

  it('lets hero.raw remove a reserved header with null (contract tests send calls without a key)', async () => {
    await hero().raw.GET('/v1/me', { headers: { 'x-api-key': null } });
    expect(server.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(server.requests[0]?.headers['x-practice-group-id']).toBe('4242');
  });

  it('refuses CR/LF in a header value without echoing the value', async () => {
    const error = await rejectsWith(hero().patients.get('1', { headers: { 'x-trace-id': 'a\r\nx-injected: 1' } }), 'headers["x-trace-id"]');
    expect(error.message).not.toContain('injected');
    await rejectsWith(hero().patients.get('1', { practiceGroupId: '1\n2' }), 'practiceGroupId');
    expect(server.requests).toHaveLength(0);
  });

  it('names malformed numbers, unknown retry keys and the shared budget', async () => {
    const client = hero();
    await rejectsWith(client.patients.get('1', { timeoutMs: -1 }), 'timeoutMs');
    await rejectsWith(client.patients.get('1', { retry: { maxAttempts: 0 } }), 'retry.maxAttempts');
    await rejectsWith(client.patients.get('1', { retry: { maxAttempt: 1 } as never }), 'retry.maxAttempt');
    await rejectsWith(client.raw.GET('/v1/me', { retry: { budget: false } as never }), 'retry.budget');
    await rejectsWith(client.raw.GET('/v1/me', { deadlineMs: Number.NaN }), 'deadlineMs');
    await rejectsWith(client.raw.POST('/v1/messages/send', { body: sendBody, idempotent: 'yes' as never }), 'idempotent');
    expect(server.requests).toHaveLength(0);
  });

  it('lists every problem at once', async () => {
    const error = await rejectsWith(hero().patients.get('1', { timeoutMs: 0, practiceGroupId: ' ' }), 'timeoutMs');
    expect(error.issues.map((i) => i.field)).toEqual(['timeoutMs', 'practiceGroupId']);
  });
});
