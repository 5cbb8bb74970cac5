import express from 'express';
import { createWebhookHandler } from '@hero-sdk/hero-health';

// HERO_WEBHOOK_SIGNING_KEY=… PORT=3000 npx tsx examples/webhook-receiver.ts
// npx hero-webhooks trigger appointment.confirmed --to http://127.0.0.1:3000/webhooks/hero
const hooks = createWebhookHandler({
  signingKey: process.env.HERO_WEBHOOK_SIGNING_KEY!,
  // Every receiver process with the same Redis handles each delivery once; unset, this process only.
  redisUrl: process.env.REDIS_URL,
  on: {
    // Payloads are thin: fetch the appointment (hero.booking.getAppointment(event.id)) and act on its current state.
    'appointment.confirmed': async (event, { deliveryId }) => {
      console.log(`appointment ${event.id} confirmed (delivery ${deliveryId})`);
    },
    'write-to-record.failed': async (event) => {
      console.warn(`write to the record failed for ${event.object} ${event.id}`);
    },
  },
  // Event types Hero adds after this SDK was released: acknowledged, not lost.
  onUnknown: (event) => console.info(`kept an event this SDK cannot type: ${event.type ?? 'no event name'}`),
});

const app = express();
app.post('/webhooks/hero', hooks.node); // before any app-wide express.json(): it reads the raw body itself
app.use(express.json());

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : process.env.PORT;
  console.log(`Listening for Hero webhooks on http://${process.env.HOST ?? '127.0.0.1'}:${port}/webhooks/hero`);
});
// On shutdown, stop taking deliveries (Hero retries them elsewhere) and let running handlers finish.
process.once('SIGTERM', () => server.close(() => void hooks.close()));
