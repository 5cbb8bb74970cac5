/**
 * Keeps secrets and patient identifiers out of what hero-contract prints and writes. Reports
 * describe responses by status, field path, type and shape, never by value; this is the
 * second line: any text built from a response passes through {@link createScrubber} before
 * it reaches a report, and `--show-bodies` shows bodies through {@link maskBody} only.
 */

/** What a masked value reads as. */
export const MASKED = '[masked]';
/** What a secret (the API key) reads as. */
export const REDACTED = '[REDACTED]';

// Shorter "secrets" are placeholders; scrubbing them would mangle unrelated text.
const MIN_SECRET_LENGTH = 8;

// Patient identifiers by shape. Broad on purpose: a false positive costs a digit run in a
// message, a miss costs a patient's record in a CI log.
const IDENTIFIER_PATTERNS: readonly [RegExp, string][] = [
  // Email addresses.
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'],
  // Phone numbers: +44 / 0 followed by 9-10 digits, spaced or not, and any + international number.
  [/(?:\+\d{1,3}[\s-]?(?:\(0\)[\s-]?)?|\b0)\d(?:[\s-]?\d){7,11}\b/g, '[phone]'],
  // NHS numbers (3-3-4, spaced or not) and any other run of 9 or more digits.
  [/\b\d{3}[ -]\d{3}[ -]\d{4}\b|\b\d{9,}\b/g, '[number]'],
  // Dates, as a date of birth would be written: 1984-02-29, 29/02/1984, 29-02-1984.
  [/\b(?:1[89]|20)\d{2}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-](?:1[89]|20)\d{2}\b/g, '[date]'],
  // UK postcodes: SW1A 1AA, M1 1AE, B33 8TH.
  [/\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b/g, '[postcode]'],
];

/** Masks NHS numbers, dates, postcodes, phone numbers and emails found in `text` by their shape. */
export function maskIdentifiers(text: string): string {
  let result = text;
  for (const [pattern, label] of IDENTIFIER_PATTERNS) result = result.replace(pattern, label);
  return result;
}

/**
 * A function that removes every occurrence of the given secrets (as sent, percent-encoded
 * and base64-encoded) and masks patient identifiers. Build one per run with the API key.
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const form of ordered) if (result.includes(form)) result = result.split(form).join(REDACTED);
    return maskIdentifiers(result);
  };
}

// Keys whose values are patient data or credentials wherever they appear: names, birth dates,
// NHS numbers, addresses, contact details, message text, keys and tokens.
const SENSITIVE_KEY =
  /nhs|dob|birth|post_?code|postal|zip|address|line_?\d|street|town|city|county|phone|mobile|tel|fax|e_?mail|name|forename|surname|given|family|initial|title|gender|sex|message|text|body|content|subject|note|comment|search|key|token|secret|password|auth|signature|cookie|session|recipient|patient/i;

// A value shown as it is: short words of letters, digits and `_.-` (enum values, statuses,
// codes), which hold no name because they hold no capitalised word pair or space.
const SAFE_TOKEN = /^[a-z0-9_.-]{0,40}$/;

/**
 * A masked copy of a response body for `--show-bodies`: the structure, numbers and booleans
 * stay; string values are shown only when they are short lower-case tokens (`booked`,
 * `not_found`) and their key is not one that holds patient data or a credential; everything
 * else becomes `[masked]`. Non-JSON text is described, not shown.
 */
export function maskBody(body: unknown, scrub: (text: string) => string, maxChars = 2_000): string {
  if (body === undefined) return '(no body)';
  if (typeof body === 'string') return `(text, ${body.length} characters, not shown)`;
  const seen = new Set<object>();
  const mask = (value: unknown, key: string | undefined, depth: number): unknown => {
    if (value === null || typeof value === 'boolean') return value;
    if (typeof value === 'number') return key !== undefined && SENSITIVE_KEY.test(key) ? MASKED : value;
    if (typeof value === 'string') {
      if (key !== undefined && SENSITIVE_KEY.test(key)) return MASKED;
      return SAFE_TOKEN.test(value) && scrub(value) === value ? value : MASKED;
    }
    if (typeof value !== 'object' || depth > 20 || seen.has(value)) return MASKED;
    seen.add(value);
    if (Array.isArray(value)) return value.slice(0, 20).map((item) => mask(item, key, depth + 1));
    const out: Record<string, unknown> = {};
    let hidden = 0;
    for (const [name, child] of Object.entries(value)) {
      const shownName = isFieldName(name) && scrub(name) === name ? name : `[key ${++hidden}]`;
      out[shownName] = mask(child, name, depth + 1);
    }
    return out;
  };
  const text = JSON.stringify(mask(body, undefined, 0));
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * A JSON pointer into a response (`/data/0/nhs_number`) fit to show: segments that are
 * field names or array indexes stay, any other segment (a map key that is data, text with
 * spaces, a long digit run) becomes `*`.
 */
export function safeFieldPath(pointer: string): string {
  if (pointer === '' || pointer === '(body)') return pointer;
  return pointer
    .split('/')
    .map((segment, i) => (i === 0 || isFieldName(segment) ? segment : '*'))
    .join('/');
}

/**
 * A key shown as it is: an array index, or a field name as APIs write them (`nhs_number`,
 * `startTime`), lower-case first. A capitalised word, text with spaces, a long digit run
 * or anything else a server chose is data (a name, an NHS number, a key) and is not shown.
 */
export function isFieldName(key: string): boolean {
  return /^\d{1,6}$/.test(key) || /^[a-z_$@][A-Za-z0-9_$@.-]{0,63}$/.test(key);
}

/** A media type fit to show (`application/json`), or a description when the server sent something else. */
export function safeMediaType(mediaType: string | undefined): string {
  if (mediaType === undefined) return '(none)';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i.test(mediaType) ? mediaType : '(not a media type)';
}

/** The shape of a body without any of its values: `a JSON object (3 properties)`. */
export function describeShape(body: unknown): string {
  if (body === undefined) return 'no body';
  if (body === null) return 'JSON null';
  if (Array.isArray(body)) return `a JSON array (${body.length} item${body.length === 1 ? '' : 's'})`;
  if (typeof body === 'object') {
    const n = Object.keys(body).length;
    return `a JSON object (${n} propert${n === 1 ? 'y' : 'ies'})`;
  }
  if (typeof body === 'string') return `text (${body.length} character${body.length === 1 ? '' : 's'})`;
  return `a JSON ${typeof body}`;
}
