import { describe, expect, it } from 'vitest';
import { createHeroClient, createRedisRateLimitStore, HeroConfigError } from '../index.js';

const base = { apiKey: 'hk_test_options_1234abcd', practiceGroupId: '4242', baseUrl: 'http://127.0.0.1:9', env: {} };

describe('rate-limit options refuse what their types forbid, with HeroConfigError (issue 23, item 10)', () => {
  it('createRedisRateLimitStore: no options, null, a missing or non-string key, neither url nor client', () => {
    const bad: unknown[] = [undefined, null, 42, {}, { url: 'redis://127.0.0.1:6379' }, { url: 'redis://127.0.0.1:6379', key: 7 }, { url: 'redis://127.0.0.1:6379', key: '  ' }, { key: 'k' }, { key: 'k', url: 5 }, { key: 'k', client: {} }, { key: 'k', url: 'redis://x', commandTimeoutMs: -1 }];
    for (const options of bad) expect(() => createRedisRateLimitStore(options as never), JSON.stringify(options)).toThrow(HeroConfigError);
  });

  it('createHeroClient: a rateLimit store of null or without methods, a non-string redisUrl or key, a rateLimit that is not an object', () => {
    const bad: unknown[] = [{ store: null }, { store: 5 }, { store: { take: () => 0 } }, { redisUrl: 6379 }, { key: 7 }, 'fast', 12];
    for (const rateLimit of bad) expect(() => createHeroClient({ ...base, rateLimit: rateLimit as never }), JSON.stringify(rateLimit)).toThrow(HeroConfigError);
  });

  it('still takes what is allowed: no options, false, and a store with the methods', () => {
    expect(() => createHeroClient({ ...base })).not.toThrow();
    expect(() => createHeroClient({ ...base, rateLimit: false })).not.toThrow();
    expect(() => createHeroClient({ ...base, rateLimit: { store: { take: async () => 0, throttled: async () => {}, close: async () => {} } } })).not.toThrow();
  });
});
