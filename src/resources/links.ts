/**
 * Links for patient self-service: booking links (get, update), attachment links, and the
 * status of any short link. "Create a Booking Link" has no confirmed path in Hero's docs
 * (see openapi/README.md), so it is not offered yet.
 */
import type { HeroRawClient } from '../raw-client-types.js';
import type { HeroPromise } from '../observability/hero-promise.js';
import { callInit, expectData, wireQuery, type CallOptions, type MutationOptions } from './request.js';
import type { QueryParams, RequestBody, SuccessBody } from './types.js';

/** `hero.links`. */
export interface LinksResource {
  /** One booking link, with its use counts. */
  getBookingLink(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getBookingLink'>>;
  /** Changes a booking link. Not retried on 5xx unless marked idempotent. */
  updateBookingLink(id: string, body: RequestBody<'updateBookingLink'>, options?: MutationOptions): HeroPromise<SuccessBody<'updateBookingLink'>>;
  /** Creates a link to a patient's EHR attachment. */
  createAttachmentLink(body: RequestBody<'createAttachmentLink'>, options?: MutationOptions): HeroPromise<SuccessBody<'createAttachmentLink'>>;
  /** Status of a short link (unused, used, …). */
  getStatus(query: QueryParams<'getLinkStatus'>, options?: CallOptions): HeroPromise<SuccessBody<'getLinkStatus'>>;
}

/** Builds `hero.links` over the typed client. */
export function createLinksResource(raw: HeroRawClient): LinksResource {
  return {
    getBookingLink: (id, options) => expectData('getBookingLink', () => raw.GET('/v1/booking_links/{id}', { params: { path: { id } }, ...callInit(options) })),
    updateBookingLink: (id, body, options) =>
      expectData('updateBookingLink', () => raw.PATCH('/v1/booking_links/{id}', { params: { path: { id } }, body, ...callInit(options) })),
    createAttachmentLink: (body, options) => expectData('createAttachmentLink', () => raw.POST('/v1/attachment_links', { body, ...callInit(options) })),
    getStatus: (query, options) => expectData('getLinkStatus', () => raw.GET('/v1/links/status', { params: { query: wireQuery(query, true) }, ...callInit(options) })),
  };
}
