/**
 * What `hero.raw` checks before openapi-fetch sees a call, so that values its types forbid
 * fail with `HeroInputError` and nothing is sent, instead of a raw `TypeError` from deep in
 * openapi-fetch or undici (or, for a body JSON cannot carry, a silently different request).
 */
import { HeroInputError, type HeroInputIssue } from './errors.js';
import { checkJsonBody } from './validation/json-body.js';
import { isOptionsObject, typeName } from './validation/type-name.js';

/** The methods `hero.raw` has, upper case. */
export const RAW_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;
const RAW_METHOD_SET: ReadonlySet<string> = new Set(RAW_METHODS);

// openapi-fetch reads the body with `response[parseAs]()`.
const PARSE_AS: ReadonlySet<unknown> = new Set(['json', 'text', 'blob', 'arrayBuffer', 'stream']);
// Whitespace and control characters, a query, a fragment, a backslash: none belongs in a path template.
const FORBIDDEN_PATH_CHARS = /[\u0000-\u0020\u007f?#\\]/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** The upper-case method of `hero.raw.request(method, …)`; throws {@link HeroInputError} for any other value. */
export function rawMethod(method: unknown): (typeof RAW_METHODS)[number] {
  const upper = typeof method === 'string' ? method.toUpperCase() : undefined;
  if (upper !== undefined && RAW_METHOD_SET.has(upper)) return upper as (typeof RAW_METHODS)[number];
  throw new HeroInputError([{ field: 'method', message: `must be one of ${RAW_METHODS.join(', ')} (any case)${typeof method === 'string' ? '' : ` (received ${typeName(method)})`}` }], 'hero.raw.request call');
}

/**
 * A `hero.raw` path: a string that starts with `/`, with no dot segment (`.`, `..`, or their
 * `%2e` forms), query, fragment, backslash, whitespace or control character. Spec templates
 * (`/v1/patients/{id}`) pass; so does a path the spec does not have yet. Never repeats the path.
 */
export function checkRawPath(method: string, path: unknown): asserts path is string {
  let problem: string | undefined;
  if (typeof path !== 'string') problem = `must be a path string such as '/v1/me' (received ${typeName(path)})`;
  else if (!path.startsWith('/')) problem = "must start with '/' (it is appended to the base URL)";
  else if (path.includes('//')) problem = 'must not contain empty segments (`//`)';
  else if (FORBIDDEN_PATH_CHARS.test(path)) problem = 'must not contain whitespace, control characters, `?`, `#` or `\\`: pass query parameters in `params.query`';
  else if (path.split('/').some((segment) => DOT_SEGMENT.test(segment))) problem = 'must not contain `.` or `..` segments';
  if (problem !== undefined) throw new HeroInputError([{ field: 'path', message: problem }], `hero.raw.${method} call`);
}

/** True for openapi-fetch middleware: an object with at least one of its hooks, and no hook that is not a function. */
export function isMiddleware(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const hooks = [(value as Record<string, unknown>).onRequest, (value as Record<string, unknown>).onResponse, (value as Record<string, unknown>).onError];
  return hooks.some((hook) => typeof hook === 'function') && hooks.every((hook) => hook === undefined || typeof hook === 'function');
}

/** Throws {@link HeroInputError} unless every value is openapi-fetch middleware (`use`/`eject`). */
export function checkMiddleware(values: readonly unknown[], call: string): void {
  if (values.every(isMiddleware)) return;
  throw new HeroInputError([{ field: 'middleware', message: 'must be objects with an onRequest, onResponse or onError function' }], call);
}

function checkOptionalObject(issues: HeroInputIssue[], field: string, value: unknown): void {
  if (value !== undefined && !isOptionsObject(value)) issues.push({ field, message: `must be an object (received ${typeName(value)})` });
}

function checkOptionalFunction(issues: HeroInputIssue[], field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') issues.push({ field, message: `must be a function (received ${typeName(value)})` });
}

/**
 * The init of a `hero.raw` call (`subject` names the call in errors): an object whose openapi-fetch keys have their types
 * (`params` and its parts objects, `signal` an AbortSignal, `parseAs` one of openapi-fetch's,
 * `fetch`/`bodySerializer` functions, `middleware` a list of middleware, `baseUrl` a string),
 * and a body JSON can carry (unless the call brings its own `bodySerializer`). The per-call
 * options (headers, time limits…) are checked by call-options.ts.
 */
export function checkRawInit(subject: string, init: unknown): asserts init is Record<string | symbol, unknown> {
  if (!isOptionsObject(init)) throw new HeroInputError([{ field: '(options)', message: `must be an object (received ${typeName(init)})` }], subject);
  const issues: HeroInputIssue[] = [];
  const { params, signal, parseAs, fetch, bodySerializer, middleware, baseUrl, Request } = init;
  checkOptionalObject(issues, 'params', params);
  if (isOptionsObject(params)) {
    for (const part of ['path', 'query', 'header', 'cookie'] as const) checkOptionalObject(issues, `params.${part}`, params[part]);
  }
  // `null` is a RequestInit's "no signal".
  if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) issues.push({ field: 'signal', message: `must be an AbortSignal (received ${typeName(signal)})` });
  if (parseAs !== undefined && !PARSE_AS.has(parseAs)) issues.push({ field: 'parseAs', message: `must be one of ${[...PARSE_AS].join(', ')}` });
  checkOptionalFunction(issues, 'fetch', fetch);
  checkOptionalFunction(issues, 'bodySerializer', bodySerializer);
  checkOptionalFunction(issues, 'Request', Request);
  if (middleware !== undefined && !(Array.isArray(middleware) && middleware.every(isMiddleware))) {
    issues.push({ field: 'middleware', message: 'must be a list of objects with an onRequest, onResponse or onError function' });
  }
  if (baseUrl !== undefined && typeof baseUrl !== 'string') issues.push({ field: 'baseUrl', message: `must be a string (received ${typeName(baseUrl)})` });
  if (issues.length > 0) throw new HeroInputError(issues, subject);
  if (init.body !== undefined && bodySerializer === undefined) checkJsonBody(init.body, `${subject}: body`);
}
