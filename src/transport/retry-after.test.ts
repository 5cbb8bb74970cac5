import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpDateMs, parseRetryAfterMs } from './retry-after.js';

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
    ['Mon, 06 Jan 2025 09:00:05 GMT', 5000], // IMF-fixdate
    ['Monday, 06-Jan-25 09:01:00 GMT', 60_000], // obsolete RFC 850
    ['Mon Jan  6 09:00:10 2025', 10_000], // asctime, space-padded day
    ['Mon Jan 06 09:00:10 2025', 10_000], // asctime, zero-padded day
    ['mon, 06 jan 2025 09:00:05 gmt', 5000], // names are matched without case
    ['Mon, 06 Jan 2025 09:00:60 GMT', 59_000], // leap second: last second of the minute
  ])('reads the HTTP-date %j as the time left', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBe(expected);
  });

  it('reads an HTTP-date in the past as 0', () => {
    expect(parseRetryAfterMs('Sun, 05 Jan 2025 09:00:00 GMT', NOW_MS)).toBe(0);
  });

  it('reads a two-digit RFC 850 year more than 50 years ahead as the previous century', () => {
    expect(parseHttpDateMs('Sunday, 06-Nov-94 08:49:37 GMT', NOW_MS)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDateMs('Thursday, 06-Nov-70 08:49:37 GMT', NOW_MS)).toBe(Date.UTC(2070, 10, 6, 8, 49, 37));
    expect(parseHttpDateMs('Friday, 06-Nov-76 08:49:37 GMT', NOW_MS)).toBe(Date.UTC(1976, 10, 6, 8, 49, 37));
  });

  it.each([
    null,
    undefined,
    '',
    'soon',
    '-1',
    '1e3',
    '0x10',
    '+5',
    'Mon, 99 Foo 2025 25:00:00 GMT',
    '2025-01-06T09:00:05Z',
    // the reviewer's cases: no zone (Date.parse reads local time) and junk after a day name
    'Mon, 06 Jan 2025 09:00:05',
    'Mon foo 2030',
    'Mon, 06 Jan 2030',
    // other zones are not HTTP-dates
    'Mon, 06 Jan 2025 09:00:05 UTC',
    'Mon, 06 Jan 2025 09:00:05 +0000',
    'Mon, 06 Jan 2025 09:00:05 GMT+0100',
    'Monday, 06-Jan-25 09:01:00 PST',
    'Mon Jan  6 09:00:10 2025 GMT',
    // impossible dates and times
    'Fri, 31 Feb 2025 09:00:00 GMT',
    'Mon, 06 Jan 2025 24:00:00 GMT',
    'Mon, 06 Jan 2025 09:61:00 GMT',
    'Mon, 00 Jan 2025 09:00:00 GMT',
    // wrong shapes of the right parts
    'Mon, 6 Jan 2025 09:00:05 GMT',
    'Mon 06 Jan 2025 09:00:05 GMT',
    'Mon,  06 Jan 2025 09:00:05 GMT',
    'Mon, 06-Jan-25 09:01:00 GMT',
    'Monday, 06 Jan 2025 09:00:05 GMT',
    'Funday, 06-Jan-25 09:01:00 GMT',
    'Mon, 06 Jan 2025 9:00:05 GMT',
  ])('ignores %j (undefined, so backoff applies)', (value) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBeUndefined();
  });

  it('does not depend on the process time zone', () => {
    // asctime carries no zone but means GMT; a parser reading local time would shift it by the offset
    expect(parseHttpDateMs('Mon Jan  6 09:00:10 2025', NOW_MS)).toBe(Date.UTC(2025, 0, 6, 9, 0, 10));
  });
});

describe('parseRetryAfterMs properties', () => {
  // Whole seconds from 1900 to 2199.
  const instant = fc.integer({ min: -2_208_988_800, max: 7_258_118_399 }).map((s) => s * 1000);

  it('reads back every IMF-fixdate that toUTCString writes', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(parseHttpDateMs(new Date(ms).toUTCString(), NOW_MS)).toBe(ms);
      }),
    );
  });

  it('reads the same instant from all three forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000, max: 2_500_000_000 }).map((s) => s * 1000), (ms) => {
        const d = new Date(ms);
        const [day, , , , time] = d.toUTCString().split(' ');
        const longDay = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()]!;
        const month = d.toUTCString().split(' ')[2]!;
        const dd = String(d.getUTCDate()).padStart(2, '0');
        const rfc850 = `${longDay}, ${dd}-${month}-${String(d.getUTCFullYear() % 100).padStart(2, '0')} ${time} GMT`;
        const asctime = `${day!.slice(0, 3)} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
        // the RFC 850 century is chosen relative to now, so compare with a now in the same century
        expect(parseHttpDateMs(rfc850, ms)).toBe(ms);
        expect(parseHttpDateMs(asctime, NOW_MS)).toBe(ms);
      }),
    );
  });

  it('never throws and returns undefined or a finite wait >= 0 for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const result = parseRetryAfterMs(text, NOW_MS);
        expect(result === undefined || (Number.isFinite(result) && result >= 0)).toBe(true);
      }),
    );
  });

  it('ignores an IMF-fixdate whose GMT is replaced or dropped', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom('', ' UTC', ' Z', ' +0000', ' EST', ' gmt+1'), (ms, zone) => {
        const text = new Date(ms).toUTCString().replace(/ GMT$/, zone);
        expect(parseRetryAfterMs(text, NOW_MS)).toBeUndefined();
      }),
    );
  });
});
