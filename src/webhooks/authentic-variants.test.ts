import { describe, expect, it } from 'vitest';
import { HeroWebhookVerificationError } from '../errors.js';
import { authenticVariants, expectTyped, nonObjectVariants, tamperedVariants } from '../test-helpers/webhook-variants.js';
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
