/**
 * Defects found in review in src/transport/ (owned by another engineer, so not fixed here).
 * Each case is `it.fails` while the defect is there: when it is fixed, the case fails and should
 * become `it`. Found on wip/review; see the review report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../../src/client.js';
import { HeroInputError } from '../../src/errors.js';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';

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

describe('per-call header values the HTTP client cannot send (call-options.ts refuses only CR, LF and NUL)', () => {
  // A control character (BEL) passes the check; undici refuses it (UND_ERR_INVALID_ARG) and the
  // transport reports a HeroNetworkError "no response", which a bulk job counts as outcome-unknown
  // (a person must check a send that never left). It should be HeroInputError, nothing sent.
  it.fails('a control character in a header value is HeroInputError and the item is failed (nothing sent)', async () => {
    server.reset();
    const report = await hero.bulk(['a'], () => sendWithHeader('trace\u0007id'));
    expect(server.requests).toHaveLength(0);
    expect(report.results[0]).toMatchObject({ status: 'failed', error: expect.any(HeroInputError) });
  });

  // A character above U+00FF is not a ByteString: Headers throws a plain TypeError, which escapes
  // untyped (every failure a caller sees should be a HeroError) and makes a bulk item outcome-unknown.
  it.fails('a character above U+00FF in a header value is HeroInputError, not a TypeError', async () => {
    server.reset();
    await expect(sendWithHeader('Zoë ☃')).rejects.toBeInstanceOf(HeroInputError);
    expect(server.requests).toHaveLength(0);
  });
});
