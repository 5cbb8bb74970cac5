/**
 * Test helpers for code that uses this client: a local mock of the Hero API served by
 * Prism from the spec bundled with this package. Shipped as the `/testing` subpath.
 */
import { bundledSpecPath as specShippedWithPackage } from './openapi/package-root.js';
import type { HeroClientOptions } from './client.js';
import { HeroInputError, type HeroInputIssue } from './errors.js';
import { checkListenOptions, startPrism } from './testing/prism.js';
import { isOptionsObject, typeName } from './validation/type-name.js';

export { startPrism, findFreePort, HeroPrismError, type PrismOptions, type PrismServer } from './testing/prism.js';

/** Options of {@link startHeroMock}. */
export interface HeroMockOptions {
  /** Port to listen on. @default a free port chosen by the OS */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** OpenAPI document to serve. @default the Hero spec bundled with this package */
  specPath?: string;
}

/**
 * Which answer the mock gives (Prism's `Prefer` header): a named example of the spec, a
 * status, or data generated from the schema. One call can ask for its own with
 * `{ headers: { prefer: 'code=404' } }`, which wins over {@link HeroMock.prefer}.
 */
export interface HeroMockPreference {
  /** Name of an example in the spec, e.g. `verificationRequired`. */
  example?: string;
  /** HTTP status whose documented answer to give, e.g. `404`. */
  code?: number;
  /** Generate the body from the schema instead of using an example. */
  dynamic?: boolean;
}

/** Client options for tests against the mock: see {@link HeroMock.clientOptions}. */
export interface HeroMockClientOptions extends HeroClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly practiceGroupId: string;
  readonly fetch: (request: Request) => Promise<Response>;
}

/** A running Hero mock. */
export interface HeroMock {
  /** Base URL to pass as `baseUrl` to `createHeroClient`. */
  readonly url: string;
  /**
   * Options for `createHeroClient({ ...mock.clientOptions })`: this mock's URL, a test key and
   * practice group, quick retries (1–5 ms backoff), a 10 s timeout, and no sleeping on
   * `Retry-After` (the spec's 429 says 30 s: the error comes at once, `retryAfterMs` set).
   * Its `fetch` adds the answer chosen with {@link prefer}.
   */
  readonly clientOptions: HeroMockClientOptions;
  /**
   * Picks the answer for every following request of clients built from {@link clientOptions},
   * until changed; `prefer()` goes back to the default (the first example of the 2xx answer).
   * @example mock.prefer({ example: 'verificationRequired' }); mock.prefer({ code: 404 });
   */
  prefer(preference?: HeroMockPreference): void;
  /** Stops the mock; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Practice group of {@link HeroMock.clientOptions}. */
export const MOCK_PRACTICE_GROUP_ID = '1';
/** API key of {@link HeroMock.clientOptions}; the mock accepts any key. */
export const MOCK_API_KEY = 'hero-mock-test-key';

// Prism reads `Prefer: code=404, example=name, dynamic=true` (RFC 7240 syntax).
const EXAMPLE_NAME = /^[A-Za-z0-9_.-]+$/;

/** The `Prefer` header value for a preference; throws {@link HeroInputError} for a malformed one. */
export function preferHeader(preference: HeroMockPreference): string | undefined {
  if (!isOptionsObject(preference as unknown)) throw new HeroInputError([{ field: '(preference)', message: `must be an object (received ${typeName(preference)})` }], 'mock preference');
  const issues: HeroInputIssue[] = [];
  const parts: string[] = [];
  if (preference.code !== undefined) {
    if (Number.isInteger(preference.code) && preference.code >= 100 && preference.code <= 599) parts.push(`code=${preference.code}`);
    else issues.push({ field: 'code', message: 'must be an HTTP status from 100 to 599' });
  }
  if (preference.example !== undefined) {
    if (typeof preference.example === 'string' && EXAMPLE_NAME.test(preference.example)) parts.push(`example=${preference.example}`);
    else issues.push({ field: 'example', message: 'must be the name of an example in the spec (letters, digits, _ . -)' });
  }
  if (preference.dynamic !== undefined) {
    if (typeof preference.dynamic === 'boolean') parts.push(`dynamic=${preference.dynamic}`);
    else issues.push({ field: 'dynamic', message: 'must be true or false' });
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'mock preference');
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** Refuses, before Prism is started, what the types of {@link startHeroMock} forbid. */
function checkMockOptions(options: unknown): void {
  if (!isOptionsObject(options)) throw new HeroInputError([{ field: '(options)', message: `must be an object (received ${typeName(options)})` }], 'mock options');
  const issues: HeroInputIssue[] = [];
  const { specPath } = options;
  if (specPath !== undefined && !(typeof specPath === 'string' && specPath !== '')) issues.push({ field: 'specPath', message: `must be a file path (received ${typeName(specPath)})` });
  checkListenOptions(options, issues);
  if (issues.length > 0) throw new HeroInputError(issues, 'mock options');
}

/**
 * The spec shipped with the package, under the package root that hero-drift, hero-contract
 * and hero-webhooks find too (openapi/package-root.ts): from `src/` and from `dist/` alike.
 */
export const bundledSpecPath: string = specShippedWithPackage();

/**
 * Starts a Prism mock of the Hero API and resolves once it answers. Requests are validated
 * against the spec: a call that breaks it fails with `HeroValidationError` whose `issues`
 * and message are Prism's violations (field and rule), not the spec's canned 400 example.
 * Answers come from the spec's examples; pick another with {@link HeroMock.prefer} or a
 * per-call `prefer` header.
 *
 * @example
 * const mock = await startHeroMock();
 * const hero = createHeroClient(mock.clientOptions);
 * mock.prefer({ example: 'verificationRequired' });
 * // …
 * await mock.stop();
 */
export async function startHeroMock(options: HeroMockOptions = {}): Promise<HeroMock> {
  checkMockOptions(options);
  const prism = await startPrism({
    specPath: options.specPath ?? bundledSpecPath,
    ...(options.port !== undefined && { port: options.port }),
    ...(options.host !== undefined && { host: options.host }),
  });
  let prefer: string | undefined;
  const fetchWithPreference = (request: Request): Promise<Response> => {
    // A per-call `prefer` header wins over the mock-wide choice.
    if (prefer !== undefined && !request.headers.has('prefer')) request.headers.set('prefer', prefer);
    return globalThis.fetch(request);
  };
  const clientOptions: HeroMockClientOptions = Object.freeze({
    baseUrl: prism.url,
    apiKey: MOCK_API_KEY,
    practiceGroupId: MOCK_PRACTICE_GROUP_ID,
    timeoutMs: 10_000,
    retry: Object.freeze({ baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 0 }),
    fetch: fetchWithPreference,
  });
  return {
    url: prism.url,
    clientOptions,
    prefer(preference) {
      prefer = preference === undefined ? undefined : preferHeader(preference);
    },
    stop: prism.stop,
  };
}
