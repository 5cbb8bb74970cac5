/**
 * The OpenAPI document as both tools see it: plain JSON values, with the few helpers every
 * reader needs (HTTP methods, JSON pointers). A document reaches code through
 * {@link loadOpenApiDocument} only, so by then it is bounded, acyclic and self-contained.
 */

/** A parsed JSON or YAML object. */
export type JsonObject = { [key: string]: unknown };

/** An OpenAPI 3.x document as parsed from YAML or JSON; `openapi` is checked on load. */
export interface OpenApiDocument extends JsonObject {
  openapi: string;
}

/** The HTTP methods a Path Item can hold, in the order reports list them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's own entries when `value` is an object, otherwise none. */
export function objectEntries(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}

/** Escapes one segment of a JSON pointer (RFC 6901). */
export function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a `#/a/b` pointer from raw segments. */
export function pointerOf(...segments: string[]): string {
  return `#/${segments.map(escapePointerSegment).join('/')}`;
}

/**
 * Reads a local pointer (`#/a/b`, as a `$ref` writes it) in `document`; `undefined` when a
 * segment is missing or the pointer is not local. Segments may be percent-encoded (`%7Bid%7D`).
 */
export function readPointer(document: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#')) return undefined;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/').slice(1)) {
    const segment = decodeSegment(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object') return undefined;
    // Own properties only: a pointer to `__proto__` or `constructor` must not reach the prototype.
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

// A stray `%` (not an escape) is kept as written rather than failing the whole read.
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
