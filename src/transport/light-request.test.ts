import { describe, expect, it } from 'vitest';
import { LightRequest, isLightRequest, lightRequestInit } from './light-request.js';

describe('LightRequest', () => {
  it('normalizes the URL and the standard methods as Request does', () => {
    const request = new LightRequest('http://127.0.0.1:8080/v1/a b', { method: 'post' });
    const real = new Request('http://127.0.0.1:8080/v1/a b', { method: 'post' });
    expect(request.url).toBe(real.url);
    expect(request.method).toBe('POST');
    expect(new LightRequest('http://x.test/', { method: 'patch' }).method).toBe(new Request('http://x.test/', { method: 'patch' }).method);
    expect(new LightRequest('http://x.test/').method).toBe('GET');
  });

  it('throws a TypeError for a URL Request would reject, before anything is sent', () => {
    expect(() => new LightRequest('/relative/path')).toThrow(TypeError);
  });

  it('keeps the Headers instance it was given and copies plain header objects into one', () => {
    const headers = new Headers({ 'x-a': '1' });
    expect(new LightRequest('http://x.test/', { headers }).headers).toBe(headers);
    expect(new LightRequest('http://x.test/', { headers: { 'X-B': '2' } }).headers.get('x-b')).toBe('2');
  });

  it('exposes the caller signal, or one that is not aborted when there is none', () => {
    const controller = new AbortController();
    expect(new LightRequest('http://x.test/', { signal: controller.signal }).signal).toBe(controller.signal);
    expect(new LightRequest('http://x.test/').signal.aborted).toBe(false);
  });

  it('keeps the whole init for the transport and is told apart from a real Request', () => {
    const init = { method: 'POST', body: '{}', redirect: 'follow' as const };
    const request = new LightRequest('http://x.test/', init);
    expect(lightRequestInit(request)).toBe(init);
    expect(isLightRequest(request)).toBe(true);
    expect(isLightRequest(new Request('http://x.test/'))).toBe(false);
  });
});
