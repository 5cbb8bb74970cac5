/**
 * The receiver mounted in real apps over 127.0.0.1: node:http, Express 4 and 5, Fastify 4 and 5.
 * Each app also has a JSON route, to show the webhook route does not change the app's parsing.
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';
import fastify from 'fastify';
import fastify4 from 'fastify4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedBody, postDelivery, signDelivery } from '../../../test/helpers/webhook-deliveries.js';
import { createWebhookHandler, type WebhookHandler } from './create-webhook-handler.js';
import type { WebhookDeliveryReport } from './options.js';

const signingKey = 'framework-signing-key';

interface Mounted {
  /** URL of the webhook route. */
  readonly url: string;
  /** URL of an ordinary JSON route of the same app that echoes its parsed body. */
  readonly jsonUrl: string;
  close(): Promise<void>;
}

async function listen(server: Server, path: string): Promise<Mounted> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}${path}`,
    jsonUrl: `${base}/echo`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type ExpressFactory = typeof express;

function mountExpress(make: ExpressFactory) {
  return (handler: WebhookHandler): Promise<Mounted> => {
    const app = make();
    // The webhook route first: an app-wide express.json() registered after it never sees it.
    app.post('/hooks', handler.node);
    app.use(make.json());
    app.post('/echo', (req, res) => void res.json(req.body));
    return listen(createServer(app), '/hooks');
  };
}

/** A started Fastify app (4 or 5) as the tests reach it. */
async function fastifyMounted(app: { server: Server; close(): PromiseLike<unknown> }, listen: () => PromiseLike<unknown>): Promise<Mounted> {
  await listen();
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url: `${base}/hooks`, jsonUrl: `${base}/echo`, close: async () => void (await app.close()) };
}

const frameworks: Array<[string, (handler: WebhookHandler) => Promise<Mounted>]> = [
  ['node:http', (handler) => listen(createServer(handler.node), '/hooks')],
  ['Express 4', mountExpress(express4)],
  ['Express 5', mountExpress(express)],
  [
    'Fastify 4',
    async (handler) => {
      const app = fastify4();
      await app.register(handler.fastify, { prefix: '/hooks' });
      app.post('/echo', async (request) => request.body);
      return fastifyMounted(app, () => app.listen({ port: 0, host: '127.0.0.1' }));
    },
  ],
  [
    'Fastify 5',
    async (handler) => {
      const app = fastify();
      await app.register(handler.fastify, { prefix: '/hooks' });
      app.post('/echo', async (request) => request.body);
      return fastifyMounted(app, () => app.listen({ port: 0, host: '127.0.0.1' }));
    },
  ],
];

describe.each(frameworks)('%s', (name, mount) => {
  const handled: string[] = [];
  const reports: WebhookDeliveryReport[] = [];
  let failNext = false;
  let mounted: Mounted;
  let handler: WebhookHandler;

  beforeAll(async () => {
    handler = createWebhookHandler({
      signingKey,
      maxBodyBytes: 2_000,
      onDelivery: (report) => reports.push(report),
      on: {
        'appointment.confirmed': (event) => {
          if (failNext) {
            failNext = false;
            throw new Error('downstream unavailable');
          }
          handled.push(event.id);
        },
      },
    });
    mounted = await mount(handler);
  });

  afterAll(async () => {
    await mounted?.close();
    await handler?.close();
  });

  it('handles a delivery once and acknowledges its replay as a duplicate', async () => {
    const delivery = signDelivery(confirmedBody('a1'), signingKey);
    const first = await postDelivery(mounted.url, delivery);
    expect([first.status, await first.json()]).toEqual([200, { status: 'handled' }]);
    const replay = await postDelivery(mounted.url, delivery);
    expect([replay.status, await replay.json()]).toEqual([200, { status: 'duplicate' }]);
    expect(handled.filter((id) => id === 'a1')).toEqual(['a1']);
  });

  it.each([['application/json'], ['application/json; charset=utf-8'], ['text/plain'], ['application/octet-stream'], [undefined]])(
    'verifies the raw bytes whatever the content type (%s)',
    async (contentType) => {
      const id = `ct-${String(contentType)}`;
      const delivery = signDelivery(JSON.stringify({ object: 'Appointment', id, practice_group_id: '654', event: 'appointment.confirmed' }, null, 2), signingKey);
      const headers: Record<string, string> = { ...delivery.headers };
      if (contentType === undefined) delete headers['content-type'];
      else headers['content-type'] = contentType;
      const response = await fetch(mounted.url, { method: 'POST', headers, body: new Uint8Array(delivery.body) });
      expect(response.status).toBe(200);
      expect(handled).toContain(id);
    },
  );

  it('refuses a tampered delivery with 400 and the reason', async () => {
    const delivery = signDelivery(confirmedBody('t1'), signingKey);
    const response = await postDelivery(mounted.url, { ...delivery, body: Buffer.from(confirmedBody('t2')) });
    expect([response.status, await response.json()]).toEqual([400, { error: 'webhook verification failed', reason: 'signature_mismatch' }]);
  });

  it('answers 413 to a body over the limit, declared or chunked', async () => {
    const big = signDelivery(JSON.stringify({ event: 'appointment.confirmed', pad: 'x'.repeat(3_000) }), signingKey);
    expect((await postDelivery(mounted.url, big)).status).toBe(413);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(big.body.subarray(i * 500, (i + 1) * 500));
        controller.close();
      },
    });
    const chunked = await fetch(mounted.url, { method: 'POST', headers: big.headers, body: chunks, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers 500, without the error, when the handler throws', async () => {
    failNext = true;
    const response = await postDelivery(mounted.url, signDelivery(confirmedBody('f1'), signingKey));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"error":"handler failed"}');
  });

  it.skipIf(name === 'node:http')('leaves the app\'s other routes parsing JSON', async () => {
    const response = await fetch(mounted.jsonUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await response.json()).toEqual({ a: 1 });
  });
});

describe('Express: where the raw body comes from', () => {
  const servers: Mounted[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it.each([['Express 4', express4], ['Express 5', express]] as const)('%s: uses the Buffer express.raw() left on the route', async (_name, make) => {
    const handled: string[] = [];
    const handler = createWebhookHandler({ signingKey, on: { 'appointment.confirmed': (event) => void handled.push(event.id) } });
    const app = make();
    app.post('/hooks', make.raw({ type: () => true }), handler.node);
    const mounted = await listen(createServer(app), '/hooks');
    servers.push(mounted);
    expect((await postDelivery(mounted.url, signDelivery(confirmedBody('raw'), signingKey))).status).toBe(200);
    expect(handled).toEqual(['raw']);
  });

  it.each([['Express 4', express4], ['Express 5', express]] as const)(
    '%s: answers 500 and names the body parser when express.json() ran first',
    async (_name, make) => {
      const reports: WebhookDeliveryReport[] = [];
      const handler = createWebhookHandler({ signingKey, onDelivery: (r) => reports.push(r), on: { 'appointment.confirmed': () => {} } });
      const app = make();
      app.use(make.json());
      app.post('/hooks', handler.node);
      const mounted = await listen(createServer(app), '/hooks');
      servers.push(mounted);
      const response = await postDelivery(mounted.url, signDelivery(confirmedBody('parsed'), signingKey));
      expect([response.status, await response.json()]).toEqual([500, { error: 'internal error' }]);
      expect(reports[0]?.outcome).toBe('body_unreadable');
      expect(String(reports[0]?.error)).toMatch(/express\.json\(\)/);
    },
  );
});

describe('node:http: a sender that trickles its body', () => {
  it('is answered 408 after bodyTimeoutMs and the connection closed, with nothing handled', async () => {
    const handled: string[] = [];
    const handler = createWebhookHandler({ signingKey, bodyTimeoutMs: 150, on: { 'appointment.confirmed': (event) => void handled.push(event.id) } });
    const mounted = await listen(createServer(handler.node), '/hooks');
    const { port } = new URL(mounted.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ev');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toContain('{"error":"body not received in time"}');
    expect(handled).toEqual([]);
    await mounted.close();
    await handler.close();
  });
});
