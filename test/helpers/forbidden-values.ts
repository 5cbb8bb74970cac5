/**
 * fast-check arbitraries of values the public types forbid, by the kind of parameter they
 * are fed to, for the public-surface property test. Each kind also has one value its type
 * allows, used for the other parameters of a call so that the forbidden one is what the
 * call has to refuse. Values a type allows but the SDK documents as accepted (a positive
 * integer as an id, `null` as a `RequestInit` signal) are left out.
 */
import fc from 'fast-check';

/** An object that contains itself. */
export function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { patient_id: '1' };
  value.self = { back: value };
  return value;
}

/** Nested `depth` levels deep: past any JSON body Hero takes, and past a recursive walker's stack. */
export function deep(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const fn = () => 1;
const sym = Symbol('forbidden');

/** Anything but an object (arrays and functions count as "not an options object" too). */
export const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, Number.NaN, Infinity, 1n, sym, fn, '', 'text', [], ['a']),
  fc.integer(),
  fc.string(),
  fc.bigInt(),
);

/** Not a string. */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, 0, 42, Number.NaN, 1n, sym, fn, {}, [], ['/v1/me'], Object.create(null), new String('/v1/me')),
  fc.double(),
  fc.object({ maxDepth: 1 }),
);

/** Values JSON cannot carry faithfully: they throw, or vanish, or turn into `null`. */
export const jsonPoison: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(1n, sym, fn, Number.NaN, Infinity, -Infinity),
  fc.bigInt(),
  fc.constant(null).map(() => cyclic()),
  fc.constant(null).map(() => deep(20_000)),
);

/** A JSON-ish object with one poisoned value somewhere inside. */
export const poisonedObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }), jsonPoison, fc.boolean())
  .map(([base, path, poison, inArray]) => {
    const root: Record<string, unknown> = { ...base };
    let node: Record<string, unknown> = root;
    for (const key of path.slice(0, -1)) node = (node[key] = {}) as Record<string, unknown>;
    node[path[path.length - 1]!] = inArray ? ['ok', poison] : poison;
    return root;
  });

/** A request body: must be an object the spec describes; these are not. */
export const forbiddenBody: fc.Arbitrary<unknown> = fc.oneof(notAnObject, poisonedObject, fc.constant(cyclic()));

/** A path id: the spec's ids are `^\d+$`; the SDK also takes a whole number, a `number` or a `bigint` (url/path-builder.ts). */
export const forbiddenId: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, Number.NaN, Infinity, -1, 1.5, -1n, sym, fn, {}, [], ['1'], '', '.', '..', '../admin', 'a/b', '1?x=1', '1#x', '1\r\n', ' 1', '١٢٣'),
  fc.object({ maxDepth: 1 }),
  fc.string().filter((s) => !/^\d+$/.test(s)),
);

/** Query objects: an object of scalars (or arrays of them); these are not. */
export const forbiddenQuery: fc.Arbitrary<unknown> = fc.oneof(
  notAnObject,
  fc.constantFrom<unknown>({ nhs_number: { page_size: '1' } }, { search: sym }, { search: fn }, { search: Number.NaN }, { search: [['nested']] }, { field: cyclic() }),
);

/** Per-call options objects with one bad field, or not an object at all. */
export const forbiddenCallOptions: fc.Arbitrary<unknown> = fc.oneof(
  notAnObject,
  fc.constantFrom<unknown>(
    { signal: 5 },
    { signal: 'abort' },
    { signal: { aborted: true } },
    { timeoutMs: '5s' },
    { timeoutMs: -1 },
    { timeoutMs: Number.NaN },
    { timeoutMs: 2 ** 40 },
    { timeoutMs: null },
    { deadlineMs: 0 },
    { deadlineMs: 1n },
    { retry: null },
    { retry: 3 },
    { retry: { maxAttempts: 0 } },
    { retry: { maxAttempts: 1.5 } },
    { retry: { budget: {} } },
    { headers: 5 },
    { headers: 'x-trace: 1' },
    { headers: { 'x-trace': 'a\r\nx-api-key: stolen' } },
    { headers: { 'bad header': '1' } },
    { headers: { 'x-trace': sym } },
    { headers: { 'x-api-key': 'other' } },
    { practiceGroupId: 5 },
    { practiceGroupId: '' },
    { practiceGroupId: '1\r\n2' },
    { idempotent: 'yes' },
  ),
);

/** Page options (with call options): `pageSize` 1–1000, `startPage` >= 0. */
export const forbiddenPageOptions: fc.Arbitrary<unknown> = fc.oneof(
  forbiddenCallOptions,
  fc.constantFrom<unknown>({ pageSize: 0 }, { pageSize: 1.5 }, { pageSize: '10' }, { pageSize: 1001 }, { pageSize: Number.NaN }, { startPage: -1 }, { startPage: '2' }, { startPage: 0.5 }),
);

/** `hero.raw` paths: a string starting with `/`, no dot segments, no query or fragment. */
export const forbiddenRawPath: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  fc.constantFrom<unknown>('', 'v1/me', '../admin', '/../admin', '/v1/../admin', '/v1/%2e%2e/admin', '/v1/./me', '/v1/me?x=1', '/v1/me#x', '/v1/me\r\nx-api-key: y', '/v1/ me', '\\v1\\me', '//evil.example/x'),
);

