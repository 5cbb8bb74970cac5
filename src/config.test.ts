import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHeroClient } from './client.js';
import { environments, normalizeConnection } from './config.js';
import { HeroConfigError } from './errors.js';

const secret = 'sk_live_do_not_print_me';

describe('normalizeConnection', () => {
  it('takes explicit options over environment variables', () => {
    const c = normalizeConnection({
      apiKey: 'key-a',
      practiceGroupId: '42',
      baseUrl: 'http://127.0.0.1:4010/',
      env: { HERO_API_KEY: 'key-b', HERO_PRACTICE_GROUP_ID: '7', HERO_BASE_URL: 'http://other' },
    });
    expect(c).toMatchObject({ apiKey: 'key-a', practiceGroupId: '42', baseUrl: 'http://127.0.0.1:4010' });
  });

  it('reads HERO_API_KEY, HERO_PRACTICE_GROUP_ID and HERO_BASE_URL when options are absent', () => {
    const c = normalizeConnection({ env: { HERO_API_KEY: 'k', HERO_PRACTICE_GROUP_ID: '9', HERO_BASE_URL: 'https://api.staging.htech.app' } });
    expect(c).toMatchObject({ apiKey: 'k', practiceGroupId: '9', baseUrl: 'https://api.staging.htech.app' });
  });

  it('maps an environment name to Hero’s URL', () => {
    for (const [name, url] of Object.entries(environments)) {
      const c = normalizeConnection({ apiKey: 'k', practiceGroupId: '1', environment: name as keyof typeof environments, env: {} });
      expect(c.baseUrl).toBe(url);
    }
  });

  it('reads HERO_ENVIRONMENT like `environment`, below HERO_BASE_URL and explicit options', () => {
    const base = { apiKey: 'k', practiceGroupId: '1' };
    expect(normalizeConnection({ ...base, env: { HERO_ENVIRONMENT: 'staging' } }).baseUrl).toBe(environments.staging);
    expect(normalizeConnection({ ...base, env: { HERO_ENVIRONMENT: ' Production ' } }).baseUrl).toBe(environments.production);
    expect(normalizeConnection({ ...base, env: { HERO_ENVIRONMENT: 'production', HERO_BASE_URL: 'http://127.0.0.1:4010' } }).baseUrl).toBe('http://127.0.0.1:4010');
    expect(normalizeConnection({ ...base, environment: 'mock', env: { HERO_ENVIRONMENT: 'production' } }).baseUrl).toBe(environments.mock);
    expect(normalizeConnection({ ...base, baseUrl: 'http://127.0.0.1:1', env: { HERO_ENVIRONMENT: 'production' } }).baseUrl).toBe('http://127.0.0.1:1');
  });

  it('refuses an unknown HERO_ENVIRONMENT rather than falling back to any URL', () => {
    expect(() => normalizeConnection({ apiKey: 'k', practiceGroupId: '1', env: { HERO_ENVIRONMENT: 'prod' } })).toThrow(
      /HERO_ENVIRONMENT must be one of mock, staging, production/,
    );
  });

  it('lists every missing setting, naming the option and the variable', () => {
    let error: unknown;
    try {
      normalizeConnection({ apiKey: '  ', env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeroConfigError);
    const problems = (error as HeroConfigError).problems.join('\n');
    expect(problems).toMatch(/apiKey.*HERO_API_KEY/);
    expect(problems).toMatch(/practiceGroupId.*HERO_PRACTICE_GROUP_ID/);
    expect(problems).toMatch(/environment.*baseUrl.*HERO_ENVIRONMENT.*HERO_BASE_URL/);
  });

  it('refuses an unknown environment and a malformed base URL', () => {
    expect(() => normalizeConnection({ apiKey: 'k', practiceGroupId: '1', environment: 'prod' as never, env: {} })).toThrow(/environment/);
    expect(() => normalizeConnection({ apiKey: 'k', practiceGroupId: '1', baseUrl: 'not a url', env: {} })).toThrow(/not a valid URL/);
  });

  it('never puts the API key in a configuration error', () => {
    try {
      normalizeConnection({ apiKey: secret, baseUrl: 'ftp://x', env: {} });
      expect.unreachable();
    } catch (e) {
      expect(String(e)).not.toContain(secret);
      expect(inspect(e)).not.toContain(secret);
      expect(JSON.stringify(e)).not.toContain(secret);
    }
  });
});

describe('createHeroClient', () => {
  it('fails at construction, before any request, when credentials are missing', () => {
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response('{}');
    };
    expect(() => createHeroClient({ baseUrl: 'http://127.0.0.1:1', fetch, env: {} })).toThrow(HeroConfigError);
    expect(sent).toBe(0);
  });

  it('does not reveal the API key when the client is inspected or serialised', () => {
    const hero = createHeroClient({ apiKey: secret, practiceGroupId: '1', baseUrl: 'http://127.0.0.1:1', env: {} });
    expect(inspect(hero, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(JSON.stringify(hero)).not.toContain(secret);
    expect(String(hero)).not.toContain(secret);
  });
});
