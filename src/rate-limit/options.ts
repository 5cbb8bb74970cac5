/**
 * `rateLimit` options of the client and where their defaults come from: explicit
 * options, then HERO_RATE_LIMIT_REDIS_URL / HERO_RATE_LIMIT_KEY.
 */
import { nodeCrypto } from '../lazy-builtins.js';
import { HeroConfigError } from '../errors.js';
import { createRedisRateLimitStore } from './redis-store.js';
import type { RateLimitStore } from './store.js';

/** Client-wide pacing. On by default: the rate is learned from 429s. */
export interface RateLimitOptions {
  /**
   * The limit from your partner agreement, requests/s. Given, the client paces at it
   * exactly; omitted, it learns the sustainable rate from Hero's 429s.
   */
  requestsPerSecond?: number;
  /** Requests allowed back to back at the known limit. @default 1 */
  burst?: number;
  /** Calls of this client in flight at once; more wait in a queue. @default 64 */
  maxInFlight?: number;
  /**
   * Longest a call without `deadlineMs` waits in total for the rate limit (queue and
   * 429 holds) before it is thrown. With `deadlineMs`, the deadline decides.
   * @default 300000
   */
  maxWaitMs?: number;
  /**
   * A store shared by several processes (see `createRedisRateLimitStore`). Yours to
   * close. @default one built from `redisUrl` / HERO_RATE_LIMIT_REDIS_URL, if set
   */
  store?: RateLimitStore;
  /** Redis URL to share the limit through (needs the `ioredis` package). @default process.env.HERO_RATE_LIMIT_REDIS_URL */
  redisUrl?: string;
  /**
   * Name of the shared limit: processes with the same key share one schedule.
   * @default process.env.HERO_RATE_LIMIT_KEY, else `hero:rate:<practice group>:<fingerprint of the API key>`
   */
  key?: string;
}

/** {@link RateLimitOptions} after normalisation. */
export interface NormalizedRateLimit {
  readonly requestsPerSecond: number | undefined;
  readonly burst: number;
  readonly maxInFlight: number;
  readonly maxWaitMs: number;
  readonly store: RateLimitStore | undefined;
  /** True when the client built the store and must close it. */
  readonly ownsStore: boolean;
}

/** Defaults of {@link RateLimitOptions}. */
export const DEFAULT_MAX_IN_FLIGHT = 64;
export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 300_000;

/** The local controller's defaults, for transports built without a client. */
export const DEFAULT_RATE_LIMIT: NormalizedRateLimit = Object.freeze({
  requestsPerSecond: undefined,
  burst: 1,
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
  maxWaitMs: DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
  store: undefined,
  ownsStore: false,
});

/** What the default key is derived from. */
export interface RateLimitContext {
  readonly apiKey: string;
  readonly practiceGroupId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The default name of the shared limit: the practice group and a fingerprint of the
 * API key (never the key: Redis keys show up in monitoring tools and `KEYS *`).
 */
export function defaultRateLimitKey(apiKey: string, practiceGroupId: string): string {
  const fingerprint = nodeCrypto().createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
  return `hero:rate:${practiceGroupId}:${fingerprint}`;
}

function positive(name: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    const received = typeof value === 'number' ? String(value) : `a ${typeof value}`;
    throw new HeroConfigError(`rateLimit.${name} must be a positive ${integer ? 'integer' : 'finite number'} (received ${received})`);
  }
  return value;
}

/**
 * Checks `rateLimit` and picks the store. Returns `false` when rate limiting is off.
 * Throws {@link HeroConfigError} for a malformed option, before any request.
 */
export function normalizeRateLimit(options: RateLimitOptions | false | undefined, context: RateLimitContext): NormalizedRateLimit | false {
  if (options === false) return false;
  if (options !== undefined && options !== null && typeof options !== 'object') throw new HeroConfigError('rateLimit must be an object of options, or false to turn pacing off');
  const o = options ?? {};
  const requestsPerSecond = o.requestsPerSecond === undefined ? undefined : positive('requestsPerSecond', o.requestsPerSecond, false);
  const burst = o.burst === undefined ? 1 : positive('burst', o.burst, true);
  const maxInFlight = o.maxInFlight === undefined ? DEFAULT_MAX_IN_FLIGHT : positive('maxInFlight', o.maxInFlight, true);
  const maxWaitMs = o.maxWaitMs === undefined ? DEFAULT_RATE_LIMIT_MAX_WAIT_MS : positive('maxWaitMs', o.maxWaitMs, false);
  const givenStore: unknown = o.store;
  if (
    givenStore !== undefined &&
    (typeof givenStore !== 'object' ||
      givenStore === null ||
      typeof (givenStore as RateLimitStore).take !== 'function' ||
      typeof (givenStore as RateLimitStore).throttled !== 'function')
  ) {
    throw new HeroConfigError('rateLimit.store must be a store with take() and throttled() methods (see createRedisRateLimitStore)');
  }
  for (const name of ['redisUrl', 'key'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw new HeroConfigError(`rateLimit.${name} must be a string (received a ${typeof o[name]})`);
  }
  let store = o.store;
  let ownsStore = false;
  const redisUrl = (o.redisUrl ?? context.env.HERO_RATE_LIMIT_REDIS_URL)?.trim();
  if (store === undefined && redisUrl) {
    const key = (o.key ?? context.env.HERO_RATE_LIMIT_KEY)?.trim() || defaultRateLimitKey(context.apiKey, context.practiceGroupId);
    store = createRedisRateLimitStore({ url: redisUrl, key });
    ownsStore = true;
  }
  return Object.freeze({ requestsPerSecond, burst, maxInFlight, maxWaitMs, store, ownsStore });
}
