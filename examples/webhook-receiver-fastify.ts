import Fastify from 'fastify';
import { createWebhookHandler } from '@hero-sdk/hero-health';

const hooks = createWebhookHandler({
  signingKey: process.env.HERO_WEBHOOK_SIGNING_KEY!,
  redisUrl: process.env.REDIS_URL,
  on: {
    'appointment.cancelled': async (event) => {
      console.log(`appointment ${event.id} cancelled`);
    },
  },
});

export const app = Fastify();
// The plugin gets its own context: its route reads the raw bytes, the rest of the app keeps Fastify's JSON parsing.
await app.register(hooks.fastify, { prefix: '/webhooks/hero' });
app.addHook('onClose', () => hooks.close());
