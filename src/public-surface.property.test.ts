/**
 * Every public function refuses what its types forbid (issue 23, item 10). fast-check feeds
 * values the types forbid to every export of `src/index.ts` and `src/testing.ts` and to every
 * method of the client facade (both found by walking them, so an export or method added
 * later fails the coverage check until it is described here), one forbidden parameter per
 * call with valid values in the others, and asserts:
 * - the call throws or rejects with a typed `HeroError`, or returns a documented result
 *   (a predicate's `false`, a validator's failed check);
 * - never a `TypeError`, `RangeError` or any other raw throw, and never a hang;
 * - nothing reaches the wire: a recording server on 127.0.0.1 counts every request.
 *
 * Left out on purpose: the error classes (constructed by the client; exported for
 * `instanceof`), and constants.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as index from './index.js';
import * as testing from './testing.js';
import { createHeroClient, HeroError, HeroInputError, type HeroClient } from './index.js';
import { startFaultServer, type FaultServer } from '../test/helpers/fault-server.js';
import {
  forbiddenBody,
  forbiddenCallOptions,
  forbiddenClientOptions,
  forbiddenId,
  forbiddenMethod,
  forbiddenMiddleware,
  forbiddenMockOptions,
  forbiddenPagedPath,
  forbiddenPageOptions,
  forbiddenPreference,
  forbiddenPrismOptions,
  forbiddenQuery,
  forbiddenRawInit,
  forbiddenRawPath,
  notAnObject,
  notAString,
} from '../test/helpers/forbidden-values.js';

const API_KEY = 'hk_test_public_surface_4f1e8a2b';
let server: FaultServer;
let hero: HeroClient;
beforeAll(async () => {
  server = await startFaultServer();
  hero = createHeroClient({ apiKey: API_KEY, practiceGroupId: '4242', baseUrl: server.url, env: {}, timeoutMs: 2000, retry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await hero.close();
  await server.close();
});

// ---- What a call did ----

type Outcome =
  | { readonly kind: 'typed'; readonly error: HeroError }
  | { readonly kind: 'untyped'; readonly error: unknown }
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'hang' };

const HANG_MS = 3000;
const HANG = Symbol('hang');

function within<T>(promise: PromiseLike<T>): Promise<T | typeof HANG> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<typeof HANG>((resolve) => (timer = setTimeout(() => resolve(HANG), HANG_MS)));
  return Promise.race([Promise.resolve(promise), limit]).finally(() => clearTimeout(timer));
}

function failure(error: unknown): Outcome {
  return error instanceof HeroError ? { kind: 'typed', error } : { kind: 'untyped', error };
}

/** Runs a call to the end: awaits a promise, and reads the first item of an async iterable (paged calls send lazily). */
async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let value: unknown;
  try {
    value = run();
    if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
      value = await within(value as PromiseLike<unknown>);
      if (value === HANG) return { kind: 'hang' };
    }
    if (typeof value === 'object' && value !== null && Symbol.asyncIterator in value) {
      const first = await within((value as AsyncIterable<unknown>)[Symbol.asyncIterator]().next());
      if (first === HANG) return { kind: 'hang' };
    }
  } catch (error) {
    return failure(error);
  }
  return { kind: 'returned', value };
}

function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'typed':
      return `typed ${outcome.error.name}`;
    case 'untyped': {
      const error = outcome.error as Error | undefined;
      return `UNTYPED ${error?.name ?? typeof error}: ${String(error?.message).slice(0, 160)}`;
    }
    case 'returned':
      return 'returned (accepted)';
    case 'hang':
      return `HANG (no answer in ${HANG_MS} ms)`;
  }
}

