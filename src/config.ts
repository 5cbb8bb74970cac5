/**
 * Hero's environments and the one place where client options are normalised:
 * explicit options win, then environment variables; later code never applies defaults.
 */
import { HeroConfigError } from './errors.js';

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
  /** Where to read `HERO_*` variables from; pass `{}` to ignore the process environment. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Connection settings after normalisation: all present, all checked. */
export interface NormalizedConnection {
  readonly apiKey: string;
  readonly practiceGroupId: string;
  readonly baseUrl: string;
  readonly fetch: (request: Request) => Promise<Response>;
}

const isEnvironment = (value: string): value is HeroEnvironment => Object.hasOwn(environments, value);

function pick(option: string | undefined, env: string | undefined): string | undefined {
  const value = option ?? env;
  return value === undefined ? undefined : value.trim();
}

/**
 * Checks credentials and picks the base URL. Throws {@link HeroConfigError} naming the
 * option and the variable for anything missing, before any request can be sent.
 */
export function normalizeConnection(options: HeroConnectionOptions): NormalizedConnection {
  const env = options.env ?? process.env;
  const problems: string[] = [];

  const apiKey = pick(options.apiKey, env.HERO_API_KEY);
  if (!apiKey) problems.push('an API key is required: pass `apiKey` or set HERO_API_KEY');

  const practiceGroupId = pick(options.practiceGroupId, env.HERO_PRACTICE_GROUP_ID);
  if (!practiceGroupId) problems.push('a practice group ID is required: pass `practiceGroupId` or set HERO_PRACTICE_GROUP_ID');

  let baseUrl = pick(options.baseUrl, undefined);
  if (!baseUrl && options.environment !== undefined) {
    if (isEnvironment(options.environment)) baseUrl = environments[options.environment];
    else problems.push(`\`environment\` must be one of ${Object.keys(environments).join(', ')}`);
  }
  baseUrl ||= pick(undefined, env.HERO_BASE_URL);
  // HERO_ENVIRONMENT is to HERO_BASE_URL what `environment` is to `baseUrl`: the URL wins.
  const environmentVariable = pick(undefined, env.HERO_ENVIRONMENT)?.toLowerCase();
  if (!baseUrl && options.environment === undefined && environmentVariable) {
    if (isEnvironment(environmentVariable)) baseUrl = environments[environmentVariable];
    else problems.push(`HERO_ENVIRONMENT must be one of ${Object.keys(environments).join(', ')}`);
  }
  if (!baseUrl && options.environment === undefined && !environmentVariable) {
    // No silent default: a forgotten setting must not send patient data to production.
    problems.push(`a target is required: pass \`environment\` (${Object.keys(environments).join(' | ')}) or \`baseUrl\`, or set HERO_ENVIRONMENT or HERO_BASE_URL`);
  }
  if (baseUrl) {
    try {
      const url = new URL(baseUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('`baseUrl` must be an http(s) URL');
    } catch {
      problems.push('`baseUrl` (or HERO_BASE_URL) is not a valid URL');
    }
  }

  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== 'function') problems.push('no fetch is available: pass `fetch` (Node >= 20 has one built in)');

  if (problems.length > 0) throw new HeroConfigError(problems);
  return { apiKey: apiKey!, practiceGroupId: practiceGroupId!, baseUrl: baseUrl!.replace(/\/+$/, ''), fetch };
}
