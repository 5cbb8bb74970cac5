/**
 * The README's Express receiver, run as its own process over 127.0.0.1: deliveries signed as
 * Hero's guide describes, and `hero-webhooks trigger` (from src/; the built bin is tested in
 * scripts/webhooks-bin.package.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleReceiver, type ExampleReceiver } from '../test/helpers/example-receiver.js';
import { confirmedBody, postDelivery, signDelivery } from '../test/helpers/webhook-deliveries.js';
import { main } from '../src/webhooks-cli/cli.js';

const signingKey = 'example-receiver-signing-key';
let receiver: ExampleReceiver;

beforeAll(async () => {
  receiver = await startExampleReceiver(signingKey);
});
afterAll(async () => {
  await receiver?.stop();
});

/** Lines the example printed for appointment `id`. */
const confirmations = (id: string) => receiver.lines.filter((line) => line.startsWith(`appointment ${id} confirmed`));
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('example Express webhook receiver', () => {
  it('listens on 127.0.0.1', () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/hero$/);
  });

  it('runs the handler once for a delivery and acknowledges its replay without running it again', async () => {
    const delivery = signDelivery(confirmedBody('1001'), signingKey);
    const first = await postDelivery(receiver.url, delivery);
    expect([first.status, await first.json()]).toEqual([200, { status: 'handled' }]);
    const replay = await postDelivery(receiver.url, delivery);
    expect([replay.status, await replay.json()]).toEqual([200, { status: 'duplicate' }]);
    await settle();
    expect(confirmations('1001')).toEqual([expect.stringMatching(/^appointment 1001 confirmed \(delivery [0-9a-f]{32}\)$/)]);
  });

  it('refuses a tampered delivery with 400 and the reason, and runs nothing', async () => {
    const delivery = signDelivery(confirmedBody('1002'), signingKey);
    const response = await postDelivery(receiver.url, { ...delivery, body: Buffer.from(confirmedBody('1003')) });
    expect([response.status, await response.json()]).toEqual([400, { error: 'webhook verification failed', reason: 'signature_mismatch' }]);
    await settle();
    expect([...confirmations('1002'), ...confirmations('1003')]).toEqual([]);
  });

  it('acknowledges an event type it cannot type and says so', async () => {
    const response = await postDelivery(receiver.url, signDelivery(JSON.stringify({ object: 'Invoice', id: '1', event: 'invoice.paid' }), signingKey));
    expect(response.status).toBe(200);
    await settle();
    expect(receiver.lines).toContain('kept an event this SDK cannot type: invoice.paid');
  });

  it('is reached by hero-webhooks trigger, and its handler runs once', async () => {
    let stdout = '';
    const code = await main(['trigger', 'appointment.confirmed', '--to', receiver.url, '--id', '1004'], {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
      env: { HERO_WEBHOOK_SIGNING_KEY: signingKey },
    });
    expect([code, stdout]).toEqual([0, `POST ${receiver.url} (appointment.confirmed): 200 OK  {"status":"handled"}\n`]);
    await settle();
    expect(confirmations('1004')).toHaveLength(1);
  });

  it('never prints the signing key', () => {
    expect(receiver.lines.join('\n')).not.toContain(signingKey);
  });
});