function show(value: unknown): string {
  try {
    return typeof value === 'bigint' ? `${value}n` : typeof value === 'symbol' || typeof value === 'function' ? String(value) : (JSON.stringify(value) ?? String(value)).slice(0, 120);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// ---- What each parameter takes, and what it must refuse ----

type Param = { readonly valid: () => unknown; readonly forbidden: fc.Arbitrary<unknown> };
const P = {
  id: { valid: () => '1', forbidden: forbiddenId },
  body: { valid: () => ({ patient_id: '1', message_type: 'sms', message_string: 'hello' }), forbidden: forbiddenBody },
  optBody: { valid: () => undefined, forbidden: forbiddenBody.filter((b) => b !== undefined) },
  query: { valid: () => ({}), forbidden: forbiddenQuery },
  optQuery: { valid: () => undefined, forbidden: forbiddenQuery.filter((q) => q !== undefined) },
  callOptions: { valid: () => undefined, forbidden: forbiddenCallOptions },
  pageOptions: { valid: () => undefined, forbidden: forbiddenPageOptions },
  pdsInput: { valid: () => ({ nhs_number: '9434765919', dob: '1992-01-01' }), forbidden: fc.oneof(notAnObject, forbiddenBody, fc.constantFrom<unknown>({ nhs_number: 9434765919, dob: '1992-01-01' }, { nhs_number: '9434765919', dob: new Date(0) })) },
  pdsOptions: { valid: () => undefined, forbidden: fc.oneof(forbiddenCallOptions, fc.constantFrom<unknown>({ today: '2024-01-01' }, { today: 5 }, { today: new Date(Number.NaN) }, { today: null })) },
  rawPath: { valid: () => '/v1/me', forbidden: forbiddenRawPath },
  rawInit: { valid: () => undefined, forbidden: forbiddenRawInit },
  method: { valid: () => 'get', forbidden: forbiddenMethod },
  middleware: { valid: () => ({ onRequest: () => undefined }), forbidden: forbiddenMiddleware },
  pagedPath: { valid: () => '/v1/admins', forbidden: forbiddenPagedPath },
  paginateOptions: { valid: () => undefined, forbidden: fc.oneof(forbiddenPageOptions, fc.constantFrom<unknown>({ params: 5 }, { params: null }, { params: { query: 5 } }, { params: { path: 5 } })) },
  items: { valid: () => ['a'], forbidden: fc.oneof(notAnObject.filter((v) => typeof v !== 'string' && !Array.isArray(v)), fc.constantFrom<unknown>({}, { length: 2 }, Object.create(null))) },
  task: { valid: () => async () => 1, forbidden: fc.oneof(notAnObject.filter((v) => typeof v !== 'function'), fc.constantFrom<unknown>({}, { call: () => 1 })) },
  bulkOptions: {
    valid: () => undefined,
    forbidden: fc.oneof(
      notAnObject.filter((v) => v !== undefined),
      fc.constantFrom<unknown>({ concurrency: 0 }, { concurrency: Number.NaN }, { concurrency: '4' }, { concurrency: 2 ** 31 - 1 }, { concurrency: 1.5 }, { onProgress: 5 }, { signal: {} }, { progressIntervalMs: -1 }, { allowedPerSecond: 'fast' }),
    ),
  },
  toArrayOptions: { valid: () => ({ limit: 1 }), forbidden: fc.constantFrom<unknown>(undefined, null, 5, 'all', {}, { limit: 0 }, { limit: '5' }, { limit: 10_001 }, { limit: Number.NaN }, { limit: 1.5 }, []) },
  anything: { valid: () => undefined, forbidden: fc.anything() },
} satisfies Record<string, Param>;

type Target = {
  /** The parameters, in order. */
  readonly params: readonly Param[];
  /** Calls the function with these arguments. */
  readonly call: (...args: unknown[]) => unknown;
  /** For a documented result: which return values are documented for forbidden input. */
  readonly documented?: (value: unknown) => boolean;
  readonly numRuns?: number;
};

/** Arguments with exactly one forbidden parameter (picked by fast-check), valid values in the rest. */
function argumentsFor(params: readonly Param[]): fc.Arbitrary<{ readonly at: number; readonly args: unknown[] }> {
  return fc
    .integer({ min: 0, max: params.length - 1 })
    .chain((at) => params[at]!.forbidden.map((bad) => ({ at, args: params.map((p, i) => (i === at ? bad : p.valid())) })));
}

async function checkTarget(name: string, target: Target): Promise<void> {
  const problems = new Set<string>();
  await fc.assert(
    fc.asyncProperty(argumentsFor(target.params), async ({ at, args }) => {
      const sentBefore = server.requests.length;
      const outcome = await outcomeOf(() => target.call(...args));
      const sent = server.requests.length - sentBefore;
      const accepted = outcome.kind === 'returned' && target.documented !== undefined && target.documented(outcome.value);
      if ((outcome.kind !== 'typed' && !accepted) || sent > 0) {
        problems.add(`${name}(argument ${at + 1} = ${show(args[at])}): ${describeOutcome(outcome)}${sent > 0 ? `, ${sent} request(s) sent` : ''}`);
        if (outcome.kind === 'returned' && typeof (outcome.value as { stop?: unknown } | null)?.stop === 'function') await (outcome.value as { stop(): Promise<void> }).stop();
      }
    }),
    // Every run goes ahead, so one failure does not hide the others; each is listed below.
    { numRuns: target.numRuns ?? 60 },
  );
  expect([...problems], [...problems].slice(0, 20).join('\n')).toEqual([]);
}

// ---- The client facade ----

const hp = P;
const FACADE: Record<string, readonly Param[]> = {
  'patients.registerPds': [hp.pdsInput, hp.pdsOptions],
  'patients.register': [hp.body, hp.callOptions],
  'patients.get': [hp.id, hp.callOptions],
  'patients.search': [hp.query, hp.callOptions],
  'patients.searchAll': [hp.query, hp.pageOptions],
  'patients.list': [hp.optQuery, hp.callOptions],
  'booking.listAppointmentTypes': [hp.optQuery, hp.callOptions],
  'booking.listLocations': [hp.callOptions],
  'booking.listPractitioners': [hp.optQuery, hp.callOptions],
  'booking.getPractitioner': [hp.id, hp.callOptions],
  'booking.listSlots': [hp.optQuery, hp.callOptions],
  'booking.countSlots': [hp.optQuery, hp.callOptions],
  'booking.getSlot': [hp.id, hp.callOptions],
  'booking.createAppointment': [hp.body, hp.callOptions],
  'booking.getAppointment': [hp.id, hp.callOptions],
  'booking.editAppointment': [hp.id, hp.body, hp.callOptions],
  'booking.cancelAppointment': [hp.id, hp.optBody, hp.callOptions],
  'messages.send': [hp.body, hp.callOptions],
  'messages.get': [hp.id, hp.callOptions],
  'messages.batches.create': [hp.body, hp.callOptions],
  'messages.batches.list': [hp.optQuery, hp.callOptions],
  'messages.batches.get': [hp.id, hp.callOptions],
  'messages.batches.send': [hp.id, hp.callOptions],
  'messages.batches.recipients': [hp.id, hp.optQuery, hp.callOptions],
  'messages.batches.sends': [hp.id, hp.optQuery, hp.callOptions],
  'messages.batches.listAll': [hp.optQuery, hp.pageOptions],
  'messages.batches.recipientsAll': [hp.id, hp.optQuery, hp.pageOptions],
  'messages.batches.sendsAll': [hp.id, hp.optQuery, hp.pageOptions],
  'messages.templates.list': [hp.optQuery, hp.callOptions],
  'messages.automated.list': [hp.optQuery, hp.callOptions],
  'messages.automated.get': [hp.id, hp.callOptions],
  'messages.automated.listAll': [hp.optQuery, hp.pageOptions],
  'webhooks.create': [hp.body, hp.callOptions],
  'webhooks.list': [hp.optQuery, hp.callOptions],
  'links.getBookingLink': [hp.id, hp.callOptions],
  'links.updateBookingLink': [hp.id, hp.body, hp.callOptions],
  'links.createAttachmentLink': [hp.body, hp.callOptions],
  'links.getStatus': [hp.query, hp.callOptions],
  ...Object.fromEntries(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'].map((m) => [`raw.${m}`, [hp.rawPath, hp.rawInit]])),
  'raw.request': [hp.method, hp.rawPath, hp.rawInit],
  'raw.use': [hp.middleware],
  'raw.eject': [hp.middleware],
  paginate: [hp.pagedPath, hp.paginateOptions],
  bulk: [hp.items, hp.task, hp.bulkOptions],
};
// Methods that take no arguments: extra arguments are ignored, as JavaScript does (documented result).
const NO_ARGUMENTS = ['rateLimitSnapshot', 'close'];

function facadeMethods(root: object, prefix = ''): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(root)) {
    if (typeof value === 'function') names.push(`${prefix}${key}`);
    else if (typeof value === 'object' && value !== null) names.push(...facadeMethods(value, `${prefix}${key}.`));
  }
  return names;
}

function facadeFunction(name: string): (...args: unknown[]) => unknown {
  const parts = name.split('.');
  const owner = parts.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, hero as unknown as Record<string, unknown>);
  return (...args) => (owner[parts.at(-1)!] as (...a: unknown[]) => unknown)(...args);
}

