import { createTransportFetch } from '../../src/transport/fetch.js';
import type { TransportFetchDeps } from '../../src/transport/fetch.js';
import type { TransportFetch } from '../../src/transport/types.js';
import { normalizeTransportOptions } from '../../src/transport/options.js';
import type { TransportOptions } from '../../src/transport/types.js';
import { setRequestMeta } from '../../src/transport/request-meta.js';

/** A realistic-looking fake key: long enough to be scrubbed, unique enough to search for. */
export const TEST_API_KEY = 'hk_test_9f3b2c7d1e8a4f60b5c2';
/** A practice group id as Hero uses them (digits). */
export const TEST_PRACTICE_GROUP_ID = '4242';

/** A transport whose sleeps are recorded instead of waited, with jitter fixed at 0.5. */
export interface Harness {
  readonly fetch: TransportFetch;
  /** Every backoff delay the transport asked to sleep, in order. */
  readonly sleeps: number[];
}

/** Builds a transport for tests: no real waiting unless `deps.sleep` says otherwise. */
export function createHarness(options: TransportOptions = {}, deps: TransportFetchDeps = {}): Harness {
  const sleeps: number[] = [];
  const fetch = createTransportFetch(normalizeTransportOptions(options), {
    sleep: async (delayMs) => {
      sleeps.push(delayMs);
    },
    random: () => 0.5,
    ...deps,
  });
  return { fetch, sleeps };
}

/** One call as the client facade would make it. */
export interface CallOptions {
  /** Path template recorded as request metadata. @default the concrete path */
  template?: string;
  /** Mark the call idempotent. @default false */
  idempotent?: boolean;
  /** JSON body. */
  body?: unknown;
  /** Caller's cancel signal. */
  signal?: AbortSignal;
  /** Skip recording metadata (as if the middleware were missing). @default false */
  noMeta?: boolean;
}

/** Sends `method path` to `baseUrl` through `fetch` with Hero's two auth headers. */
export function call(fetch: TransportFetch, baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const request = new Request(baseUrl + path, {
    method,
    headers: {
      'x-api-key': TEST_API_KEY,
      'x-practice-group-id': TEST_PRACTICE_GROUP_ID,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!options.noMeta) {
    setRequestMeta(request, { schemaPath: options.template ?? path, idempotent: options.idempotent ?? false });
  }
  return fetch(request);
}

/** Resolves when `predicate` holds, polling every few ms (for "the server has it now" points). */
export async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}
