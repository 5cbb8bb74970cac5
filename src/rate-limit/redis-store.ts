/**
 * `createRedisRateLimitStore`: a {@link RateLimitStore} in Redis, through the `ioredis`
 * client (an optional peer). This module only checks the options: the store itself,
 * its Lua script and ioredis are imported on the first call that needs Redis, so a
 * client without Redis loads none of it.
 */
import { HeroError } from '../errors.js';
import { lazyLoadFailed } from '../lazy-load.js';
import { checkRedisOptions, type RedisRateLimitStoreOptions } from './redis-options.js';
import type { RateLimitStore } from './store.js';

export type { RedisClientLike, RedisRateLimitStoreOptions } from './redis-options.js';

/**
 * Creates a shared store. Nothing is imported or connected until the first call; if
 * Redis cannot be reached then (or later, or answers nothing, or errors), calls reject
 * within `commandTimeoutMs` and the client paces locally.
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const checked = checkRedisOptions(options);
  let loading: Promise<RateLimitStore> | undefined;
  let closed = false;
  // A failed load of the store's own code is forgotten, so the next call loads again (lazy-load.ts).
  const store = (): Promise<RateLimitStore> =>
    (loading ??= import('./redis-connection.js').then(
      (m) => m.connectRedisStore(checked),
      (error: unknown) => {
        loading = undefined;
        return lazyLoadFailed('the shared rate limit (Redis store)')(error);
      },
    ));
  return {
    take: async (request) => {
      if (closed) throw new HeroError('the shared store is closed');
      return (await store()).take(request);
    },
    throttled: async (report) => {
      if (closed) return;
      await (await store()).throttled(report);
    },
    async close() {
      closed = true;
      // Nothing to close when the store's code never loaded.
      const opened = await loading?.catch(() => undefined);
      await opened?.close();
    },
  };
}
