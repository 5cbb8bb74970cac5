/**
 * Who the client says it is, read on the wire by a recording server on 127.0.0.1: the SDK's
 * User-Agent with the partner's appInfo appended, defaultHeaders under the per-call headers,
 * and nothing able to replace the credentials.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClientOptions } from '../client.js';
import { HeroConfigError, HeroInputError } from '../errors.js';
import { useFaultServer } from '../../test/helpers/use-fault-server.js';

const server = useFaultServer();
const apiKey = 'hk_test_identity_0a1b2c3d4e';
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const sdkAgent = `hero-health-ts/${version} node/${process.versions.node}`;

const hero = (options: HeroClientOptions = {}) => createHeroClient({ apiKey, practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 }, ...options });

function configProblems(options: HeroClientOptions): string {
  try {
    hero(options);
  } catch (error) {
    expect(error).toBeInstanceOf(HeroConfigError);
    return (error as HeroConfigError).problems.join('\n');
  }
  throw new Error('expected a HeroConfigError');
}

describe('User-Agent', () => {
  it('names the SDK, its version and the Node version', async () => {
    await hero().booking.listLocations();
    expect(server.requests[0]?.headers['user-agent']).toBe(sdkAgent);
  });

  it('appends appInfo as name/version (url), as stripe-node does', async () => {
    await hero({ appInfo: { name: 'acme-recall', version: '2.3.1', url: 'https://acme.example/hero' } }).booking.listLocations();
    await hero({ appInfo: { name: 'acme-recall' } }).raw.GET('/v1/me/capabilities');
    expect(server.requests.map((r) => r.headers['user-agent'])).toEqual([`${sdkAgent} acme-recall/2.3.1 (https://acme.example/hero)`, `${sdkAgent} acme-recall`]);
  });

  it('refuses appInfo with control characters, without a name, or with unknown fields', () => {
    expect(configProblems({ appInfo: { name: 'acme\r\nx-api-key: stolen' } })).toMatch(/appInfo.name` must not contain control characters/);
    expect(configProblems({ appInfo: { name: 'acme', version: '1\u0000' } })).toMatch(/appInfo.version` must not contain control characters/);
    expect(configProblems({ appInfo: { name: 'acme', url: 'https://acme.example/\u2603' } })).toMatch(/appInfo.url` must not contain/);
    expect(configProblems({ appInfo: { version: '1' } as never })).toMatch(/appInfo.name` must be a non-empty string/);
    expect(configProblems({ appInfo: 'acme' as never })).toMatch(/`appInfo` must be an object/);
    expect(configProblems({ appInfo: { name: 'acme', verison: '1' } as never })).toMatch(/appInfo.verison.*appInfo.version/);
  });

  it('never repeats the refused value', () => {
    expect(configProblems({ appInfo: { name: 'secret-value\n' } })).not.toContain('secret-value');
  });
});

describe('defaultHeaders', () => {
  it('are sent with every call; per-call headers win', async () => {
    const client = hero({ defaultHeaders: { 'x-tenant': 'north', 'X-Trace-Source': 'batch' } });
    await client.booking.listLocations();
    await client.booking.listLocations({ headers: { 'x-tenant': 'south' } });
    await client.raw.GET('/v1/me/capabilities');
    expect(server.requests.map((r) => [r.headers['x-tenant'], r.headers['x-trace-source']])).toEqual([
      ['north', 'batch'],
      ['south', 'batch'],
      ['north', 'batch'],
    ]);
  });

  it('cannot replace the credentials or the User-Agent', async () => {
    expect(configProblems({ defaultHeaders: { 'X-Api-Key': 'hk_other_key_123456' } })).toMatch(/x-api-key.*cannot be set as a default header/i);
    expect(configProblems({ defaultHeaders: { 'x-practice-group-id': '9' } })).toMatch(/x-practice-group-id.*cannot be set as a default header/);
    expect(configProblems({ defaultHeaders: { 'user-agent': 'curl' } })).toMatch(/user-agent is set by the client; pass `appInfo`/);
    expect(configProblems({ defaultHeaders: { host: 'elsewhere' } })).toMatch(/host.*the HTTP client manages it/);
    expect(configProblems({ defaultHeaders: { 'x-api-key': 'hk_other_key_123456' } })).not.toContain('hk_other_key_123456');
    // And with valid ones, the credentials sent are the client's.
    await hero({ defaultHeaders: { 'x-tenant': 'north' } }).booking.listLocations();
    expect(server.requests[0]?.headers).toMatchObject({ 'x-api-key': apiKey, 'x-practice-group-id': '4242' });
  });

  it('refuses control characters, non-strings and bad names', () => {
    expect(configProblems({ defaultHeaders: { 'x-tenant': 'a\r\nx-api-key: b' } })).toMatch(/x-tenant.*must not contain control characters/);
    expect(configProblems({ defaultHeaders: { 'x-tenant': 'a\u0007' } })).toMatch(/must not contain control characters/);
    expect(configProblems({ defaultHeaders: { 'x-tenant': 5 } as never })).toMatch(/must be a string \(received a number\)/);
    expect(configProblems({ defaultHeaders: { 'bad name': 'x' } })).toMatch(/not a valid HTTP token/);
    expect(configProblems({ defaultHeaders: 'x-tenant: a' as never })).toMatch(/`defaultHeaders` must be an object/);
  });
});

describe('per-call headers', () => {
  it('refuse any control character, not only CR, LF and NUL', async () => {
    await expect(hero().booking.listLocations({ headers: { 'x-trace': 'a\u0001b' } })).rejects.toThrow(HeroInputError);
    expect(server.requests).toHaveLength(0);
  });
});
