/**
 * Text a server wrote (Hero's error message, the fields of its 400 issues) made safe to put in
 * `error.message`, `toJSON()` and so in logs. Hero documents no error text beyond its 400 shape,
 * and a server may echo what it was sent, so nothing is trusted: the caller's key and every
 * value the request carried are cut out first, then each word is kept only if it cannot be an
 * identifier — lower-case words and a fixed list of words an API message uses. Anything with a
 * digit or an `@` (NHS numbers, dates of birth, phone numbers, postcodes, ids, emails) and any
 * other capitalised word (a name) becomes `[REDACTED]`. The raw body stays in `error.body`.
 */
import type { HeroValidationIssue } from '../errors.js';
import { REDACTED, redactSecrets } from './redaction.js';

/** What may have been echoed: the caller's secrets, and the values its request carried. */
export interface FreeTextContext {
  /** Secret values (the API key) to scrub. */
  readonly secrets: readonly string[];
  /** Values the request carried (path segments, query values, body values), computed on demand. */
  readonly echoes?: (() => readonly string[]) | undefined;
}

// Capitalised or upper-case words an API message may use that are nobody's name. Anything else
// capitalised is treated as a possible name. Lower-case words pass without being listed.
const ALLOWED_WORDS: ReadonlySet<string> = new Set(
  `a about access accepted account active already an and any api appointment appointments are as at attachment auth
  authentication authorisation authorization available bad batch be been birth body booking by can cancelled cannot
  check conflict confirmed connect contact could data date denied detail details does ehr email endpoint error exceeded
  exist exists expected expired failed failure field fields for forbidden form found from gateway gp group has have header
  hero hub id identity in internal invalid is it key limit link links location match matched message messages method
  missing more must network nhs no not number of on one only or organisation organization page parameter patient patients
  pcn pds permission phone please postcode practice practitioner practitioners provided rate received record records
  register registered registration request requests required reserved resource retry scope sent server service should
  slot slots sms snomed spine status template temporarily temporary the this timeout to too try type unable unauthorised
  unauthorized unavailable unknown unprocessable url uuid valid validation value verification verify was webhook with
  you your
  acceptable allowed content created early entity expectation gone implemented insufficient large legal length locked
  many media modified moved ok other payload permanent permanently precondition proxy range reasons see storage
  supported unsupported upgrade version`
    .split(/\s+/)
    .filter((word) => word !== ''),
);

// A token: leading punctuation, the word, trailing punctuation.
const TOKEN = /^([^\p{L}\p{N}@]*)(.*?)([^\p{L}\p{N}@]*)$/u;
// \u2019 (’) escaped: one character outside Latin-1 makes V8 hold the whole bundle as a two-byte string.
const LOWER_WORD = /^[\p{Ll}][\p{Ll}_'\u2019-]*$/u;
const SHORT_NUMBER = /^\d{1,2}$/;
const REDACTED_RUN = /\[REDACTED\](?:[\s,;:/.-]*\[REDACTED\])+/g;
// Echoed values shorter than this are not searched for: "a" or "1" would cut up every message.
const MIN_ECHO_LENGTH = 3;
const MAX_LENGTH = 200;

/** Whether one word (no surrounding punctuation) may be shown. */
function isSafeWord(word: string): boolean {
  if (word === '' || word === REDACTED) return true;
  // A one- or two-digit number (a count, an array index) identifies no one; longer runs may.
  if (SHORT_NUMBER.test(word)) return true;
  if (/[\d@]/.test(word)) return false;
  return LOWER_WORD.test(word) || ALLOWED_WORDS.has(word.toLowerCase());
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Cuts every echoed value out of `text`, whatever its case. */
function cutEchoes(text: string, echoes: readonly string[]): string {
  let result = text;
  // Longest first, so a value is never left half-cut by a shorter one inside it.
  for (const echo of [...new Set(echoes.map((e) => e.trim()))].sort((a, b) => b.length - a.length)) {
    if (echo.length < MIN_ECHO_LENGTH || echo === REDACTED) continue;
    if (result.toLowerCase().includes(echo.toLowerCase())) result = result.replace(new RegExp(escapeRegExp(echo), 'giu'), REDACTED);
  }
  return result;
}

/**
 * `text` as it may be shown: control characters and runs of white space become one space, the
 * secrets and echoed values are cut, every word that could identify someone is `[REDACTED]`
 * (runs of them collapse into one), and the result is at most 200 characters. `undefined` for
 * text with nothing left to show.
 */
export function redactFreeText(text: string, context: FreeTextContext): string | undefined {
  let cleaned = redactSecrets(text.replace(/[\p{Cc}\s]+/gu, ' ').trim(), context.secrets);
  const echoes = context.echoes?.();
  if (echoes !== undefined && echoes.length > 0) cleaned = cutEchoes(cleaned, echoes);
  const words = cleaned.split(' ').map((token) => {
    if (token.includes(REDACTED)) return token.split(REDACTED).every((part) => isSafeWord(TOKEN.exec(part)![2]!)) ? token : REDACTED;
    const [, before, word, after] = TOKEN.exec(token)!;
    return isSafeWord(word!) ? token : `${before}${REDACTED}${after}`;
  });
  let shown = words.join(' ').replace(REDACTED_RUN, REDACTED);
  if (shown.length > MAX_LENGTH) shown = `${shown.slice(0, shown.lastIndexOf(' ', MAX_LENGTH - 1) > 0 ? shown.lastIndexOf(' ', MAX_LENGTH - 1) : MAX_LENGTH - 1)}…`;
  return shown === '' ? undefined : shown;
}

/**
 * Hero's own message in an error body, redacted by {@link redactFreeText}: a JSON body's
 * `message` (when a string; Hero's 400 list is read as issues instead), else its `error`,
 * `detail` or `title` string; or a short plain-text body. HTML error pages are not read.
 */
export function serverMessageOf(body: unknown, context: FreeTextContext): string | undefined {
  let text: string | undefined;
  if (typeof body === 'string') {
    if (body.length <= 1000 && !body.trimStart().startsWith('<')) text = body;
  } else if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const { message, error, detail, title } = body as Record<string, unknown>;
    text = [message, error, detail, title].find((field): field is string => typeof field === 'string' && field.trim() !== '');
  }
  return text === undefined ? undefined : redactFreeText(text, context);
}

/**
 * One of Hero's 400 issues, redacted for `error.issues` (which `toJSON()` logs): `code` and
 * `expected` by {@link redactFreeText}, each `path` item kept only when it is a field name
 * (a safe word) or a small array index. Hero's documented issues are field names and type
 * names, which pass; a value echoed into one does not.
 */
export function redactIssue(issue: HeroValidationIssue, context: FreeTextContext): HeroValidationIssue {
  const code = issue.code === undefined ? undefined : redactFreeText(issue.code, context);
  const expected = issue.expected === undefined ? undefined : redactFreeText(issue.expected, context);
  return {
    ...(code !== undefined && { code }),
    ...(expected !== undefined && { expected }),
    path: issue.path.map((part) => (typeof part === 'number' ? (Number.isInteger(part) && part >= 0 && part < 1000 ? part : REDACTED) : isSafeFieldName(part) ? part : REDACTED)),
  };
}

// snake_case and camelCase field names (`nhs_number`, `patientId`); a capitalised start could be a name.
const FIELD_NAME = /^[a-z][A-Za-z0-9]*$/;

function isSafeFieldName(part: string): boolean {
  return part.split(/[._-]/).every((piece) => piece === '' || isSafeWord(piece) || (FIELD_NAME.test(piece) && !/\d{3}/.test(piece)));
}
