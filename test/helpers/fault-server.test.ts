import { afterEach, describe, expect, it } from 'vitest';
import { findClosedPort, startFaultServer } from './fault-server.js';
import type { FaultServer } from './fault-server.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startFaultServer', () => {
  it('answers queued actions in order, then the fallback, recording every request', async () => {
    server = await startFaultServer({ fallback: { type: 'respond', status: 204 } });
    server.enqueue({ type: 'respond', status: 503, headers: { 'retry-after': '1' } }, { type: 'respond', body: { id: 1 } });

    const first = await fetch(`${server.url}/a?x=1`, { method: 'POST', body: 'hello' });
    const second = await fetch(`${server.url}/b`);
    const third = await fetch(`${server.url}/c`);

    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '1']);
    expect(await second.json()).toEqual({ id: 1 });
    expect(third.status).toBe(204);
    expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/a?x=1', 'hello'],
      ['GET', '/b', ''],
      ['GET', '/c', ''],
    ]);
  });

  it('lets a function choose the action from the request', async () => {
    server = await startFaultServer({ fallback: (request) => ({ type: 'respond', body: { echo: request.body } }) });

    const response = await fetch(server.url, { method: 'POST', body: 'ping' });

    expect(await response.json()).toEqual({ echo: 'ping' });
  });

  it('resets connections before or after reading the body, so fetch fails', async () => {
    server = await startFaultServer();
    server.enqueue({ type: 'reset-before-body' }, { type: 'reset-after-body' });

    await expect(fetch(server.url, { method: 'POST', body: 'x' })).rejects.toThrow(TypeError);
    await expect(fetch(server.url, { method: 'POST', body: 'y' })).rejects.toThrow(TypeError);
    expect(server.requests.map((r) => r.body)).toEqual(['', 'y']);
  });

  it('reset() clears the queue, the recorded requests and the fallback', async () => {
    server = await startFaultServer();
    server.enqueue({ type: 'respond', status: 500 });
    server.setFallback({ type: 'respond', status: 502 });
    await fetch(server.url);
    server.reset();

    const response = await fetch(server.url);

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('closes even while a request hangs', async () => {
    server = await startFaultServer({ fallback: { type: 'hang' } });
    const pending = fetch(server.url).catch((e: unknown) => e);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    await server.close();
    server = undefined;

    expect(await pending).toBeInstanceOf(TypeError);
  });

  it('findClosedPort gives a port that refuses connections', async () => {
    const port = await findClosedPort();
    const error = await fetch(`http://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
