import express from 'express';
import express4 from 'express4';
import fastify from 'fastify';
import fastify4 from 'fastify4';
import { createServer } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppointmentCancelledEvent, UnknownHeroWebhookEvent } from '../events.js';
import { createWebhookHandler } from './create-webhook-handler.js';
import type { WebhookDeliveryContext } from './options.js';

const handler = createWebhookHandler({ signingKey: 'k' });

describe('createWebhookHandler types', () => {
  it('gives each handler its own event type', () => {
    createWebhookHandler({
      signingKey: 'k',
      on: {
        'appointment.cancelled': (event, context) => {
          expectTypeOf(event).toEqualTypeOf<AppointmentCancelledEvent>();
          expectTypeOf(event.object).toEqualTypeOf<'Appointment'>();
          expectTypeOf(context).toEqualTypeOf<WebhookDeliveryContext>();
        },
        'write-to-record.failed': async (event) => {
          expectTypeOf(event.event).toEqualTypeOf<'write-to-record.failed'>();
          return 42;
        },
      },
      onUnknown: (event) => expectTypeOf(event).toEqualTypeOf<UnknownHeroWebhookEvent>(),
    });
  });

  it('refuses a handler for an event type that does not exist', () => {
    // @ts-expect-error 'appointment.confirm' is not an event type
    createWebhookHandler({ signingKey: 'k', on: { 'appointment.confirm': () => {} } });
  });

  it('mounts on node:http, Express 4 and 5 and Fastify 4 and 5 without casts', () => {
    createServer(handler.node);
    express().post('/hooks', handler.node);
    express4().post('/hooks', handler.node);
    void fastify().register(handler.fastify, { prefix: '/hooks' });
    void fastify4().register(handler.fastify, { prefix: '/hooks', path: '/' });
    expectTypeOf(handler.fetch).toEqualTypeOf<(request: Request) => Promise<Response>>();
  });
});
