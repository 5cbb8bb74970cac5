import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHeroClient } from './client.js';
import { resolveConnection as normalizeConnection } from './client-options.js';
import { environments } from './config.js';
import { HeroConfigError } from './errors.js';

const secret = 'sk_live_do_not_print_me';

describe('normalizeConnection', () => {
  it('takes explicit options over environment variables', () => {
    const c = normalizeConnection({
      apiKey: 'key-a',
      practiceGroupId: '42',
      baseUrl: 'http://127.0.0.1:4010/',
      env: { HERO_API_KEY: 'key-b', HERO_PRACTICE_GROUP_ID: '7', HERO_BASE_URL: 'https://other' },
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

describe('normalizeConnection refuses bad credentials and base URLs without repeating them', () => {
  const ok = { apiKey: 'hk_live_abc', practiceGroupId: '42', baseUrl: 'https://api.herohealth.net', env: {} };

  /** The HeroConfigError problems for `options`. */
  function problemsOf(options: Record<string, unknown>): string[] {
    try {
      normalizeConnection(options as never);
    } catch (error) {
      expect(error).toBeInstanceOf(HeroConfigError);
      return [...(error as HeroConfigError).problems];
    }
    throw new Error('expected a HeroConfigError');
  }

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a numeric apiKey', { apiKey: 12345678 }, /`apiKey` must be a string \(received a number\)/],
    ['an object apiKey', { apiKey: { toString: () => 'k' } }, /`apiKey` must be a string \(received an object\)/],
    ['an array apiKey', { apiKey: ['k'] }, /`apiKey` must be a string \(received an array\)/],
    ['a null apiKey', { apiKey: null }, /`apiKey` must be a string \(received null\)/],
    ['an apiKey with CRLF', { apiKey: 'hk_live\r\nX-Injected: 1' }, /`apiKey` contains a control character/],
    ['an apiKey with a trailing LF', { apiKey: 'hk_live_abc\n' }, /`apiKey` contains a control character/],
    ['an apiKey with a NUL', { apiKey: 'hk\u0000live' }, /`apiKey` contains a control character/],
    ['an apiKey with a tab', { apiKey: 'hk\tlive' }, /`apiKey` contains a control character/],
    ['an apiKey with DEL', { apiKey: 'hk\u007flive' }, /`apiKey` contains a control character/],
    ['an apiKey with an inner space', { apiKey: 'hk live' }, /`apiKey` must be visible ASCII/],
    ['a non-ASCII apiKey', { apiKey: 'hk_lïve' }, /`apiKey` must be visible ASCII/],
    ['a numeric practiceGroupId', { practiceGroupId: 42 }, /`practiceGroupId` must be a string \(received a number\)/],
    ['a practiceGroupId with CRLF', { practiceGroupId: '42\r\nx: y' }, /`practiceGroupId` contains a control character/],
    ['a HERO_API_KEY with LF', { apiKey: undefined, env: { HERO_API_KEY: 'hk\nx', HERO_PRACTICE_GROUP_ID: '1' } }, /HERO_API_KEY contains a control character/],
    ['a numeric baseUrl', { baseUrl: 443 }, /`baseUrl` must be a string \(received a number\)/],
    ['a baseUrl with a query', { baseUrl: 'https://api.herohealth.net/?x=1' }, /must not contain a query/],
    ['a baseUrl with an empty query', { baseUrl: 'https://api.herohealth.net/?' }, /must not contain a query/],
    ['a baseUrl with a fragment', { baseUrl: 'https://api.herohealth.net/#v1' }, /must not contain a fragment/],
    ['a baseUrl with credentials', { baseUrl: 'https://user:pass@api.herohealth.net' }, /user name or password/],
    ['a file: baseUrl', { baseUrl: 'file:///etc/passwd' }, /http\(s\) URL/],
    ['a javascript: baseUrl', { baseUrl: 'javascript:alert(1)' }, /http\(s\) URL/],
    ['plain http to a remote host', { baseUrl: 'http://api.herohealth.net' }, /plain http.*`allowInsecureHttp: true`/],
    ['plain http to a private address', { baseUrl: 'http://10.0.0.5:8080' }, /plain http/],
    ['plain http to 0.0.0.0', { baseUrl: 'http://0.0.0.0:4010' }, /plain http/],
    ['plain http in HERO_BASE_URL', { baseUrl: undefined, env: { HERO_BASE_URL: 'http://hero.internal' } }, /HERO_BASE_URL uses plain http/],
    ['a numeric environment', { baseUrl: undefined, environment: 1 }, /`environment` must be one of/],
    ['a string allowInsecureHttp', { allowInsecureHttp: 'yes' }, /`allowInsecureHttp` must be true or false/],
    ['a string env', { env: 'HERO_API_KEY=x' }, /`env` must be an object/],
  ])('%s is a HeroConfigError naming the option', (_case, overrides, message) => {
    const problems = problemsOf({ ...ok, ...overrides });
    expect(problems.join('\n')).toMatch(message);
  });

  it('never repeats a bad credential or base URL in the error', () => {
    const bad = [
      { apiKey: 'hk_live_secret\r\nX-Evil: 1' },
      { apiKey: 'hk_live_secret with space' },
      { practiceGroupId: 'pg-secret\n' },
      { baseUrl: 'https://user:hk_live_secret@api.herohealth.net' },
      { baseUrl: 'https://api.herohealth.net/?key=hk_live_secret' },
    ];
    for (const overrides of bad) {
      try {
        normalizeConnection({ ...ok, ...overrides } as never);
        expect.unreachable();
      } catch (error) {
        for (const text of [String(error), inspect(error), JSON.stringify(error)]) {
          expect(text).not.toContain('secret');
        }
      }
    }
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ apiKey: 1, practiceGroupId: '4\n2', baseUrl: 'http://hero.example/?a#b', env: {} })).toHaveLength(5);
  });

  it.each([
    ['https to any host', 'https://api.herohealth.net/'],
    ['http to localhost', 'http://localhost:4010'],
    ['http to 127.0.0.1', 'http://127.0.0.1:4010'],
    ['http to 127.1.2.3', 'http://127.1.2.3'],
    ['http to [::1]', 'http://[::1]:4010'],
    ['https with a path prefix', 'https://proxy.example/hero/'],
  ])('accepts %s', (_case, baseUrl) => {
    expect(normalizeConnection({ ...ok, baseUrl }).baseUrl).toBe(baseUrl.replace(/\/+$/, ''));
  });

  it('accepts plain http to a remote host only with allowInsecureHttp: true', () => {
    expect(normalizeConnection({ ...ok, baseUrl: 'http://hero-proxy.internal:8080', allowInsecureHttp: true }).baseUrl).toBe('http://hero-proxy.internal:8080');
    expect(normalizeConnection({ ...ok, baseUrl: undefined, env: { HERO_BASE_URL: 'http://10.0.0.5' }, allowInsecureHttp: true }).baseUrl).toBe('http://10.0.0.5');
  });

  it('trims surrounding spaces from credentials', () => {
    expect(normalizeConnection({ ...ok, apiKey: '  hk_live_abc  ', practiceGroupId: ' 42 ' })).toMatchObject({ apiKey: 'hk_live_abc', practiceGroupId: '42' });
  });

  it('refuses at createHeroClient, sending nothing', () => {
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response('{}');
    };
    for (const overrides of [{ apiKey: 'a\r\nb' }, { apiKey: 7 }, { baseUrl: 'http://api.herohealth.net' }, { baseUrl: 'https://h/?q' }]) {
      expect(() => createHeroClient({ ...ok, fetch, ...overrides } as never)).toThrow(HeroConfigError);
    }
    expect(sent).toBe(0);
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
