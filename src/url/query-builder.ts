/**
 * Builds a query string in which one key is one parameter: keys and values are
 * percent-encoded whole, so `{ 'nhs_number=1&page_size': '5' }` sends one oddly named
 * parameter, never two. Used as openapi-fetch's `querySerializer` for every call.
 *
 * Rules: `undefined` and `null` values are left out (as openapi-fetch does); strings,
 * finite numbers, booleans and bigints are sent as text; an array repeats the key once
 * per element (OpenAPI's default `form`, `explode: true`: `ids=1&ids=2`). Objects, nested
 * arrays, functions, symbols, `NaN`/`Infinity` and text that is not well-formed Unicode
 * are refused with {@link HeroInputError}, before anything is sent.
 */
import { HeroInputError, type HeroInputIssue } from '../errors.js';
import { describeType } from './path-builder.js';

// Keys are named in errors only when they look like a parameter name, so a value
// pasted in as a key (an NHS number, a surname with spaces) is never repeated.
const NAMEABLE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** How a query key appears in an error: itself when it looks like a parameter name. */
export function queryKeyLabel(key: string): string {
  return NAMEABLE_KEY.test(key) ? key : '(a query key)';
}

function encodeText(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined; // URIError: a lone surrogate
  }
}

function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

function scalarProblem(value: unknown): string {
  if (typeof value === 'number') return 'must be a finite number';
  if (typeof value === 'string') return 'must be well-formed Unicode text';
  return `must be a string, number or boolean (received ${describeType(value)})`;
}

/** Serializes `query` (own enumerable keys, in order); see the module comment for the rules. */
export function buildQuery(query: unknown): string {
  if (typeof query !== 'object' || query === null) return '';
  const parts: string[] = [];
  const issues: HeroInputIssue[] = [];
  for (const key of Object.keys(query)) {
    const value = (query as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    const encodedKey = encodeText(key);
    if (encodedKey === undefined) {
      issues.push({ field: queryKeyLabel(key), message: 'key must be well-formed Unicode text' });
      continue;
    }
    const items: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const text = scalarText(item);
      const encoded = text === undefined ? undefined : encodeText(text);
      if (encoded === undefined) {
        issues.push({ field: queryKeyLabel(key), message: Array.isArray(value) ? `element ${scalarProblem(item)}` : scalarProblem(item) });
        break;
      }
      parts.push(`${encodedKey}=${encoded}`);
    }
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'query parameters');
  return parts.join('&');
}

/**
 * The facade's rule for keys an operation does not declare: refused, naming the
 * operation, so a typo or a smuggled key never reaches Hero. `hero.raw` does not
 * call this: there, any key is sent, encoded as one parameter by {@link buildQuery}.
 */
export function assertDeclaredQuery(query: unknown, declared: ReadonlySet<string>, route: string): void {
  if (typeof query !== 'object' || query === null) return;
  let issues: HeroInputIssue[] | undefined;
  for (const key of Object.keys(query)) {
    if (declared.has(key) || (query as Record<string, unknown>)[key] === undefined) continue;
    (issues ??= []).push({ field: queryKeyLabel(key), message: `is not a query parameter of ${route}` });
  }
  if (issues !== undefined) throw new HeroInputError(issues, `query parameters of ${route}`);
}