describe('the client facade refuses forbidden values: typed HeroError, nothing sent', () => {
  it('covers every method of the facade', () => {
    expect(facadeMethods(hero).sort()).toEqual([...Object.keys(FACADE), ...NO_ARGUMENTS].sort());
  });

  it.each(Object.keys(FACADE))('%s', async (name) => {
    await checkTarget(`hero.${name}`, { params: FACADE[name]!, call: facadeFunction(name) });
  });

  it('toArray of a paged call refuses a missing or malformed limit', async () => {
    await checkTarget('hero.paginate(…).toArray', { params: [hp.toArrayOptions], call: (options) => hero.paginate('/v1/admins').toArray(options as never) });
  });

  it.each(NO_ARGUMENTS.filter((n) => n !== 'close'))('%s ignores extra arguments (documented result)', async (name) => {
    await checkTarget(`hero.${name}`, { params: [hp.anything], call: facadeFunction(name), documented: () => true, numRuns: 20 });
  });
});

// ---- The package's exports ----

const validFetchPage = async () => ({ data: [], count: 0 });
const connection = () => ({ apiKey: API_KEY, practiceGroupId: '4242', baseUrl: server.url, env: {} });
const mergeOver = (options: unknown) => (typeof options === 'object' && options !== null && !Array.isArray(options) ? { ...connection(), ...options } : options);
const isFailedCheck = (value: unknown) => typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/** Runtime exports of src/index.ts that are functions, with their parameters; `false` for classes and constants left out. */
const INDEX: Record<string, Target | false | 'owned-elsewhere'> = {
  createHeroClient: { params: [{ valid: connection, forbidden: fc.oneof(notAnObject.filter((v) => v !== undefined), forbiddenClientOptions.map(mergeOver)) }], call: (o) => createHeroClient(o as never) },
  runBulk: { params: [hp.items, hp.task, hp.bulkOptions], call: (i, t, o) => index.runBulk(i as never, t as never, o as never) },
  mayHaveBeenProcessed: { params: [hp.anything], call: (e) => index.mayHaveBeenProcessed(e as never), documented: (v) => v === true, numRuns: 40 },
  autoPaginate: {
    params: [
      { valid: () => validFetchPage, forbidden: notAnObject.filter((v) => typeof v !== 'function' && v !== undefined) },
      { valid: () => undefined, forbidden: fc.oneof(notAnObject.filter((v) => v !== undefined), fc.constantFrom<unknown>({ pageSize: 0 }, { pageSize: '10' }, { startPage: -1 })) },
      { valid: () => undefined, forbidden: fc.oneof(notAnObject.filter((v) => v !== undefined), fc.constantFrom<unknown>({ method: 5, path: '/x' }, { method: 'GET', path: null })) },
    ],
    call: (f, o, op) => index.autoPaginate(f as never, o as never, op as never),
  },
  normalizeRegisterPdsInput: { params: [hp.pdsInput, { valid: () => undefined, forbidden: fc.constantFrom<unknown>(null, 5, 'x', { today: '2024-01-01' }, { today: new Date(Number.NaN) }) }], call: (i, o) => index.normalizeRegisterPdsInput(i as never, o as never) },
  validateNhsNumber: { params: [hp.anything], call: (v) => index.validateNhsNumber(v), documented: isFailedCheck },
  isValidNhsNumber: { params: [hp.anything], call: (v) => index.isValidNhsNumber(v), documented: (r) => r === false },
  validateDateOfBirth: { params: [hp.anything, { valid: () => undefined, forbidden: fc.constantFrom<unknown>(null, 5, { today: 'x' }, { today: new Date(Number.NaN) }) }], call: (v, o) => index.validateDateOfBirth(v, o as never), documented: isFailedCheck },
  isValidDateOfBirth: { params: [hp.anything], call: (v) => index.isValidDateOfBirth(v), documented: (r) => r === false },
  validateUkPostcode: { params: [hp.anything], call: (v) => index.validateUkPostcode(v), documented: isFailedCheck },
  isValidUkPostcode: { params: [hp.anything], call: (v) => index.isValidUkPostcode(v), documented: (r) => r === false },
  verifyWebhook: { params: [{ valid: () => undefined, forbidden: fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { rawBody: 5, headers: {}, signingKey: 'k' }, { rawBody: '{}', headers: null, signingKey: 'k' })) }], call: (o) => index.verifyWebhook(o as never) },
  signWebhookPayload: { params: [{ valid: () => undefined, forbidden: fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { payload: {}, signingKey: 5 }, { payload: 1n, signingKey: 'k' })) }], call: (o) => index.signWebhookPayload(o as never) },
  createWebhookHandler: { params: [{ valid: () => ({ signingKey: 'whsec_test' }), forbidden: fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { signingKey: 5 }, { signingKey: '' }, { signingKey: 'k', on: 5 }, { signingKey: 'k', on: { 'patient.created': 'x' } }, { signingKey: 'k', maxBodyBytes: -1 }, { signingKey: 'k', store: null }, { signingKey: 'k', acknowledge: 'never' })) }], call: (o) => index.createWebhookHandler(o as never) },
  // Takes no arguments; extra ones are ignored, as JavaScript does.
  createMemoryWebhookStore: false,
  createRedisWebhookStore: { params: [{ valid: () => ({ url: 'redis://127.0.0.1:1' }), forbidden: fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { url: 5 }, { client: 'x' })) }], call: (o) => index.createRedisWebhookStore(o as never) },
  isKnownWebhookEventType: { params: [{ valid: () => 'patient.created', forbidden: fc.oneof(notAString, fc.constant(Object.create(null))) }], call: (n) => index.isKnownWebhookEventType(n as never), documented: (r) => r === false },
  // Checked by its own test below (a key and a client together).
  createRedisRateLimitStore: 'owned-elsewhere',
  // Campaign journals (issue 28): nothing is opened until a campaign runs, so valid calls only build an object.
  createFileJournal: {
    params: [
      { valid: () => 'never-opened.journal', forbidden: fc.oneof(notAString, fc.constantFrom<unknown>('', '   ', 'a\0b')) },
      { valid: () => undefined, forbidden: fc.oneof(notAnObject.filter((v) => v !== undefined), fc.constantFrom<unknown>({ campaign: 5 }, { campaign: 'a b' }, { campaign: '{x}' }, { durability: 'eventually' })) },
    ],
    call: (p, o) => index.createFileJournal(p as never, o as never),
  },
  createRedisJournal: {
    params: [
      {
        valid: () => ({ redisUrl: 'redis://127.0.0.1:1', campaign: 'x' }),
        forbidden: fc.oneof(
          notAnObject,
          fc.constantFrom<unknown>({}, { campaign: 'x' }, { redisUrl: 5, campaign: 'x' }, { redisUrl: 'http://127.0.0.1:1', campaign: 'x' }, { redisUrl: 'redis://127.0.0.1:1', campaign: 'a b' }, { redisUrl: 'redis://127.0.0.1:1', campaign: 'x', leaseMs: -1 }, { redisUrl: 'redis://127.0.0.1:1', campaign: 'x', keyPrefix: '{' }, { client: {}, campaign: 'x' }),
        ),
      },
    ],
    call: (o) => index.createRedisJournal(o as never),
  },
  maxCampaignKeyLength: false,
  maxCampaignItems: false,
  environments: false,
  maxToArrayLimit: false,
  maxPageSize: false,
  maxBulkConcurrency: false,
  KNOWN_HERO_WEBHOOK_EVENT_TYPES: false,
};
for (const name of Object.keys(index)) if (/^Hero[A-Za-z]*Error$/.test(name)) INDEX[name] = false;

