/**
 * A framework-free Hero webhook receiver on `node:http`: reads the raw body,
 * verifies it, answers 204 for a good delivery and 4xx for a bad one.
 *
 * Run it:  HERO_WEBHOOK_SIGNING_KEY=... PORT=3000 npx tsx examples/webhook-receiver.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { HeroWebhookVerificationError, verifyWebhook, type HeroWebhookEvent } from '@hero-sdk/hero-health';

/** Options for {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** The `signing_key` you gave Hero when creating the webhook. */
  signingKey: string;
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface to bind.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Path Hero posts to (the webhook's `url`).
   * @default '/webhooks/hero'
   */
  path?: string;
  /**
   * Larger bodies get 413 without being buffered. Hero's payloads are a few hundred bytes.
   * @default 1_048_576
   */
  maxBodyBytes?: number;
  /**
   * Passed to `verifyWebhook`.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * Called with each verified event before the 204 is sent; if it throws, the
   * receiver answers 500. Keep it short: queue slow work.
   * @default no-op
   */
  onEvent?: (event: HeroWebhookEvent) => void | Promise<void>;
  /**
   * Called with each rejected delivery, e.g. to count reasons.
   * @default no-op
   */
  onRejected?: (error: HeroWebhookVerificationError) => void;
}

/** A started receiver. */
export interface RunningWebhookReceiver {
  /** Full URL of the webhook path, e.g. `http://127.0.0.1:54321/webhooks/hero`. */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The raw request bytes, or `undefined` once more than `limit` bytes arrived. */
async function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Starts the receiver; resolves once it is listening. */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<RunningWebhookReceiver> {
  const { signingKey, port = 0, host = '127.0.0.1', path = '/webhooks/hero', maxBodyBytes = 1_048_576 } = options;
  const { toleranceSeconds = 300, onEvent = () => {}, onRejected = () => {} } = options;

  // #region readme-handler
  const server = createServer(async (request, response) => {
    try {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return reply(response, 404, { error: 'not found' });
      if (request.method !== 'POST') return reply(response, 405, { error: 'method not allowed' }, { allow: 'POST' });

      const rawBody = await readRawBody(request, maxBodyBytes);
      // Close the connection rather than drain an oversized upload.
      if (rawBody === undefined) return reply(response, 413, { error: 'body too large' }, { connection: 'close' });

      let event: HeroWebhookEvent;
      try {
        event = verifyWebhook({ rawBody, headers: request.headers, signingKey, toleranceSeconds });
      } catch (error) {
        if (!(error instanceof HeroWebhookVerificationError)) throw error;
        onRejected(error);
        return reply(response, 400, { error: 'webhook verification failed', reason: error.reason });
      }
      await onEvent(event);
      reply(response, 204);
    } catch {
      // Never echo internals (or anything derived from the signing key) to the sender.
      if (!response.headersSent) reply(response, 500, { error: 'internal error' });
      else response.destroy();
    }
  });
  // #endregion readme-handler

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostForUrl}:${bound}${path}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

// Started directly (not imported by a test): configure from the environment.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const signingKey = process.env.HERO_WEBHOOK_SIGNING_KEY;
  if (!signingKey) {
    console.error('Set HERO_WEBHOOK_SIGNING_KEY to the signing_key of your Hero webhook.');
    process.exit(1);
  }
  const receiver = await startWebhookReceiver({
    signingKey,
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
    onEvent: (event) => {
      // Authentic deliveries whose payload differs from Hero's docs still arrive; deviations say how.
      if (event.deviations.length > 0) console.warn(`payload deviations: ${event.deviations.map((d) => d.message).join('; ')}`);
      if (event.event === 'unknown') console.log(`kept an event this SDK cannot type (${event.type ?? 'no event name'})`);
      else console.log(`received ${event.event} for ${event.object} ${event.id}`);
    },
    onRejected: (error) => console.warn(`rejected delivery: ${error.reason}`),
  });
  console.log(`Listening for Hero webhooks on ${receiver.url}`);
}
