import { createFastifyPlugin, type FastifyWebhookPlugin } from './fastify-adapter.js';
import { createFetchHandler } from './fetch-adapter.js';
import { createNodeListener } from './node-adapter.js';
import type { NodeRequest, NodeResponse } from './node-shapes.js';
import { normalizeWebhookHandlerOptions, type WebhookHandlerOptions } from './options.js';
import { lazyLoadFailed } from '../../lazy-load.js';
import type { createReceiver, IncomingWebhookRequest, Reception } from './receive.js';

/** What {@link createWebhookHandler} returns: one receiver, three ways to mount it. */
export interface WebhookHandler {
  /**
   * A `node:http` request listener and an Express (4 or 5) route handler:
   * `app.post('/hooks', handler.node)` — before any app-wide `express.json()`, or with
   * `express.raw()` on the route. Answers every request itself and never rejects.
   */
  readonly node: (request: NodeRequest, response: NodeResponse) => Promise<void>;
  /**
   * The web-standard handler: `export const POST = handler.fetch` (Next.js route handlers),
   * `app.post('/hooks', (c) => handler.fetch(c.req.raw))` (Hono).
   */
  readonly fetch: (request: Request) => Promise<Response>;
  /** A Fastify (4 or 5) plugin: `app.register(handler.fastify, { prefix: '/hooks' })`. */
  readonly fastify: FastifyWebhookPlugin;
  /**
   * Stops taking deliveries (answers 503, so Hero retries another receiver), waits for
   * running handlers, and closes the store it opened (not one you passed).
   */
  close(): Promise<void>;
}

/**
 * Receives Hero webhooks: reads the raw body (at most `maxBodyBytes`, 413 beyond), verifies
 * it with `verifyWebhook` (400 with the failed check's `reason`), dispatches the typed event
 * to `on[event.event]` (or `onUnknown`), and answers 200 once the handler settled (500 if it
 * threw). Each delivery is claimed in a store first — in memory by default, in Redis with
 * `redisUrl` for a fleet — so a replay or a copy sent to another receiver is acknowledged
 * without running the handler again. Answers never echo the request, errors or the key.
 * Throws {@link HeroConfigError} for unusable options.
 *
 * @example
 * const hooks = createWebhookHandler({
 *   signingKey: process.env.HERO_WEBHOOK_SIGNING_KEY!,
 *   redisUrl: process.env.REDIS_URL,
 *   on: { 'appointment.confirmed': async (event) => { await syncAppointment(event.id); } },
 * });
 * app.post('/webhooks/hero', hooks.node);
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const normalized = normalizeWebhookHandlerOptions(options);
  // The receiving core (verification, claims, leases: receive.ts) loads with the first delivery
  // or close(): a service that only sends through the client never pays for it at import.
  let receiver: Promise<ReturnType<typeof createReceiver>> | undefined;
  // A failed load is forgotten, so the next delivery (or close()) loads again rather than failing for good.
  const load = () =>
    (receiver ??= import('./receive.js').then(
      (module) => module.createReceiver(normalized),
      (error: unknown) => {
        receiver = undefined;
        return lazyLoadFailed('the webhook receiver')(error);
      },
    ));
  const receive = async (request: IncomingWebhookRequest): Promise<Reception> => (await load()).receive(request);
  return {
    node: createNodeListener(receive),
    fetch: createFetchHandler(receive),
    fastify: createFastifyPlugin(receive),
    async close() {
      await (await load()).close();
      if (normalized.ownsStore) await normalized.store.close?.();
    },
  };
}
