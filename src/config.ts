/**
 * Hero's environments and the one place where client options are normalised:
 * explicit options win, then environment variables; later code never applies defaults.
 */
import { HeroConfigError } from './errors.js';
import { isLoopbackHost } from './url/url-scope.js';
import { isOptionsObject, typeName } from './validation/type-name.js';

/** Base URLs of Hero's hosted environments (from Hero's developer portal). */
export const environments = {
  /** Redocly mock of Hero's current spec: answers with examples, accepts any key. */
  mock: 'https://developer.herohealth.net/_mock/apis/public-api/openapi',
  /** Test data only; use a staging key. */
  staging: 'https://api.staging.htech.app',
  /** Live practices and real patients. */
  production: 'https://api.herohealth.net',
} as const;

/** Name of one of Hero's hosted environments. */
export type HeroEnvironment = keyof typeof environments;

/** Connection options of {@link createHeroClient}. Every field is optional when its environment variable is set. */
export interface HeroConnectionOptions {
  /** Partner API key, sent as `x-api-key`. @default process.env.HERO_API_KEY */
  apiKey?: string;
  /** Practice group the calls act for, sent as `x-practice-group-id`. @default process.env.HERO_PRACTICE_GROUP_ID */
  practiceGroupId?: string;
  /** One of Hero's environments. Ignored when `baseUrl` is given. @default process.env.HERO_ENVIRONMENT (below HERO_BASE_URL) */
  environment?: HeroEnvironment;
  /** Any base URL (a local Prism mock, a proxy). @default process.env.HERO_BASE_URL */
  baseUrl?: string;
  /**
   * The fetch to send requests with (tests, instrumentation, a proxy agent). It is called
   * with one `Request` per attempt. @default globalThis.fetch
   */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Allow a plain `http://` base URL to a host other than loopback (`localhost`, `127.0.0.0/8`,
   * `::1`). Off by default: over plain http the API key and patient data cross the network
   * unencrypted. Turn it on only for a trusted hop such as a proxy inside a private network.
   * @default false
   */
  allowInsecureHttp?: boolean;
  /** Where to read `HERO_*` variables from; pass `{}` to ignore the process environment. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Connection settings after normalisation: all present, all checked. */
export interface NormalizedConnection {
  readonly apiKey: string;
  readonly practiceGroupId: string;
  readonly baseUrl: string;
}

const isEnvironment = (value: string): value is HeroEnvironment => Object.hasOwn(environments, value);

/** One problem per field of `object` set to `null`. */
function nullFields(object: Record<string, unknown>, prefix: string): string[] {
  return Object.keys(object)
    .filter((key) => object[key] === null)
    .map((key) => `\`${prefix}${key}\` must not be null: leave it out for the default`);
}

/**
 * Checks the shape of the options object before anything reads it: an object (or nothing),
 * and no option set to `null` (the types allow `undefined`, meaning "the default", never
 * `null`; `env: null` in particular must not silently mean the process environment). Covers
 * the top level, `retry`, `retry.budget` and `hooks` (`rateLimit` checks its own fields).
 * Throws {@link HeroConfigError} naming each option, never repeating a value.
 */
export function checkClientOptionsShape(options: unknown): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) throw new HeroConfigError(`the options must be an object (received ${typeName(options)})`);
  const problems = nullFields(options, '');
  const { retry, hooks, rateLimit } = options;
  // Its fields are the rate limiter's to check; that it is `false` or an object is the client's.
  if (rateLimit !== undefined && rateLimit !== null && rateLimit !== false && !isOptionsObject(rateLimit)) {
    problems.push(`\`rateLimit\` must be an object of settings, or false for no pacing (received ${typeName(rateLimit)})`);
  }
  if (isOptionsObject(retry)) {
    problems.push(...nullFields(retry, 'retry.'));
    if (isOptionsObject(retry.budget)) problems.push(...nullFields(retry.budget, 'retry.budget.'));
  }
  if (isOptionsObject(hooks)) problems.push(...nullFields(hooks, 'hooks.'));
  if (problems.length > 0) throw new HeroConfigError(problems);
}

/**
 * A credential from its option or variable, checked: a string, non-empty once surrounding
 * spaces are trimmed, and only visible ASCII. A CR or LF would split the header it is sent in
 * (and undici's refusal would print the whole value), so messages describe, never repeat, it.
 */
