/**
 * What the transport hides wherever a request or response is shown (hooks, errors, logs):
 * secret headers, cookies, a redirect's path and query, and any echo of the caller's key.
 */
/** Request headers whose values are secrets and are masked wherever a request is shown. */
export const SECRET_HEADER_NAMES: readonly string[] = ['x-api-key', 'authorization', 'proxy-authorization'];

/** What a masked secret reads as. */
export const REDACTED = '[REDACTED]';

// Shorter "secrets" are test placeholders; scrubbing them would mangle unrelated text.
const MIN_SCRUBBED_SECRET_LENGTH = 8;

/**
 * Copies headers into a plain object with every {@link SECRET_HEADER_NAMES} value
 * replaced by {@link REDACTED}. Never mutates its input (octokit redacts a copy too).
 */
export function redactHeaders(headers: Headers): Record<string, string> {
  const copy: Record<string, string> = {};
  headers.forEach((value, name) => {
    copy[name] = SECRET_HEADER_NAMES.includes(name) ? REDACTED : value;
  });
  return copy;
}

/** Response headers hidden wherever a response is shown: they can carry a session or a key. */
export const SECRET_RESPONSE_HEADER_NAMES: readonly string[] = [...SECRET_HEADER_NAMES, 'set-cookie', 'set-cookie2'];

/** The origin of a `Location` value (resolved against `base`), or `undefined` when it has none. */
export function locationOrigin(location: string | null | undefined, base: string): string | undefined {
  if (location === null || location === undefined) return undefined;
  try {
    const origin = new URL(location, base).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Copies response headers into a plain object for hooks and errors: secret and cookie
 * headers are {@link REDACTED}, any value containing one of `secrets` is scrubbed, and
 * `location` keeps only its origin (a redirect's path and query may carry patient data).
 * `url` is the request URL, to resolve a relative `location`.
 */
export function redactResponseHeaders(headers: Headers, secrets: readonly string[], url: string): Record<string, string> {
  const copy: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (SECRET_RESPONSE_HEADER_NAMES.includes(name)) copy[name] = REDACTED;
    else if (name === 'location') copy[name] = locationOrigin(value, url) ?? REDACTED;
    else copy[name] = redactSecrets(value, secrets);
  });
  return copy;
}

/**
 * Values of the secret headers present on a request, for {@link redactSecrets}.
 * Used on the failure path only, where a server may echo a key back.
 */
export function secretsOf(headers: Headers): string[] {
  const secrets: string[] = [];
  for (const name of SECRET_HEADER_NAMES) {
    const value = headers.get(name);
    if (value !== null && value.length >= MIN_SCRUBBED_SECRET_LENGTH) secrets.push(value);
  }
  return secrets;
}

/**
 * Replaces every occurrence of each secret in `text` with {@link REDACTED}.
 * Some APIs echo a rejected key in their 401 body; this keeps it out of our errors.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SCRUBBED_SECRET_LENGTH && result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
}
