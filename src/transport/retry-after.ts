/**
 * Retry-After (RFC 9110 §10.2.3): `HTTP-date / delay-seconds`. Parsed by hand, never by
 * `Date.parse`: V8's parser reads a date without a zone as local time and accepts text
 * such as `Mon foo 2030`, which would turn a malformed header into a wait of years.
 */

// delay-seconds is 1*DIGIT; a fraction is tolerated because it is unambiguous and some proxies send one.
const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// RFC 9110 §5.6.7, the three forms. Only the two with a zone must say GMT; asctime has none and means GMT.
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
/** obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
/** asctime: `Sun Nov  6 08:49:37 1994` (day padded with a space). */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/** Milliseconds since the epoch of a checked UTC date and time, or `undefined` if it does not exist. */
function utcMs(year: number, monthName: string, day: number, hour: number, minute: number, second: number): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  // 60 is a leap second (RFC 9110 allows it); read it as the last second of the minute.
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls 31 Feb into March: a date that does not round-trip does not exist.
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) return undefined;
  return ms;
}

/**
 * The instant of an RFC 9110 HTTP-date in any of its three forms, or `undefined`.
 * A two-digit RFC 850 year more than 50 years ahead of `nowMs` means the previous century (§5.6.7).
 */
export function parseHttpDateMs(text: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match) return utcMs(Number(match[3]), match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  match = ASCTIME_DATE.exec(text);
  if (match) return utcMs(Number(match[6]), match[1]!, Number(match[2]!.trim()), Number(match[3]), Number(match[4]), Number(match[5]));
  match = RFC850_DATE.exec(text);
  if (!match) return undefined;
  const currentYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
  if (year > currentYear + 50) year -= 100;
  return utcMs(year, match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
}

/**
 * Reads a `Retry-After` header value as a wait in milliseconds.
 * Accepts delay-seconds (`"120"`) and an HTTP-date in RFC 9110's three forms
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`, `"Wednesday, 21-Oct-15 07:28:00 GMT"`,
 * `"Wed Oct 21 07:28:00 2015"`); a date in the past gives 0. Returns `undefined` for
 * anything else — a date without `GMT`, another zone, an impossible date — so the
 * caller falls back to its own backoff (ky:source/core/retry-timing.ts does the same).
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) {
    const delayMs = Math.round(Number(text) * 1000);
    return Number.isFinite(delayMs) ? delayMs : undefined;
  }
  const dateMs = parseHttpDateMs(text, nowMs);
  return dateMs === undefined ? undefined : Math.max(0, dateMs - nowMs);
}
