import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeroError } from '../errors.js';
import { HeroWebhookVerificationError, type WebhookVerificationFailureReason } from './verification-error.js';
import { verifyWebhook, type VerifyWebhookOptions } from './verify.js';

// Fixed vector. The expected signatures were computed outside this code base:
//   printf '%s' '1710504000.<body>' | openssl dgst -sha256 -hmac test-signing-key
const key = 'test-signing-key';
const body = '{"object":"Appointment","id":"123","practice_group_id":"456","event":"appointment.confirmed"}';
const seconds = '1710504000'; // 2024-03-15T12:00:00Z
const hexSignature = 'c58b4c5efa9a4fb4d1b9b5a83c50aef4c29358ca54dacf23d6ead26ca5e5240f';
const base64Signature = 'xYtMXvqaT7TRubWoPFCu9MKTWMpU2s8j1urSbKXlJA8=';
const now = new Date('2024-03-15T12:01:00Z');
const event = { object: 'Appointment', id: '123', practice_group_id: '456', event: 'appointment.confirmed', deviations: [] };

/** Signs independently of the module under test, as Hero's guide describes. */
function hmac(timestamp: string, payload: string | Buffer, signingKey = key, encoding: 'hex' | 'base64' = 'hex'): string {
  return createHmac('sha256', signingKey).update(Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(payload)])).digest(encoding);
}

function headers(timestamp: string, signature: string): Record<string, string> {
  return { 'x-herohealth-timestamp': timestamp, 'x-herohealth-signature': signature };
}

function verify(overrides: Partial<VerifyWebhookOptions>) {
  return verifyWebhook({ rawBody: body, headers: headers(seconds, hexSignature), signingKey: key, now, ...overrides });
}

/** The reason of the HeroWebhookVerificationError `run` throws. */
function reasonOf(run: () => unknown): WebhookVerificationFailureReason {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HeroWebhookVerificationError);
    return (error as HeroWebhookVerificationError).reason;
  }
  throw new Error('expected verification to fail');
}

describe('verifyWebhook accepts', () => {
  it('the fixed vector with a hex signature and returns the typed event', () => {
    expect(hmac(seconds, body)).toBe(hexSignature);
    expect(verify({})).toEqual(event);
  });

  it('the same signature in base64, with or without padding', () => {
    expect(hmac(seconds, body, key, 'base64')).toBe(base64Signature);
    expect(verify({ headers: headers(seconds, base64Signature) })).toEqual(event);
    expect(verify({ headers: headers(seconds, base64Signature.replace(/=$/, '')) })).toEqual(event);
  });

  it('a sha256= prefix on hex or base64', () => {
    expect(verify({ headers: headers(seconds, `sha256=${hexSignature}`) })).toEqual(event);
    expect(verify({ headers: headers(seconds, `sha256=${base64Signature}`) })).toEqual(event);
  });

  it('a Buffer, a Uint8Array and an ArrayBuffer body', () => {
    const bytes = Buffer.from(body);
    expect(verify({ rawBody: bytes })).toEqual(event);
    expect(verify({ rawBody: new Uint8Array(bytes) })).toEqual(event);
    expect(verify({ rawBody: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) })).toEqual(event);
  });

  it('a non-ASCII body signed over its UTF-8 bytes, as string or Buffer', () => {
    const text = '{"object":"Patient","id":"9","practice_group_id":"456","event":"patient.medical-record-updated","note":"Zoë"}';
    // Python: hmac.new(b'test-signing-key', b'1710504000.' + text.encode(), 'sha256').hexdigest()
    const signature = '832dfb7de8a5e4cf720f821be2382d5c9a9e666758d0f44127b6f07a55612172';
    expect(verify({ rawBody: text, headers: headers(seconds, signature) })).toMatchObject({ note: 'Zoë' });
    expect(verify({ rawBody: Buffer.from(text), headers: headers(seconds, signature) })).toMatchObject({ note: 'Zoë' });
  });

  it('mixed-case header names, array values and WHATWG Headers', () => {
    expect(verify({ headers: { 'X-Herohealth-Timestamp': seconds, 'X-HEROHEALTH-SIGNATURE': hexSignature } })).toEqual(event);
    expect(verify({ headers: { 'x-herohealth-timestamp': [seconds], 'X-HeroHealth-Signature': [hexSignature] } })).toEqual(event);
    expect(verify({ headers: new Headers({ 'X-Herohealth-Timestamp': seconds, 'X-Herohealth-Signature': hexSignature }) })).toEqual(event);
  });

  it('timestamps in Unix milliseconds and ISO 8601, each signed as sent', () => {
    const ms = '1710504000000';
    expect(hmac(ms, body)).toBe('bac6aa6b134b264fc133feb99c4053762a6b69127724b44d4619e5ceff3f94d3');
    expect(verify({ headers: headers(ms, hmac(ms, body)) })).toEqual(event);
    const iso = '2024-03-15T12:00:00Z';
    expect(hmac(iso, body)).toBe('2f36da00412779d113381737115decfbd5517eb59f1ad259ce1b9bd4351fa8a8');
    expect(verify({ headers: headers(iso, hmac(iso, body)) })).toEqual(event);
  });

  it('a timestamp exactly at the tolerance edge, in either direction', () => {
    expect(verify({ now: new Date('2024-03-15T12:05:00Z') })).toEqual(event);
    expect(verify({ now: new Date('2024-03-15T11:55:00Z') })).toEqual(event);
  });

  it('an event type this SDK does not know, wrapped rather than rejected', () => {
    const text = '{"object":"Invoice","id":"1","practice_group_id":"456","event":"invoice.paid"}';
    const result = verify({ rawBody: text, headers: headers(seconds, hmac(seconds, text)) });
    expect(result).toMatchObject({ event: 'unknown', type: 'invoice.paid', payload: JSON.parse(text) });
  });
});

