/**
 * Who is calling: the User-Agent every request carries (`hero-health-ts/<version> node/<version>`,
 * then the partner's `appInfo` as stripe-node appends it), and the client's `defaultHeaders`.
 * Both are checked once, when the client is built; a problem is a `HeroConfigError` naming the
 * option, never repeating its value.
 */
import { checkCallHeaders } from '../transport/call-options.js';
import { isOptionsObject, typeName } from '../validation/type-name.js';
import { sdkVersion } from './sdk-version.js';

/** The partner's application, appended to the User-Agent so Hero can tell its traffic apart. */
export interface HeroAppInfo {
  /** Application name, e.g. `acme-recall`. */
  name: string;
  /** Application version, e.g. `2.3.1`. @default none */
  version?: string;
  /** Where to find out about the application (a home page or contact URL). @default none */
  url?: string;
}

// What a header value may hold: tab and visible Latin-1. Anything else (a control character,
// a character above U+00FF) either splits the header or makes fetch throw a raw TypeError.
const HEADER_TEXT = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
const APP_INFO_KEYS = ['name', 'version', 'url'] as const;

/** `hero-health-ts/<version> node/<version>`, the start of every User-Agent this client sends. */
export function sdkUserAgent(): string {
  return `hero-health-ts/${sdkVersion()} node/${process.versions.node}`;
}

/** Checks `appInfo` (an object with a non-empty `name`; `version` and `url` optional strings); adds problems. */
export function normalizeAppInfo(value: unknown, problems: string[]): HeroAppInfo | undefined {
  if (value === undefined) return undefined;
  if (!isOptionsObject(value)) {
    problems.push(`\`appInfo\` must be an object { name, version?, url? } (received ${typeName(value)})`);
    return undefined;
  }
  const before = problems.length;
  for (const key of APP_INFO_KEYS) {
    const field = value[key];
    if (field === undefined && key !== 'name') continue;
    if (typeof field !== 'string' || field.trim() === '') problems.push(`\`appInfo.${key}\` must be a non-empty string (received ${typeName(field)})`);
    else if (!HEADER_TEXT.test(field)) problems.push(`\`appInfo.${key}\` must not contain control characters or characters above U+00FF (it is sent in the User-Agent header)`);
  }
  if (problems.length > before) return undefined;
  const { name, version, url } = value as unknown as HeroAppInfo;
  return Object.freeze({ name: name.trim(), ...(version !== undefined && { version: version.trim() }), ...(url !== undefined && { url: url.trim() }) });
}

/** The whole User-Agent: the SDK's, then `name/version (url)` of the app, as stripe-node formats `appInfo`. */
export function userAgent(appInfo: HeroAppInfo | undefined): string {
  if (appInfo === undefined) return sdkUserAgent();
  const app = appInfo.version === undefined ? appInfo.name : `${appInfo.name}/${appInfo.version}`;
  return `${sdkUserAgent()} ${appInfo.url === undefined ? app : `${app} (${appInfo.url})`}`;
}

/**
 * Checks `defaultHeaders` by the per-call header rules (call-options.ts: a valid name, not
 * `x-api-key` or `x-practice-group-id`, not a header the HTTP client manages, no control
 * character), plus: string values only, and not `user-agent` (pass `appInfo`). Adds problems;
 * returns the headers with lower-case names.
 */
export function normalizeDefaultHeaders(value: unknown, problems: string[]): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) {
    problems.push(`\`defaultHeaders\` must be an object of header names to string values (received ${typeName(value)})`);
    return {};
  }
  const before = problems.length;
  for (const issue of checkCallHeaders(value)) problems.push(`\`defaultHeaders\`: ${issue.field} ${issue.message.replace('per call', 'as a default header')}`);
  const headers: Record<string, string> = {};
  for (const [name, field] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (lower === 'user-agent') problems.push('`defaultHeaders`: user-agent is set by the client; pass `appInfo` to add your application to it');
    // The per-call rules let numbers and booleans through (openapi-fetch stringifies them) and `null` remove a header.
    else if (typeof field !== 'string') {
      if (field === null || typeof field === 'number' || typeof field === 'boolean') problems.push(`\`defaultHeaders\`: headers[${JSON.stringify(name)}] must be a string (received ${typeName(field)})`);
    } else headers[lower] = field;
  }
  return problems.length > before ? {} : Object.freeze(headers);
}
