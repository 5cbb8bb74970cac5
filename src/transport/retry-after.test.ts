import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './retry-after.js';

const NOW_MS = Date.UTC(2025, 0, 6, 9, 0, 0); // Mon, 06 Jan 2025 09:00:00 GMT

describe('parseRetryAfterMs', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['120', 120_000],
    [' 30 ', 30_000],
    ['1.5', 1500],
  ])('reads delay-seconds %j as %i ms', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBe(expected);
  });

  it.each([
    ['Mon, 06 Jan 2025 09:00:05 GMT', 5000],
    ['Monday, 06-Jan-25 09:01:00 GMT', 60_000],
    ['Mon Jan  6 09:00:10 2025', 10_000],
  ])('reads the HTTP-date %j as the time left', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBe(expected);
  });

  it('reads an HTTP-date in the past as 0', () => {
    expect(parseRetryAfterMs('Sun, 05 Jan 2025 09:00:00 GMT', NOW_MS)).toBe(0);
  });

  it.each([null, undefined, '', 'soon', '-1', '1e3', '0x10', '+5', 'Mon, 99 Foo 2025 25:00:00 GMT', '2025-01-06T09:00:05Z'])(
    'returns undefined for the malformed value %j',
    (value) => {
      expect(parseRetryAfterMs(value, NOW_MS)).toBeUndefined();
    },
  );
});