describe('verifyWebhook rejects', () => {
  it('a tampered body', () => {
    expect(reasonOf(() => verify({ rawBody: body.replace('"123"', '"124"') }))).toBe('signature_mismatch');
  });

  it('a body re-serialised from parsed JSON, even though the data is the same', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const signature = hmac(seconds, pretty);
    // Hero signed the pretty bytes; a framework parsed them and we re-serialise compactly.
    const reserialised = JSON.stringify(JSON.parse(pretty));
    expect(reasonOf(() => verify({ rawBody: reserialised, headers: headers(seconds, signature) }))).toBe('signature_mismatch');
    expect(() => verify({ rawBody: reserialised, headers: headers(seconds, signature) })).toThrow(/re-serialising JSON/);
  });

  it('a wrong signing key', () => {
    expect(reasonOf(() => verify({ signingKey: 'another-key' }))).toBe('signature_mismatch');
  });

  it('a signature over a different timestamp than the header carries', () => {
    expect(reasonOf(() => verify({ headers: headers('1710504001', hexSignature), now }))).toBe('signature_mismatch');
  });

  it('a stale timestamp, naming its age', () => {
    const late = new Date('2024-03-15T12:05:01Z');
    expect(reasonOf(() => verify({ now: late }))).toBe('timestamp_out_of_tolerance');
    expect(() => verify({ now: late })).toThrow(/301 s old; the tolerance is 300 s/);
  });

  it('a timestamp too far in the future', () => {
    const early = new Date('2024-03-15T11:54:59Z');
    expect(reasonOf(() => verify({ now: early }))).toBe('timestamp_out_of_tolerance');
    expect(() => verify({ now: early })).toThrow(/301 s in the future/);
  });

  it('anything beyond a custom tolerance', () => {
    expect(reasonOf(() => verify({ toleranceSeconds: 59 }))).toBe('timestamp_out_of_tolerance');
    expect(verify({ toleranceSeconds: 60 })).toEqual(event);
  });

  it.each([
    ['no headers at all', {}],
    ['no signature header', { 'x-herohealth-timestamp': seconds }],
    ['no timestamp header', { 'x-herohealth-signature': hexSignature }],
    ['an empty signature header', { 'x-herohealth-timestamp': seconds, 'x-herohealth-signature': '' }],
    ['an empty array value', { 'x-herohealth-timestamp': [], 'x-herohealth-signature': hexSignature }],
  ])('%s as missing_header', (_case, given) => {
    expect(reasonOf(() => verify({ headers: given }))).toBe('missing_header');
  });

  it('names the missing header', () => {
    expect(() => verify({ headers: { 'x-herohealth-timestamp': seconds } })).toThrow(/x-herohealth-signature header is missing/);
  });

  it.each([
    ['truncated hex', hexSignature.slice(0, 63)],
    ['an unknown prefix', `v1=${hexSignature}`],
    ['non-digest text', 'not-a-signature'],
  ])('a signature in %s as malformed_signature', (_case, signature) => {
    expect(reasonOf(() => verify({ headers: headers(seconds, signature) }))).toBe('malformed_signature');
  });

  it('a signature header sent twice, even with differently cased names', () => {
    expect(reasonOf(() => verify({ headers: { ...headers(seconds, hexSignature), 'X-Herohealth-Signature': hexSignature } }))).toBe(
      'malformed_signature',
    );
    expect(reasonOf(() => verify({ headers: { 'x-herohealth-timestamp': [seconds, seconds], 'x-herohealth-signature': hexSignature } }))).toBe(
      'malformed_timestamp',
    );
  });

  it.each([['yesterday'], ['2024-03-15T12:00:00'], ['-1']])('a timestamp %j as malformed_timestamp', (timestamp) => {
    expect(reasonOf(() => verify({ headers: headers(timestamp, hmac(timestamp, body)) }))).toBe('malformed_timestamp');
  });

  it.each<[string, unknown]>([
    ['a parsed object', JSON.parse(body)],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
  ])('%s as rawBody with body_not_raw and a hint about body parsers', (_case, rawBody) => {
    const run = () => verify({ rawBody: rawBody as string });
    expect(reasonOf(run)).toBe('body_not_raw');
    expect(run).toThrow(/body parser/);
  });

  it('an empty body', () => {
    expect(reasonOf(() => verify({ rawBody: '' }))).toBe('body_not_raw');
    expect(reasonOf(() => verify({ rawBody: Buffer.alloc(0) }))).toBe('body_not_raw');
  });

  it('a correctly signed body that is not JSON as malformed_payload', () => {
    for (const text of ['not json', '{"event":', '\ufeff\ufeff{}']) {
      expect(reasonOf(() => verify({ rawBody: text, headers: headers(seconds, hmac(seconds, text)) }))).toBe('malformed_payload');
    }
  });

  it.each([['[1,2]'], ['"appointment.confirmed"'], ['42'], ['true'], ['null']])('correctly signed JSON %s that is not an object as payload_not_object', (text) => {
    expect(reasonOf(() => verify({ rawBody: text, headers: headers(seconds, hmac(seconds, text)) }))).toBe('payload_not_object');
  });

  it('a correctly signed body that is not valid UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(reasonOf(() => verify({ rawBody: bytes, headers: headers(seconds, hmac(seconds, bytes)) }))).toBe('malformed_payload');
  });
});

