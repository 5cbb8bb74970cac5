import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeroError } from '../errors.js';
import { signWebhookPayload } from './sign.js';

const key = 'test-signing-key';
const body = '{"object":"Appointment","id":"123","practice_group_id":"456","event":"appointment.confirmed"}';

describe('signWebhookPayload', () => {
  it('matches a fixed HMAC-SHA256 vector over "{timestamp}.{body}" (computed with openssl and Python)', () => {
    const signed = signWebhookPayload({ rawBody: body, signingKey: key, timestamp: 1710504000 });
    expect(signed.timestamp).toBe('1710504000');
    expect(signed.signature).toBe('c58b4c5efa9a4fb4d1b9b5a83c50aef4c29358ca54dacf23d6ead26ca5e5240f');
    expect(signed.headers).toEqual({ 'X-Herohealth-Timestamp': '1710504000', 'X-Herohealth-Signature': signed.signature });
  });

  it('agrees with node:crypto for a Buffer body, a Uint8Array key and a Date', () => {
    const bytes = Buffer.from('{"event":"x","note":"Zoë"}', 'utf8');
    const signingKey = new Uint8Array([1, 2, 3, 250]);
    const signed = signWebhookPayload({ rawBody: bytes, signingKey, timestamp: new Date('2024-03-15T12:00:00.700Z') });
    const expected = createHmac('sha256', signingKey).update(Buffer.concat([Buffer.from('1710504000.'), bytes])).digest('hex');
    expect(signed.signature).toBe(expected);
  });

  it('signs a string timestamp verbatim so tests can try other formats', () => {
    const signed = signWebhookPayload({ rawBody: body, signingKey: key, timestamp: '2024-03-15T12:00:00Z' });
    expect(signed.timestamp).toBe('2024-03-15T12:00:00Z');
    expect(signed.signature).toBe('2f36da00412779d113381737115decfbd5517eb59f1ad259ce1b9bd4351fa8a8');
  });

  it('defaults the timestamp to now in whole seconds', () => {
    const before = Math.floor(Date.now() / 1000);
    const { timestamp } = signWebhookPayload({ rawBody: body, signingKey: key });
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('refuses an empty key or an invalid time', () => {
    expect(() => signWebhookPayload({ rawBody: body, signingKey: '' })).toThrow(HeroError);
    expect(() => signWebhookPayload({ rawBody: body, signingKey: key, timestamp: new Date('nope') })).toThrow(HeroError);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a numeric body', { rawBody: 42, signingKey: key }, /rawBody must be/],
    ['an object body', { rawBody: { event: 'x' }, signingKey: key }, /rawBody must be/],
    ['a numeric key', { rawBody: body, signingKey: 42 }, /signingKey must be/],
    ['a boolean timestamp', { rawBody: body, signingKey: key, timestamp: true }, /timestamp must be/],
  ])('refuses %s with a HeroError naming the option', (_case, options, message) => {
    expect(() => signWebhookPayload(options as never)).toThrow(HeroError);
    expect(() => signWebhookPayload(options as never)).toThrow(message);
  });
});
