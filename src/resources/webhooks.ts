/**
 * Webhook subscriptions. Hero's docs show Create and List only; Get, Update and Delete
 * have no known path (see openapi/README.md), so they are not offered yet.
 */
import type { HeroRawClient } from '../raw-client-types.js';
import type { HeroPromise } from '../observability/hero-promise.js';
import { callInit, expectData, wireQuery, type CallOptions, type MutationOptions } from './request.js';
import type { QueryParams, RequestBody, SuccessBody } from './types.js';

/** `hero.webhooks`. */
export interface WebhooksResource {
  /** Subscribes `url` to an event. Pass a `signing_key` so deliveries can be verified with `verifyWebhook`. */
  create(body: RequestBody<'createWebhook'>, options?: MutationOptions): HeroPromise<SuccessBody<'createWebhook'>>;
  /** Lists the practice group's webhooks, optionally for one event type. */
  list(query?: QueryParams<'listWebhooks'>, options?: CallOptions): HeroPromise<SuccessBody<'listWebhooks'>>;
}

/** Builds `hero.webhooks` over the typed client. */
export function createWebhooksResource(raw: HeroRawClient): WebhooksResource {
  return {
    create: (body, options) => expectData('createWebhook', () => raw.POST('/v1/webhooks', { body, ...callInit(options) })),
    list: (query, options) => expectData('listWebhooks', () => raw.GET('/v1/webhooks', { params: { query: wireQuery(query) }, ...callInit(options) })),
  };
}