const TESTING: Record<string, Target | false> = {
  startHeroMock: { params: [{ valid: () => undefined, forbidden: forbiddenMockOptions }], call: (o) => testing.startHeroMock(o as never), numRuns: 40 },
  startPrism: { params: [{ valid: () => undefined, forbidden: forbiddenPrismOptions }], call: (o) => testing.startPrism(o as never), numRuns: 40 },
  findFreePort: { params: [{ valid: () => undefined, forbidden: fc.oneof(notAString.filter((v) => v !== undefined), fc.constantFrom<unknown>('', '127.0.0.1\r\n')) }], call: (h) => testing.findFreePort(h as never) },
  preferHeader: { params: [{ valid: () => ({}), forbidden: forbiddenPreference }], call: (p) => testing.preferHeader(p as never) },
  HeroPrismError: false,
  bundledSpecPath: false,
  MOCK_API_KEY: false,
  MOCK_PRACTICE_GROUP_ID: false,
};

describe('the exports of src/index.ts refuse forbidden values', () => {
  it('covers every runtime export', () => {
    expect(Object.keys(index).sort()).toEqual(Object.keys(INDEX).sort());
  });

  const targets = Object.entries(INDEX).filter((entry): entry is [string, Target] => typeof entry[1] === 'object');
  it.each(targets)('%s', async (name, target) => {
    await checkTarget(name, target);
  });

  it('autoPaginate refuses a fetchPage that resolves to something that is not a page', async () => {
    await checkTarget('autoPaginate(fetchPage → non-page)', {
      params: [{ valid: () => ({ data: [] }), forbidden: fc.oneof(notAnObject, fc.constantFrom<unknown>({}, { data: 5 }, { data: null, count: 1 })) }],
      call: (page) => index.autoPaginate(async () => page as never).toArray({ limit: 5 }),
    });
  });

  it('autoPaginate(…).toArray refuses a missing or malformed limit', async () => {
    await checkTarget('autoPaginate(…).toArray', { params: [hp.toArrayOptions], call: (o) => index.autoPaginate(validFetchPage).toArray(o as never) });
  });

  it('a `fetch` option that resolves to something that is not a Response: HeroNetworkError, for every call', async () => {
    await checkTarget('createHeroClient({ fetch → non-Response }).raw.GET', {
      params: [{ valid: () => new Response('{}'), forbidden: fc.oneof(notAnObject, fc.constantFrom<unknown>(undefined, {}, { ok: true, status: 200 }, { ok: true, status: 200, headers: {} })) }],
      call: (result) => createHeroClient({ ...connection(), fetch: async () => result as Response, retry: { maxAttempts: 1 } }).raw.GET('/v1/me'),
      numRuns: 40,
    });
  });

  it('createRedisRateLimitStore refuses forbidden options', async () => {
    await checkTarget('createRedisRateLimitStore', {
      params: [{ valid: () => ({ client: {} }), forbidden: fc.constantFrom<unknown>(undefined, null, 5, { client: {}, key: 5 }, { client: {}, key: null }) }],
      call: (o) => index.createRedisRateLimitStore(o as never),
    });
  });

  it('createHeroClient refuses `rateLimit: { store: null }` and other non-stores', async () => {
    await checkTarget('createHeroClient({ rateLimit: { store: … } })', {
      params: [{ valid: connection, forbidden: fc.constantFrom<unknown>({ store: null }, { store: 5 }, { store: {} }).map((rateLimit) => ({ ...connection(), rateLimit })) }],
      call: (o) => createHeroClient(o as never),
      numRuns: 10,
    });
  });
});

