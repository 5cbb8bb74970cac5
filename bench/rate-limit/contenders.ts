/**
 * The clients `npm run bench:rate-limit` compares, each as "send one message, retrying
 * as that client does". One instance per worker process; `close` releases connections.
 */
import Bottleneck from 'bottleneck';
import { AdaptiveRetryStrategy } from '@smithy/util-retry';
import { createHeroClient } from '../../src/index.js';
import { sendMessageBody } from '../../test/helpers/fixtures.js';

/** Names, in the order they are reported. */
export const RATE_CONTENDERS = ['hero', 'hero, pacing off', 'naive retry loop', 'AWS adaptive', 'Bottleneck'] as const;
export type RateContenderName = (typeof RATE_CONTENDERS)[number];

/** How a worker is set up. */
export interface ContenderSetup {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly practiceGroupId: string;
  /** Redis URL when the scenario shares its limit. */
  readonly redisUrl: string | undefined;
  /** Known limit given to the client, when the scenario gives it. */
  readonly known: { readonly requestsPerSecond: number; readonly burst: number } | undefined;
  /** Name of the shared limit for clients that need one spelt out (Bottleneck). */
  readonly sharedId: string;
  /** The hero client's in-flight cap: the scenario's concurrency. */
  readonly maxInFlight: number;
}

/** One contender in one process. */
export interface RateContender {
  send(marker: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function request(setup: ContenderSetup, marker: string): [string, RequestInit] {
  return [
    `${setup.baseUrl}/v1/messages/send`,
    {
      method: 'POST',
      headers: { 'x-api-key': setup.apiKey, 'x-practice-group-id': setup.practiceGroupId, 'content-type': 'application/json' },
      body: JSON.stringify(sendMessageBody(marker)),
    },
  ];
}

/** Throws unless the response is a 2xx; reads the body either way (keep-alive). */
async function finish(response: Response): Promise<void> {
  if (!response.ok) {
    await response.arrayBuffer();
    throw new Error(`Request failed: ${response.status}`);
  }
  await response.json();
}

/** The hero client, default options apart from what the scenario sets; `paced: false` is `rateLimit: false`. */
function hero(setup: ContenderSetup, paced = true): RateContender {
  const client = createHeroClient({
    apiKey: setup.apiKey,
    practiceGroupId: setup.practiceGroupId,
    baseUrl: setup.baseUrl,
    // Only the Redis URL, as the scenario says: the key is derived.
    env: setup.redisUrl === undefined ? {} : { HERO_RATE_LIMIT_REDIS_URL: setup.redisUrl },
    rateLimit: paced ? { maxInFlight: setup.maxInFlight, ...(setup.known ?? {}) } : false,
  });
  // HERO_BENCH_TRACE=1 prints the controller's state every second (tuning aid).
  const t0 = performance.now();
  const trace = process.env.HERO_BENCH_TRACE
    ? setInterval(() => console.log(((performance.now() - t0) / 1000).toFixed(2), JSON.stringify(client.rateLimitSnapshot())), 250)
    : undefined;
  return {
    send: async (marker) => void (await client.messages.send(sendMessageBody(marker))),
    close: () => {
      clearInterval(trace);
      return client.close();
    },
  };
}

/** Hero's getting-started sample (`postWithRetry`), verbatim apart from reading the body. */
function naive(setup: ContenderSetup): RateContender {
  async function postWithRetry(url: string, options: RequestInit, retries = 3): Promise<void> {
    const response = await fetch(url, options);
    if (response.status === 429 && retries > 0) {
      await response.arrayBuffer();
      const retryAfter = parseInt(response.headers.get('Retry-After') || '60', 10);
      await sleep(retryAfter * 1000);
      return postWithRetry(url, options, retries - 1);
    }
    return finish(response);
  }
  return { send: (marker) => postWithRetry(...request(setup, marker)), close: async () => {} };
}

// What AWS SDK v3 retries (@smithy/core's retry module): 429 as THROTTLING, these as TRANSIENT.
const AWS_TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/** AWS SDK v3's adaptive retry mode: one strategy (and its rate limiter) per process. */
function aws(setup: ContenderSetup): RateContender {
  const strategy = new AdaptiveRetryStrategy(() => Promise.resolve(3));
  return {
    async send(marker) {
      // The standard strategy inside hands out StandardRetryTokens; the interface says RetryToken.
      let token = (await strategy.acquireInitialRetryToken('hero')) as Parameters<typeof strategy.recordSuccess>[0];
      for (;;) {
        const response = await fetch(...request(setup, marker));
        if (response.status !== 429 && !AWS_TRANSIENT_STATUSES.has(response.status)) {
          await finish(response);
          strategy.recordSuccess(token);
          return;
        }
        await response.arrayBuffer();
        const retryAfter = response.headers.get('retry-after');
        // Throws "No retry token available" when attempts or capacity run out.
        token = (await strategy.refreshRetryTokenForRetry(token, {
          errorType: response.status === 429 ? 'THROTTLING' : 'TRANSIENT',
          ...(retryAfter === null ? {} : { retryAfterHint: new Date(Date.now() + Number(retryAfter) * 1000) }),
        })) as typeof token;
      }
    },
    close: async () => {},
  };
}

/** Plain fetch paced by Bottleneck at the known limit; clustered through Redis when shared. */
function bottleneck(setup: ContenderSetup): RateContender {
  const known = setup.known ?? { requestsPerSecond: 50, burst: 10 };
  const redis = setup.redisUrl === undefined ? undefined : new URL(setup.redisUrl);
  const limiter = new Bottleneck({
    minTime: 1000 / known.requestsPerSecond,
    ...(redis === undefined
      ? {}
      : { datastore: 'ioredis', clearDatastore: false, id: setup.sharedId, clientOptions: { host: redis.hostname, port: Number(redis.port) } }),
  });
  limiter.on('error', () => {});
  return {
    async send(marker) {
      for (let retries = 3; ; retries--) {
        const response = await limiter.schedule(() => fetch(...request(setup, marker)));
        if (response.status !== 429 || retries === 0) return finish(response);
        await response.arrayBuffer();
        await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
      }
    },
    close: () => limiter.disconnect(true),
  };
}

/** Builds `name` for one worker. */
export function createRateContender(name: RateContenderName, setup: ContenderSetup): RateContender {
  switch (name) {
    case 'hero':
      return hero(setup);
    case 'hero, pacing off':
      return hero(setup, false);
    case 'naive retry loop':
      return naive(setup);
    case 'AWS adaptive':
      return aws(setup);
    case 'Bottleneck':
      return bottleneck(setup);
  }
}