describe('verifyWebhook options', () => {
  it('treat an unusable key, tolerance or clock as a HeroError, not a bad delivery', () => {
    for (const overrides of [{ signingKey: '' }, { signingKey: 42 }, { toleranceSeconds: -1 }, { toleranceSeconds: Number.NaN }, { toleranceSeconds: '300' }, { now: new Date('nope') }, { now: 1710504060000 }] as Partial<VerifyWebhookOptions>[]) {
      let caught: unknown;
      try {
        verify(overrides);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HeroError);
      expect(caught).not.toBeInstanceOf(HeroWebhookVerificationError);
    }
  });

  it('treat a missing options object as a HeroError naming what to pass', () => {
    expect(() => verifyWebhook(undefined as never)).toThrow(/verifyWebhook: pass an options object/);
    expect(() => verifyWebhook(null as never)).toThrow(HeroError);
  });

  it('default the tolerance to 300 seconds and the clock to now', () => {
    const fresh = String(Math.floor(Date.now() / 1000));
    expect(verifyWebhook({ rawBody: body, headers: headers(fresh, hmac(fresh, body)), signingKey: key })).toEqual(event);
    const old = String(Math.floor(Date.now() / 1000) - 400);
    expect(reasonOf(() => verifyWebhook({ rawBody: body, headers: headers(old, hmac(old, body)), signingKey: key }))).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  it('never put the signing key in an error message', () => {
    const signingKey = 'hero-signing-key-do-not-log';
    for (const run of [() => verify({ signingKey }), () => verify({ signingKey, rawBody: {} as string })]) {
      expect(run).toThrow(HeroWebhookVerificationError);
      try {
        run();
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(signingKey);
        expect(String((error as Error).stack)).not.toContain(signingKey);
      }
    }
  });
});
