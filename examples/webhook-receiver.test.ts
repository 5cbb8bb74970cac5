import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticVariants, expectTyped, nonObjectVariants, tamperedVariants, type WebhookDelivery } from '../src/test-helpers/webhook-variants.js';
import type { HeroWebhookEvent } from '../src/webhooks/events.js';
import type { HeroWebhookVerificationError } from '../src/webhooks/verification-error.js';
import { startWebhookReceiver, type RunningWebhookReceiver } from './webhook-receiver.js';

const signingKey = 'e2e-signing-key';
const received: HeroWebhookEvent[] = [];
const rejected: string[] = [];
let failNextEvent = false;
let receiver: RunningWebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver({
    signingKey,
    maxBodyBytes: 4096,
    onEvent: (event) => {
      if (failNextEvent) {
        failNextEvent = false;
        throw new Error('downstream unavailable');
      }
      received.push(event);
    },
    onRejected: (error: HeroWebhookVerificationError) => rejected.push(error.reason),
  });
});

afterAll(async () => {
  await receiver?.close();
});

beforeEach(() => {
  received.length = 0;
  rejected.length = 0;
});

/** Test sender: signs as Hero's HMAC guide describes, independently of the SDK's signer. */
function deliver(body: string, { timestamp = String(Math.floor(Date.now() / 1000)), key = signingKey, sendBody = body } = {}) {
  const signature = createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');
  return fetch(receiver.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Herohealth-Timestamp': timestamp, 'X-Herohealth-Signature': signature },
    body: sendBody,
  });
}

const confirmed = '{"object":"Appointment","id":"321","practice_group_id":"654","event":"appointment.confirmed"}';

describe('example webhook receiver over 127.0.0.1', () => {
  it('listens on a local port', () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/hero$/);
  });

  it('accepts a correctly signed delivery with 204 and hands over the typed event', async () => {
    const response = await deliver(confirmed);
    expect(response.status).toBe(204);
    expect(received).toEqual([{ ...JSON.parse(confirmed), deviations: [] }]);
  });

  it('accepts a delivery whose JSON has spacing, because it verifies the bytes as sent', async () => {
    const spaced = JSON.stringify(JSON.parse(confirmed), null, 2);
    expect((await deliver(spaced)).status).toBe(204);
    expect(received).toHaveLength(1);
  });

  it('acknowledges an event type it does not know without calling it a failure', async () => {
    const body = '{"object":"Invoice","id":"1","practice_group_id":"654","event":"invoice.paid"}';
    expect((await deliver(body)).status).toBe(204);
    expect(received).toMatchObject([{ event: 'unknown', type: 'invoice.paid', payload: JSON.parse(body) }]);
  });

  it('rejects a tampered body with 400 and does not hand it over', async () => {
    const response = await deliver(confirmed, { sendBody: confirmed.replace('"321"', '"322"') });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'webhook verification failed', reason: 'signature_mismatch' });
    expect(received).toEqual([]);
    expect(rejected).toEqual(['signature_mismatch']);
  });

  it('rejects a replayed delivery signed ten minutes ago', async () => {
    const response = await deliver(confirmed, { timestamp: String(Math.floor(Date.now() / 1000) - 600) });
    expect(response.status).toBe(400);
    expect(rejected).toEqual(['timestamp_out_of_tolerance']);
    expect(received).toEqual([]);
  });

  it('rejects a delivery signed with another key', async () => {
    expect((await deliver(confirmed, { key: 'someone-else' })).status).toBe(400);
    expect(rejected).toEqual(['signature_mismatch']);
  });

  it('rejects an unsigned delivery', async () => {
    const response = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: confirmed });
    expect(response.status).toBe(400);
    expect(rejected).toEqual(['missing_header']);
  });

  it('answers 405 to other methods and 404 to other paths', async () => {
    const get = await fetch(receiver.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(new URL('/elsewhere', receiver.url), { method: 'POST', body: confirmed })).status).toBe(404);
  });

  it('answers 413 to a body over the limit without verifying it', async () => {
    const big = JSON.stringify({ event: 'appointment.confirmed', padding: 'x'.repeat(5000) });
    expect((await deliver(big)).status).toBe(413);
    expect(rejected).toEqual([]);
  });

  it('answers 500 when the event handler throws, so the delivery is not lost silently', async () => {
    failNextEvent = true;
    const response = await deliver(confirmed);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('downstream');
  });
});

/** Posts a prepared delivery to the receiver. */
function post(delivery: WebhookDelivery) {
  return fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...delivery.headers }, body: new Uint8Array(delivery.body) });
}

describe('example webhook receiver: every authentic variant in, every tampered one out', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('answers 204 to each authentic variant and hands over the typed event', async () => {
    const variants = authenticVariants(signingKey, nowSeconds());
    expect(variants.length).toBeGreaterThanOrEqual(37);
    for (const variant of variants) {
      received.length = 0;
      const response = await post(variant);
      expect({ name: variant.name, status: response.status }).toEqual({ name: variant.name, status: 204 });
      expect(received).toHaveLength(1);
      expectTyped(received[0]!, variant);
    }
    expect(rejected).toEqual([]);
  });

  it('answers 400 to each tampered, replayed or non-object delivery and hands over nothing', async () => {
    const variants = [...tamperedVariants(signingKey, nowSeconds()), ...nonObjectVariants(signingKey, nowSeconds())];
    for (const variant of variants) {
      const response = await post(variant);
      expect({ name: variant.name, status: response.status, body: await response.json() }).toEqual({
        name: variant.name,
        status: 400,
        body: { error: 'webhook verification failed', reason: variant.reason },
      });
    }
    expect(received).toEqual([]);
    expect(rejected).toEqual(variants.map((v) => v.reason));
  });
});