describe('the exports of src/testing.ts refuse forbidden values, before any process starts', () => {
  it('covers every runtime export', () => {
    expect(Object.keys(testing).sort()).toEqual(Object.keys(TESTING).sort());
  });

  const targets = Object.entries(TESTING).filter((entry): entry is [string, Target] => typeof entry[1] === 'object');
  it.each(targets)('%s', async (name, target) => {
    await checkTarget(name, target);
  });

  it('an unresolvable host: HeroPrismError, not a raw getaddrinfo error', { timeout: 20_000 }, async () => {
    for (const run of [() => testing.findFreePort('no-such-host.invalid'), () => testing.startHeroMock({ host: 'no-such-host.invalid' })]) {
      const outcome = await outcomeOf(run);
      expect(describeOutcome(outcome)).toBe('typed HeroPrismError');
    }
  });
});

describe('the untyped failures issue 23 found, one by one: now typed, nothing sent', () => {
  const cycle = () => {
    const body: Record<string, unknown> = { patient_id: '1' };
    body.self = body;
    return body;
  };
  const bodyMethods: [string, (body: unknown) => unknown][] = [
    ['patients.register', (b) => hero.patients.register(b as never)],
    ['booking.createAppointment', (b) => hero.booking.createAppointment(b as never)],
    ['booking.editAppointment', (b) => hero.booking.editAppointment('1', b as never)],
    ['booking.cancelAppointment', (b) => hero.booking.cancelAppointment('1', b as never)],
    ['messages.send', (b) => hero.messages.send(b as never)],
    ['messages.batches.create', (b) => hero.messages.batches.create(b as never)],
    ['webhooks.create', (b) => hero.webhooks.create(b as never)],
    ['links.updateBookingLink', (b) => hero.links.updateBookingLink('1', b as never)],
    ['links.createAttachmentLink', (b) => hero.links.createAttachmentLink(b as never)],
    ['raw.POST', (b) => hero.raw.POST('/v1/messages/send', { body: b as never })],
  ];
  const cases: [string, () => unknown, string][] = [
    ...bodyMethods.flatMap(([name, call]): [string, () => unknown, string][] => [
      [`${name} with a BigInt in the body`, () => call({ patient_id: 1n }), 'HeroInputError'],
      [`${name} with a cyclic body`, () => call(cycle()), 'HeroInputError'],
    ]),
    ['raw.GET with a number as path', () => hero.raw.GET(42 as never), 'HeroInputError'],
    ["raw.GET('../admin')", () => hero.raw.GET('../admin' as never), 'HeroInputError'],
    ["paginate('../admin')", () => hero.paginate('../admin' as never), 'HeroInputError'],
    ['paginate with a number as path', () => hero.paginate(42 as never), 'HeroInputError'],
    ["raw.request('FOO', …)", () => hero.raw.request('FOO' as never, '/v1/me' as never), 'HeroInputError'],
    ['paginate(…).toArray()', () => (hero.paginate('/v1/admins').toArray as (o?: unknown) => Promise<unknown>)(), 'HeroInputError'],
    ['paginate(…).toArray(null)', () => hero.paginate('/v1/admins').toArray(null as never), 'HeroInputError'],
    ['createHeroClient(null)', () => createHeroClient(null as never), 'HeroConfigError'],
    ['createHeroClient({ retry: null })', () => createHeroClient({ ...connection(), retry: null as never }), 'HeroConfigError'],
    ['a `fetch` option returning a non-Response', () => createHeroClient({ ...connection(), fetch: (async () => ({ ok: true })) as never }).raw.GET('/v1/me'), 'HeroNetworkError'],
    ['bulk with null items', () => hero.bulk(null as never, async () => 1), 'HeroInputError'],
    ['bulk with a number as items', () => hero.bulk(5 as never, async () => 1), 'HeroInputError'],
    ['bulk with concurrency 0', () => hero.bulk(['a'], async () => 1, { concurrency: 0 }), 'HeroInputError'],
    ['bulk with concurrency NaN', () => hero.bulk(['a'], async () => 1, { concurrency: Number.NaN }), 'HeroInputError'],
    ["bulk with concurrency '4'", () => hero.bulk(['a'], async () => 1, { concurrency: '4' as never }), 'HeroInputError'],
    ['bulk with a non-function onProgress', () => hero.bulk(['a'], async () => 1, { onProgress: 5 as never }), 'HeroInputError'],
    ['bulk with null options', () => hero.bulk(['a'], async () => 1, null as never), 'HeroInputError'],
    ['startHeroMock(null)', () => testing.startHeroMock(null as never), 'HeroInputError'],
    ['startHeroMock with a string port', () => testing.startHeroMock({ port: '80' as never }), 'HeroInputError'],
    ['startPrism(null)', () => testing.startPrism(null as never), 'HeroInputError'],
    ['findFreePort(5)', () => testing.findFreePort(5 as never), 'HeroInputError'],
    ['preferHeader(null)', () => testing.preferHeader(null as never), 'HeroInputError'],
  ];
  it.each(cases)('%s', async (_name, run, expected) => {
    const sentBefore = server.requests.length;
    expect(describeOutcome(await outcomeOf(run))).toBe(`typed ${expected}`);
    expect(server.requests.length).toBe(sentBefore);
  });

  it('isKnownWebhookEventType(Object.create(null)) is false (its documented answer for anything that is not a known name)', () => {
    expect(index.isKnownWebhookEventType(Object.create(null) as never)).toBe(false);
  });

  it('a `fetch` returning a non-Response ends the call as "may have been processed" (it was handed the request)', async () => {
    const error = await createHeroClient({ ...connection(), fetch: (async () => undefined) as never }).raw.POST('/v1/messages/send', { body: { patient_id: '1' } as never }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HeroNetworkError', mayHaveBeenProcessed: true });
    expect((error as Error).message).toContain('not a Response');
  });
});

describe('the guard rails of this test', () => {
  it('a call that sends is caught: accepted values are not mistaken for refusals', async () => {
    const sentBefore = server.requests.length;
    const outcome = await outcomeOf(() => hero.raw.GET('/v1/me'));
    expect(outcome.kind).toBe('returned');
    expect(server.requests.length).toBe(sentBefore + 1);
  });

  it('a refusal is a HeroInputError for the facade', async () => {
    expect(await outcomeOf(() => hero.patients.get(null as never))).toMatchObject({ kind: 'typed', error: expect.any(HeroInputError) });
  });
});
