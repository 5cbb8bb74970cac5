// RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds. delay-seconds is 1*DIGIT;
// a fraction is tolerated because it is unambiguous and some proxies send one.
const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;
// HTTP-date in any of the three RFC 9110 §5.6.7 formats starts with a day name.
const HTTP_DATE_START = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i;
// asctime-date carries no zone but means GMT; Date.parse would read it as local time.
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Reads a `Retry-After` header value as a wait in milliseconds.
 * Accepts delay-seconds (`"120"`) and an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`);
 * a date in the past gives 0. Returns `undefined` for anything malformed, so the
 * caller falls back to its own backoff (ky:source/core/retry-timing.ts does the same).
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) {
    const delayMs = Math.round(Number(text) * 1000);
    return Number.isFinite(delayMs) ? delayMs : undefined;
  }
  if (!HTTP_DATE_START.test(text)) return undefined;
  const dateMs = Date.parse(ASCTIME_DATE.test(text) ? `${text} GMT` : text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}
