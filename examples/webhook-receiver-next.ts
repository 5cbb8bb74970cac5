// app/webhooks/hero/route.ts in a Next.js app (App Router); Hono: app.post('/webhooks/hero', (c) => hooks.fetch(c.req.raw))
import { createWebhookHandler } from '@hero-sdk/hero-health';

const hooks = createWebhookHandler({
  signingKey: process.env.HERO_WEBHOOK_SIGNING_KEY!,
  redisUrl: process.env.REDIS_URL,
  on: {
    'prescription.issued': async (event) => {
      console.log(`prescription ${event.id} issued`);
    },
  },
});

export const POST = hooks.fetch;
// node:crypto verifies the signature, so the route runs on Node.js, not the Edge runtime.
export const runtime = 'nodejs';
