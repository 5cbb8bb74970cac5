/**
 * Header access that works for node's `IncomingHttpHeaders`, any plain object
 * with string or string[] values (any key casing), and WHATWG `Headers`.
 */

/** Request headers as a framework hands them over. */
export type WebhookHeaders =
  | Headers
  | { readonly [name: string]: string | readonly string[] | undefined };

/** A header's single value; `many` when it was sent more than once. */
export type HeaderLookup = { kind: 'missing' } | { kind: 'one'; value: string } | { kind: 'many' };

/**
 * Finds `lowerCaseName` case-insensitively. An empty value counts as missing.
 * Several values (repeated header, or keys differing only in case) are
 * reported as `many` rather than guessed between. WHATWG `Headers` joins
 * repeats with ", ", which the signature and timestamp decoders then reject.
 */
export function readHeader(headers: WebhookHeaders | null | undefined, lowerCaseName: string): HeaderLookup {
  if (headers === null || headers === undefined || typeof headers !== 'object') return { kind: 'missing' };
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    const value = (headers as Headers).get(lowerCaseName);
    return value === null || value.trim() === '' ? { kind: 'missing' } : { kind: 'one', value };
  }
  const values: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (name.toLowerCase() !== lowerCaseName || raw === undefined) continue;
    if (typeof raw === 'string') values.push(raw);
    else if (Array.isArray(raw)) values.push(...raw.filter((v): v is string => typeof v === 'string'));
  }
  const present = values.filter((v) => v.trim() !== '');
  if (present.length === 0) return { kind: 'missing' };
  if (present.length > 1) return { kind: 'many' };
  return { kind: 'one', value: present[0]! };
}
