/**
 * Fills a path template's `{name}` placeholders with caller values, each checked and
 * percent-encoded as exactly one path segment, so no id can become another endpoint:
 * `'..'`, `'a/b'`, `'a?b'`, `{}` or `null` are refused with {@link HeroInputError}
 * before anything is sent. Used as openapi-fetch's `pathSerializer` for every call,
 * facade and `hero.raw` alike.
 */
import { HeroInputError, type HeroInputIssue } from '../errors.js';
import { rulesForTemplate } from './parameter-rules.js';

/** Longest path parameter accepted, in UTF-16 code units; Hero's ids are a few digits. */
export const MAX_PATH_PARAM_LENGTH = 1000;

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** `.` and `..` are dot segments; a server (or the URL parser) may decode `%2e` first, even twice. */
function isDotSegment(value: string): boolean {
  let decoded = value;
  // `%252e` → `%2e` → `.`: undo percent-encoding of `%` as long as it changes anything.
  for (let previous = ''; previous !== decoded; ) {
    previous = decoded;
    decoded = decoded.replace(/%25/gi, '%');
  }
  decoded = decoded.replace(/%2e/gi, '.');
  return decoded === '.' || decoded === '..';
}

/**
 * One pass over the text: C0 controls, DEL and C1 controls (never part of an id; some
 * proxies treat them specially) and lone surrogates (`encodeURIComponent` would throw).
 */
function characterProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 'must not contain control characters';
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return 'must be well-formed Unicode text';
      i++;
    }
  }
  return undefined;
}

/** Describes a non-string value without repeating it (it may be patient data). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Why `value` cannot be path parameter `name`, or `undefined` when it can. Strings and
 * safe integers are accepted; `pattern` is the spec's pattern for it, when it gives one.
 */
export function pathParamProblem(value: unknown, pattern: RegExp | undefined): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
  else if (typeof value === 'bigint') text = value.toString();
  else if (value === undefined || value === null) return `is missing (received ${describeType(value)})`;
  else if (typeof value === 'number') return 'must be a string or a whole number (received a number that is not a safe integer)';
  else return `must be a string or a whole number (received ${describeType(value)})`;

  if (text === '') return 'must not be empty';
  if (text.length > MAX_PATH_PARAM_LENGTH) return `must be at most ${MAX_PATH_PARAM_LENGTH} characters (received ${text.length})`;
  const problem = characterProblem(text);
  if (problem !== undefined) return problem;
  if ((text.includes('.') || text.includes('%')) && isDotSegment(text)) return "must not be '.' or '..' (in any percent-encoding)";
  if (pattern !== undefined && !pattern.test(text)) return `does not match the pattern ${pattern.source} the API gives for it`;
  return undefined;
}

/**
 * `template` with every `{name}` replaced by the checked, percent-encoded value of
 * `params[name]`. Throws {@link HeroInputError} listing every bad or missing parameter
 * (by name, never by value). Patterns come from the spec when `template` is one of its paths.
 */
export function buildPath(template: string, params: unknown): string {
  const compiled = compiledTemplate(template);
  const source = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : undefined;
  let issues: HeroInputIssue[] | undefined;
  let path = compiled.literals[0]!;
  for (let i = 0; i < compiled.names.length; i++) {
    const name = compiled.names[i]!;
    const value = source !== undefined && Object.hasOwn(source, name) ? source[name] : undefined;
    const problem = pathParamProblem(value, compiled.patterns[i]);
    if (problem !== undefined) (issues ??= []).push({ field: name, message: problem });
    // Concatenation, never `String.replace` with a replacement string: `$&` and `` $` `` in a
    // value stay literal, and a value containing `{id}` is never expanded again.
    else path += encodeURIComponent(typeof value === 'string' ? value : String(value));
    path += compiled.literals[i + 1]!;
  }
  if (issues !== undefined) throw new HeroInputError(issues, `path parameters of ${template}`);
  return path;
}

/** A template split at its placeholders: `literals[0] name[0] literals[1] …`, with each name's pattern. */
interface CompiledTemplate {
  readonly literals: readonly string[];
  readonly names: readonly string[];
  readonly patterns: readonly (RegExp | undefined)[];
}

// Spec templates only (a fixed set); other templates are split on every call, so a caller
// building paths dynamically cannot grow this map.
const compiledSpecTemplates = new Map<string, CompiledTemplate>();

function compiledTemplate(template: string): CompiledTemplate {
  const cached = compiledSpecTemplates.get(template);
  if (cached !== undefined) return cached;
  const rules = rulesForTemplate(template);
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    names.push(match[1]!);
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  const compiled = { literals, names, patterns: names.map((name) => rules?.pathPatterns.get(name)) };
  if (rules !== undefined) compiledSpecTemplates.set(template, compiled);
  return compiled;
}

/** True when a template has `{name}` placeholders to fill. */
export function hasPlaceholders(template: string): boolean {
  return template.includes('{');
}

/**
 * openapi-fetch's `pathSerializer` for a client whose base URL is `baseUrl`: it receives
 * `baseUrl + template` and the call's `params.path`. A URL not starting with `baseUrl`
 * (a per-call `baseUrl`) is filled by the same rules, without spec patterns; the
 * transport's URL scope check then refuses it if it leaves the configured base URL.
 */
export function createPathSerializer(baseUrl: string): (url: string, params: Record<string, unknown>) => string {
  // openapi-fetch drops one trailing slash from the base URL before concatenating.
  const prefix = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return (url, params) => {
    if (url.startsWith(prefix)) return prefix + buildPath(url.slice(prefix.length), params);
    return buildPath(url, params);
  };
}
