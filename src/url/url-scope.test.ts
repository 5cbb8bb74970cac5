import { describe, expect, it } from 'vitest';
import { createHeroClient } from '../client.js';
import { HeroConfigError } from '../errors.js';
import { isLoopbackHost } from './url-scope.js';

const hostOf = (url: string) => new URL(url).hostname;

describe('isLoopbackHost: an address, or exactly localhost', () => {
  it.each(['http://localhost:4010', 'http://LOCALHOST', 'http://127.0.0.1:1', 'http://127.1.2.3', 'http://127.1', 'http://0x7f.1', 'http://[::1]:4010', 'http://[0:0:0:0:0:0:0:1]'])(
    'trusts %s',
    (url) => expect(isLoopbackHost(hostOf(url))).toBe(true),
  );

  it.each([
    'http://hero.localhost:4010',
    'http://x.localhost',
    'http://localhost.:4010',
    'http://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'http://128.0.0.1',
    'http://10.0.0.1',
    'http://[::ffff:7f00:1]',
    'http://[::2]',
    'http://0.0.0.0',
  ])('does not trust %s', (url) => expect(isLoopbackHost(hostOf(url))).toBe(false));

  it('keeps the client from sending the key over plain http to a *.localhost name', () => {
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response('{}');
    };
    expect(() => createHeroClient({ apiKey: 'hk_test_key_123456', practiceGroupId: '1', baseUrl: 'http://x.localhost:4010', fetch, env: {} })).toThrow(HeroConfigError);
    expect(sent).toBe(0);
  });
});