/** `hero.paginate` paths: one of the spec's paged GET paths. */
export const forbiddenPagedPath: fc.Arbitrary<unknown> = fc.oneof(forbiddenRawPath, fc.constantFrom<unknown>('/v1/me', '/v1/messages/send', '/v1/admins/{id}', '/v9/nothing'));

/** `hero.raw` inits: an object of openapi-fetch and per-call options. */
export const forbiddenRawInit: fc.Arbitrary<unknown> = fc.oneof(
  notAnObject.filter((v) => v !== null && v !== undefined),
  forbiddenCallOptions.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
  forbiddenBody.map((body) => ({ body })),
  forbiddenQuery.filter((q) => q !== null && q !== undefined).map((query) => ({ params: { query } })),
  fc.constantFrom<unknown>(
    { params: 5 },
    { params: null },
    { params: { path: 5 } },
    { params: { header: 5 } },
    { parseAs: 'xml' },
    { parseAs: 5 },
    { fetch: 5 },
    { middleware: 5 },
    { middleware: [5] },
    { baseUrl: 5 },
    { bodySerializer: 5 },
    { querySerializer: () => '' },
    { pathSerializer: () => '' },
  ),
);

/** HTTP methods for `hero.raw.request`. */
export const forbiddenMethod: fc.Arbitrary<unknown> = fc.oneof(notAString, fc.constantFrom<unknown>('', 'FOO', 'CONNECT', 'get ', 'g\r\net', 'use', 'request', 'constructor', '__proto__'));

/** openapi-fetch middleware: an object with `onRequest`, `onResponse` or `onError`. */
export const forbiddenMiddleware: fc.Arbitrary<unknown> = fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { onRequest: 5 }, { onResponse: 'x' }));

/** Options of `createHeroClient` (without the connection fields, which the test adds). */
export const forbiddenClientOptions: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  { retry: null },
  { retry: 5 },
  { retry: { maxAttempts: null } },
  { retry: { budget: null } },
  { retry: { budget: 5 } },
  { retry: { budget: { capacity: '5' } } },
  { hooks: null },
  { hooks: 5 },
  { hooks: { onRequest: 5 } },
  { hooks: { onRetry: null } },
  { timeoutMs: '5s' },
  { timeoutMs: null },
  { deadlineMs: -1 },
  { deadlineMs: null },
  { logger: 5 },
  { logger: null },
  { fetch: 5 },
  { fetch: null },
  { env: 5 },
  { env: null },
  { apiKey: 5 },
  { apiKey: null },
  { practiceGroupId: 5 },
  { practiceGroupId: null },
  { baseUrl: 5 },
  { baseUrl: null },
  { environment: 'prod' },
  { environment: null },
  { allowInsecureHttp: 'yes' },
  { allowInsecureHttp: null },
  { checkPatientIdentifiers: 'no' },
  { checkPatientIdentifiers: null },
  { rateLimit: 5 },
  { rateLimit: null },
  { rateLimit: { requestsPerSecond: -1 } },
);

/** Options of `startHeroMock` / `startPrism` that must be refused before a process is spawned. */
export const forbiddenMockOptions: fc.Arbitrary<unknown> = fc.oneof(
  notAnObject.filter((v) => v !== undefined),
  fc.constantFrom<unknown>(
    { port: '80' },
    { port: -1 },
    { port: 65_536 },
    { port: 1.5 },
    { port: Number.NaN },
    { port: null },
    { host: 5 },
    { host: '' },
    { host: null },
    { specPath: 5 },
    { specPath: null },
    { specPath: '' },
  ),
);

/** Extra options only `startPrism` takes. */
export const forbiddenPrismOptions: fc.Arbitrary<unknown> = fc.oneof(
  forbiddenMockOptions.map((o) => (typeof o === 'object' && o !== null && !Array.isArray(o) ? { specPath: '/nonexistent.yaml', ...o } : o)),
  fc.constantFrom<unknown>(
    { specPath: '/nonexistent.yaml', mode: 'serve' },
    { specPath: '/nonexistent.yaml', mode: 'proxy' },
    { specPath: '/nonexistent.yaml', mode: 'proxy', upstream: 5 },
    { specPath: '/nonexistent.yaml', errors: 'yes' },
    { specPath: '/nonexistent.yaml', logLevel: 'loud' },
    { specPath: '/nonexistent.yaml', startTimeoutMs: -1 },
    { specPath: '/nonexistent.yaml', startTimeoutMs: '1s' },
    { specPath: '/nonexistent.yaml', stopGraceMs: Number.NaN },
  ),
);

/** Mock preferences (`prefer`, `preferHeader`). */
export const forbiddenPreference: fc.Arbitrary<unknown> = fc.oneof(
  notAnObject.filter((v) => v !== undefined),
  fc.constantFrom<unknown>({ code: '404' }, { code: 99 }, { code: 1.5 }, { example: 5 }, { example: 'a b' }, { example: 'x\r\ny' }, { dynamic: 'yes' }),
);