function readCredential(option: unknown, optionName: string, env: string | undefined, envName: string, problems: string[]): string | undefined {
  const source = option !== undefined ? `\`${optionName}\`` : envName;
  const value = option !== undefined ? option : env;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${source} must be a string (received ${typeName(value)})`);
    return undefined;
  }
  const trimmed = value.replace(/^ +| +$/g, '');
  if (trimmed === '') return undefined;
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    problems.push(`${source} contains a control character (such as CR, LF or tab); remove it`);
    return undefined;
  }
  if (!/^[\u0021-\u007e]+$/.test(trimmed)) {
    problems.push(`${source} must be visible ASCII characters only (no spaces inside, no non-ASCII characters)`);
    return undefined;
  }
  return trimmed;
}

/**
 * Checks a base URL: http(s), no credentials, query or fragment (they would be sent, or
 * silently misroute every path), and https unless the host is loopback or `allowInsecureHttp`.
 * Returns it without trailing slashes. Messages never repeat the URL (it may hold credentials).
 */
function checkBaseUrl(value: string, source: string, allowInsecureHttp: boolean, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${source} is not a valid URL`);
    return undefined;
  }
  const before = problems.length;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`${source} must be an http(s) URL`);
  else if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    problems.push(
      `${source} uses plain http to a host that is not loopback, so the API key and patient data would travel unencrypted: ` +
        'use https, or pass `allowInsecureHttp: true` for a trusted hop such as a proxy in a private network',
    );
  }
  if (url.username !== '' || url.password !== '') problems.push(`${source} must not contain a user name or password`);
  if (value.includes('?')) problems.push(`${source} must not contain a query (?…): request paths are appended to it`);
  if (value.includes('#')) problems.push(`${source} must not contain a fragment (#…): request paths are appended to it`);
  return problems.length === before ? value.replace(/\/+$/, '') : undefined;
}

/**
 * Checks credentials and picks the base URL, reading variables from `env` (client-options.ts
 * reads the process environment, once). Adds a problem to `problems` for anything missing or
 * malformed, naming the option and the variable, never repeating a credential; returns the
 * connection when there was none.
 */
export function normalizeConnection(options: HeroConnectionOptions, env: Readonly<Record<string, string | undefined>>, problems: string[]): NormalizedConnection | undefined {
  const before = problems.length;
  const { allowInsecureHttp = false } = options;
  if (typeof allowInsecureHttp !== 'boolean') problems.push(`\`allowInsecureHttp\` must be true or false (received ${typeName(allowInsecureHttp)})`);

  const apiKey = readCredential(options.apiKey, 'apiKey', env.HERO_API_KEY, 'HERO_API_KEY', problems);
  if (apiKey === undefined && !problems.some((p) => /apiKey|HERO_API_KEY/.test(p))) {
    problems.push('an API key is required: pass `apiKey` or set HERO_API_KEY');
  }
  const practiceGroupId = readCredential(options.practiceGroupId, 'practiceGroupId', env.HERO_PRACTICE_GROUP_ID, 'HERO_PRACTICE_GROUP_ID', problems);
  if (practiceGroupId === undefined && !problems.some((p) => /practiceGroupId|HERO_PRACTICE_GROUP_ID/.test(p))) {
    problems.push('a practice group ID is required: pass `practiceGroupId` or set HERO_PRACTICE_GROUP_ID');
  }

  const baseUrl = pickBaseUrl(options, env, allowInsecureHttp === true, problems);

  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== 'function') problems.push('no fetch is available: pass `fetch` (Node >= 20 has one built in)');

  if (problems.length > before) return undefined;
  return { apiKey: apiKey!, practiceGroupId: practiceGroupId!, baseUrl: baseUrl! };
}

/**
 * `baseUrl`, else `environment`, else HERO_BASE_URL, else HERO_ENVIRONMENT (the variable is to
 * HERO_BASE_URL what `environment` is to `baseUrl`: the URL wins). Checked, or `undefined` with the problem listed.
 */
function pickBaseUrl(
  options: HeroConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  allowInsecureHttp: boolean,
  problems: string[],
): string | undefined {
  const { baseUrl, environment } = options;
  // Checked even when `baseUrl` wins over it: a typo there is a mistake all the same.
  if (environment !== undefined && !(typeof environment === 'string' && isEnvironment(environment))) {
    problems.push(`\`environment\` must be one of ${Object.keys(environments).join(', ')}`);
    return undefined;
  }
  if (baseUrl !== undefined && typeof baseUrl !== 'string') {
    problems.push(`\`baseUrl\` must be a string (received ${typeName(baseUrl)})`);
    return undefined;
  }
  if (baseUrl !== undefined && baseUrl.trim() !== '') return checkBaseUrl(baseUrl.trim(), '`baseUrl`', allowInsecureHttp, problems);
  if (environment !== undefined) return environments[environment];
  const envBaseUrl = env.HERO_BASE_URL?.trim();
  if (envBaseUrl) return checkBaseUrl(envBaseUrl, 'HERO_BASE_URL', allowInsecureHttp, problems);
  const envEnvironment = env.HERO_ENVIRONMENT?.trim().toLowerCase();
  if (envEnvironment) {
    if (isEnvironment(envEnvironment)) return environments[envEnvironment];
    problems.push(`HERO_ENVIRONMENT must be one of ${Object.keys(environments).join(', ')}`);
    return undefined;
  }
  // No silent default: a forgotten setting must not send patient data to production.
  problems.push(
    `a target is required: pass \`environment\` (${Object.keys(environments).join(' | ')}) or \`baseUrl\`, or set HERO_ENVIRONMENT or HERO_BASE_URL`,
  );
  return undefined;
}
