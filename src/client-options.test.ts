import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHeroClient } from './client.js';
import { resolveClientOptions } from './client-options.js';
import { HeroConfigError, HeroInputError } from './errors.js';
import { nearestName } from './validation/unknown-keys.js';

const valid = { apiKey: 'hk_test_0123456789', practiceGroupId: '42', baseUrl: 'http://127.0.0.1:9', env: {} } as const;

function configProblems(options: Record<string, unknown>): readonly string[] {
  try {
    createHeroClient(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(HeroConfigError);
    return (error as HeroConfigError).problems;
  }
  throw new Error('createHeroClient accepted the options');
}

describe('an unknown option is refused with the nearest valid name', () => {
  it.each([
    [{ timeout: 5 }, '`timeout` is not an option: did you mean `timeoutMs`?'],
    [{ deadline: 5 }, '`deadline` is not an option: did you mean `deadlineMs`?'],
    [{ apikey: 'x' }, '`apikey` is not an option: did you mean `apiKey`?'],
    [{ retries: 2 }, '`retries` is not an option: did you mean `retry`?'],
    [{ retry: { maxAttempt: 2 } }, '`retry.maxAttempt` is not an option: did you mean `retry.maxAttempts`?'],
    [{ retry: { budget: { capacty: 2 } } }, '`retry.budget.capacty` is not an option: did you mean `retry.budget.capacity`?'],
    [{ hooks: { onRequst: () => {} } }, '`hooks.onRequst` is not an option: did you mean `hooks.onRequest`?'],
    [{ rateLimit: { requestPerSecond: 5 } }, '`rateLimit.requestPerSecond` is not an option: did you mean `rateLimit.requestsPerSecond`?'],
    [{ zzzqqq: 1 }, '`zzzqqq` is not an option'],
  ])('%o', (extra, problem) => {
    expect(configProblems({ ...valid, ...extra })).toEqual([problem]);
  });

  it('never repeats a key that is not a short plain name (it could be a secret)', () => {
    const problems = configProblems({ ...valid, 'hk_live_SECRET value with spaces': 1 });
    expect(problems).toEqual(['a key of `the options` is not an option']);
  });

  it('lists every problem of the options in one HeroConfigError', () => {
    const problems = configProblems({ ...valid, apiKey: 'bad key', timeout: 5, timeoutMs: -1 });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/apiKey/);
    expect(problems.join('\n')).toMatch(/timeoutMs/);
  });

  it('refuses an unknown per-call option with HeroInputError naming the nearest, sending nothing', async () => {
    const sent: string[] = [];
    const hero = createHeroClient({ ...valid, rateLimit: false, fetch: async (request) => (sent.push(request.url), new Response('{}')) });
    const error = await hero.patients.get('1', { timeout: 5 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroInputError);
    expect((error as HeroInputError).message).toMatch(/`timeout` is not an option: did you mean `timeoutMs`\?/);
    const retryError = await hero.patients.get('1', { retry: { maxAttempt: 1 } } as never).catch((e: unknown) => e);
    expect((retryError as HeroInputError).message).toMatch(/did you mean retry\.maxAttempts\?/);
    expect(sent).toEqual([]);
    // The method's own options are still accepted.
    await expect(hero.patients.get('1', { timeoutMs: 1000 })).resolves.toEqual({});
  });

  it('nearestName prefers a name the word starts, then the closest spelling', () => {
    expect(nearestName('timeout', ['timeoutMs', 'deadlineMs'])).toBe('timeoutMs');
    expect(nearestName('practiseGroupId', ['practiceGroupId', 'apiKey'])).toBe('practiceGroupId');
    expect(nearestName('x', ['timeoutMs'])).toBeUndefined();
  });
});

describe('the environment is read in one place', () => {
  it('reads variables from `env` (rate-limit ones included), never from process.env when `env` is given', () => {
    process.env.HERO_RATE_LIMIT_REDIS_URL = 'redis://127.0.0.1:1';
    try {
      const resolved = resolveClientOptions({ ...valid, env: { HERO_DEBUG: '1' } });
      expect(resolved.rateLimit && resolved.rateLimit.store).toBeUndefined();
      expect(resolved.transport.logger).toBeDefined();
    } finally {
      delete process.env.HERO_RATE_LIMIT_REDIS_URL;
    }
  });

  it('client-options.ts is the only client module that reads process.env', () => {
    const src = fileURLToPath(new URL('.', import.meta.url));
    // The tools, as .dependency-cruiser.cjs names them: commands may read their own environment.
    const tools = /^(contract|drift|testing|webhooks-cli|mock-cli)\/|^testing\.ts$|^campaign\/(cli|bin)\.ts$/;
    const readers: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$|\.fleet\.ts$/.test(entry.name)) {
          const name = relative(src, path);
          const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
          if (!tools.test(name) && /process\.env/.test(code)) readers.push(name);
        }
      }
    };
    walk(src);
    expect(readers).toEqual(['client-options.ts']);
  });
});
