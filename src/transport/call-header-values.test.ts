/**
 * Per-call header values the HTTP client cannot send are refused before anything leaves:
 * a control character would otherwise fail inside undici after the call counts as sent
 * (a bulk item outcome-unknown), and a character above U+00FF would escape as a bare TypeError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../client.js';
import { HeroInputError } from '../errors.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';

let server: FaultServer;
let hero: HeroClient;

beforeAll(async () => {
  server = await startFaultServer();
  server.setFallback(() => ({ type: 'respond', status: 200, body: { message_id: 'm1' } }));
  hero = createHeroClient({ apiKey: 'hk_test_review_findings_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
});
afterAll(async () => {
  await hero.close();
  await server.close();
});

const sendWithHeader = (value: string) =>
  hero.messages.send({ patient_id: 'p1', message_type: 'sms', message_string: 'Your results are ready' }, { headers: { 'x-trace': value } } as never);

describe('per-call header values the HTTP client cannot send', () => {
  // BEL used to pass the check and fail in undici as HeroNetworkError "no response".
  it('a control character in a header value is HeroInputError and the item is failed (nothing sent)', async () => {
    server.reset();
    const report = await hero.bulk(['a'], () => sendWithHeader('trace\u0007id'));
    expect(server.requests).toHaveLength(0);
    expect(report.results[0]).toMatchObject({ status: 'failed', error: expect.any(HeroInputError) });
  });

  // Not a ByteString: Headers would throw a plain TypeError.
  it('a character above U+00FF in a header value is HeroInputError, not a TypeError', async () => {
    server.reset();
    await expect(sendWithHeader('Zoë ☃')).rejects.toBeInstanceOf(HeroInputError);
    expect(server.requests).toHaveLength(0);
  });
});
