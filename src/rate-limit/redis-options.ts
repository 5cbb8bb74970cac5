/**
 * The Redis store's options, checked where they are given (createRedisRateLimitStore) and
 * read where the connection is made (redis-connection.ts, loaded only when Redis is used).
 */
import { HeroConfigError } from '../errors.js';

/** The part of an ioredis client this store uses. */
export interface RedisClientLike {
  /** ioredis's connection state (`ready`, `end`…). */
  readonly status: string;
  /** Registers the store's Lua script as a command (ioredis `defineCommand`). */
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  /** Closes the connection after pending commands. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
  /** Listens for connection errors (ioredis emits them; unheard, Node would throw). */
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** Options of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** `redis://[user:password@]host:port[/db]`; needs `ioredis` installed. */
  readonly url?: string;
  /** An ioredis client you made (and close yourself); used instead of `url`. */
  readonly client?: RedisClientLike;
  /** Name of the shared limit; every process using the same key shares one schedule. */
  readonly key: string;
  /** A Redis command (the first connect included) slower than this counts as a failure (local pacing takes over). @default 1000 */
  readonly commandTimeoutMs?: number;
  /** State of an idle limit is dropped after this long. @default 3600000 */
  readonly idleExpiryMs?: number;
}

/** {@link RedisRateLimitStoreOptions} after checking. */
export interface CheckedRedisOptions {
  readonly url: string | undefined;
  readonly client: RedisClientLike | undefined;
  readonly key: string;
  readonly commandTimeoutMs: number;
  readonly idleExpiryMs: number;
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new HeroConfigError(`createRedisRateLimitStore: \`${name}\` must be a positive number of milliseconds`);
  return value;
}

/**
 * A prefix for the store's other keys that puts them in `key`'s Redis Cluster hash slot
 * (a script may only touch keys of one slot). Redis hashes only a key's hash tag: the
 * text between its first `{` and the first `}` after it, when that is not empty; else
 * the whole key. A key with a tag keeps it; one without is wrapped in braces, which
 * is the same slot unless the key itself holds a `}` (then no prefix can match it).
 */
export function clusterSlotPrefix(key: string): string {
  if (key === '') throw new HeroConfigError('the rate-limit key is empty');
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  if (close > open + 1) return key;
  if (key.includes('}')) throw new HeroConfigError('the rate-limit key contains "}" without a Redis hash tag ({…}); use a key without "}", or one with a non-empty {tag}');
  return `{${key}}`;
}

/** Checks what {@link createRedisRateLimitStore} was given; throws {@link HeroConfigError}. */
export function checkRedisOptions(options: unknown): CheckedRedisOptions {
  if (typeof options !== 'object' || options === null) throw new HeroConfigError('createRedisRateLimitStore needs an options object: { url, key } or { client, key }');
  const { url, client, key, commandTimeoutMs, idleExpiryMs } = options as Record<string, unknown>;
  if (typeof key !== 'string' || key.trim() === '') throw new HeroConfigError('createRedisRateLimitStore needs a `key` (a non-empty string)');
  clusterSlotPrefix(key);
  if (url !== undefined && (typeof url !== 'string' || url.trim() === '')) throw new HeroConfigError('createRedisRateLimitStore: `url` must be a redis:// URL string');
  if (client !== undefined && (typeof client !== 'object' || client === null || typeof (client as { defineCommand?: unknown }).defineCommand !== 'function')) {
    throw new HeroConfigError('createRedisRateLimitStore: `client` must be an ioredis client');
  }
  if (url === undefined && client === undefined) throw new HeroConfigError('createRedisRateLimitStore needs a `url` or a `client`');
  return {
    url: url as string | undefined,
    client: client as RedisClientLike | undefined,
    key,
    commandTimeoutMs: positive('commandTimeoutMs', commandTimeoutMs, 1000),
    idleExpiryMs: positive('idleExpiryMs', idleExpiryMs, 3_600_000),
  };
}
