import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeroWebhookVerificationError } from '../errors.js';
import { authenticVariants, expectTyped, nonObjectVariants, tamperedVariants } from '../../test/helpers/webhook-variants.js';
import { signWebhookPayload } from './sign.js';
import { verifyWebhook } from './verify.js';

const signingKey = 'variant-signing-key';
const nowSeconds = 1_710_504_000; // 2024-03-15T12:00:00Z
const now = new Date(nowSeconds * 1000 + 30_000);

describe('verifyWebhook: authenticity decides, not payload style', () => {
  const authentic = authenticVariants(signingKey, nowSeconds);

  it('has at least 37 authentic variants', () => {
    expect(authentic.length).toBeGreaterThanOrEqual(37);
  });

  it.each(authentic.map((v) => [v.name, v] as const))('accepts %s', (_name, variant) => {
    const event = verifyWebhook({ rawBody: variant.body, headers: variant.headers, signingKey, now });
    expectTyped(event, variant);
  });

  it.each(authentic.map((v) => [v.name, v] as const))('accepts %s given as a string body', (_name, variant) => {
    const event = verifyWebhook({ rawBody: variant.body.toString('utf8'), headers: variant.headers, signingKey, now });
    expect(event.event).toBe(variant.expectEvent);
  });

  it.each(tamperedVariants(signingKey, nowSeconds).map((v) => [v.name, v] as const))('rejects %s', (_name, variant) => {
    let caught: unknown;
    try {
      verifyWebhook({ rawBody: variant.body, headers: variant.headers, signingKey, now });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HeroWebhookVerificationError);
    expect((caught as HeroWebhookVerificationError).reason).toBe(variant.reason);
  });

  it.each(nonObjectVariants(signingKey, nowSeconds).map((v) => [v.name, v] as const))('refuses authentic %s as payload_not_object', (_name, variant) => {
    expect(() => verifyWebhook({ rawBody: variant.body, headers: variant.headers, signingKey, now })).toThrow(
      expect.objectContaining({ reason: 'payload_not_object' }),
    );
  });
});

describe('verifyWebhook properties', () => {
  const documentedLike = fc.record(
    {
      object: fc.oneof(fc.constantFrom('Appointment', 'appointment', 'PATIENT', 'Prescription'), fc.string(), fc.integer(), fc.constant(null)),
      id: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      practice_group_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      event: fc.oneof(fc.constantFrom('appointment.confirmed', 'Appointment.Cancelled', 'prescription.issued', 'write-to-record.failed'), fc.string(), fc.integer(), fc.constant(null)),
    },
    { requiredKeys: [] },
  );

  it('returns an event (known or unknown) for every authentic JSON object, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(documentedLike, fc.object()), fc.boolean(), (payload, bom) => {
        const body = `${bom ? '\ufeff' : ''}${JSON.stringify(payload)}`;
        const { headers } = signWebhookPayload({ rawBody: body, signingKey, timestamp: nowSeconds });
        const event = verifyWebhook({ rawBody: body, headers, signingKey, now });
        if (event.event === 'unknown') {
          expect(event.payload).toEqual(JSON.parse(JSON.stringify(payload)));
          expect(event.deviations.length).toBeGreaterThan(0);
        } else {
          expect(typeof event.id).toBe('string');
          expect(typeof event.practice_group_id).toBe('string');
          expect(typeof event.object).toBe('string');
        }
      }),
    );
  });

  it('rejects every single-byte change to a signed body', () => {
    const body = Buffer.from(JSON.stringify({ object: 'Appointment', id: '321', practice_group_id: '654', event: 'appointment.confirmed' }));
    const { headers } = signWebhookPayload({ rawBody: body, signingKey, timestamp: nowSeconds });
    fc.assert(
      fc.property(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Buffer.from(body);
        changed[at] = (changed[at]! + delta) % 256;
        expect(() => verifyWebhook({ rawBody: changed, headers, signingKey, now })).toThrow(expect.objectContaining({ reason: 'signature_mismatch' }));
      }),
    );
  });
});
