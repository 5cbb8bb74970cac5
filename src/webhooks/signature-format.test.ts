import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSignature, formatSignature, formatTimestamp, parseTimestamp } from './signature-format.js';

const digest = createHash('sha256').update('any 32 bytes').digest();
const hex = digest.toString('hex');
const base64 = digest.toString('base64');
const base64url = digest.toString('base64url');

describe('decodeSignature', () => {
  it.each([
    ['lowercase hex', hex],
    ['uppercase hex', hex.toUpperCase()],
    ['padded base64', base64],
    ['unpadded base64', base64.replace(/=+$/, '')],
    ['base64url', base64url],
    ['sha256= prefix with hex', `sha256=${hex}`],
    ['SHA256= prefix with base64', `SHA256=${base64}`],
    ['surrounding whitespace', ` ${hex} `],
  ])('decodes %s to the 32 digest bytes', (_case, header) => {
    const candidates = decodeSignature(header);
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((c) => c.equals(digest))).toBe(true);
  });

  it.each([
    ['a truncated hex digest', hex.slice(0, 62)],
    ['a hex digest with a stray character', `${hex.slice(0, 63)}g`],
    ['a SHA-1-sized hex digest', hex.slice(0, 40)],
    ['a 64-byte digest', hex + hex],
    ['an unknown prefix', `sha1=${hex}`],
    ['a Stripe-style list', `t=1,v1=${hex}`],
    ['two signatures joined by a repeated header', `${hex}, ${hex}`],
    ['empty text', ''],
  ])('finds no candidate in %s', (_case, header) => {
    expect(decodeSignature(header)).toEqual([]);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['Unix seconds', '1710504000', 1710504000000],
    ['fractional Unix seconds', '1710504000.5', 1710504000500],
    ['Unix milliseconds', '1710504000123', 1710504000123],
    ['ISO 8601 in UTC', '2024-03-15T12:00:00Z', 1710504000000],
    ['ISO 8601 with milliseconds', '2024-03-15T12:00:00.250Z', 1710504000250],
    ['ISO 8601 with an offset', '2024-03-15T13:00:00+01:00', 1710504000000],
    ['ISO 8601 with a colonless offset', '2024-03-15T13:00:00+0100', 1710504000000],
    ['RFC 3339 with a space', '2024-03-15 12:00:00Z', 1710504000000],
  ])('reads %s', (_case, header, expectedMs) => {
    expect(parseTimestamp(header)).toBe(expectedMs);
  });

  it.each([
    ['an ISO time without a zone', '2024-03-15T12:00:00'],
    ['a date alone', '2024-03-15'],
    ['an HTTP date', 'Fri, 15 Mar 2024 12:00:00 GMT'],
    ['a negative number', '-1710504000'],
    ['fractional milliseconds', '1710504000123.5'],
    ['hex', '0x65f43840'],
    ['text', 'yesterday'],
    ['empty text', ''],
    ['an impossible ISO date', '2024-13-15T12:00:00Z'],
  ])('rejects %s', (_case, header) => {
    expect(parseTimestamp(header)).toBeUndefined();
  });
});

describe('formatSignature and formatTimestamp', () => {
  it('write lowercase hex and whole Unix seconds', () => {
    expect(formatSignature(digest)).toBe(hex);
    expect(formatTimestamp(new Date('2024-03-15T12:00:00.999Z'))).toBe('1710504000');
  });
});
