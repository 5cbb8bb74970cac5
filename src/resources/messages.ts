/**
 * Messages: single messages (SMS, email, NHS App, Hero), batches, templates and the
 * messages Hero sends automatically.
 *
 * Sending is never retried after a timeout, a dropped connection or a 5xx, because Hero
 * documents no idempotency key and a repeat can reach the patient twice; 429 and 503 are
 * retried because Hero did not process the request.
 */
import type { HeroRawClient } from '../raw-client-types.js';
import type { HeroPromise } from '../observability/hero-promise.js';
import { createPaginate, type PageItem } from '../paginate.js';
import type { AutoPaginated, PageOptions } from '../auto-paginate.js';
import { callInit, expectData, wireQuery, optionsObject, type CallOptions, type MutationOptions } from './request.js';
import type { QueryParams, RequestBody, SuccessBody } from './types.js';

/** Filters of a batch list, without the page parameters the paginator sets. */
export type BatchFilters<Op extends 'listBatchMessages' | 'listBatchMessageRecipients' | 'listBatchMessageSends'> = Omit<QueryParams<Op>, 'page_index' | 'page_size'>;

/** `hero.messages`. */
export interface MessagesResource {
  /** Sends one message to a patient, optionally written to their record. */
  send(body: RequestBody<'sendMessage'>, options?: MutationOptions): HeroPromise<SuccessBody<'sendMessage'>>;
  /** One sent message. */
  get(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getMessage'>>;
  /** Batches: one message to many recipients. */
  readonly batches: {
    /** Creates a batch (not sent until {@link send} is called). */
    create(body: RequestBody<'createBatchMessage'>, options?: MutationOptions): HeroPromise<SuccessBody<'createBatchMessage'>>;
    /** Lists batches. */
    list(query?: QueryParams<'listBatchMessages'>, options?: CallOptions): HeroPromise<SuccessBody<'listBatchMessages'>>;
    /** One batch. */
    get(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getBatchMessage'>>;
    /** Sends a created batch. Not retried on 5xx unless marked idempotent. */
    send(id: string, options?: MutationOptions): HeroPromise<SuccessBody<'sendBatchMessage'>>;
    /** Recipients of a batch. */
    recipients(id: string, query?: QueryParams<'listBatchMessageRecipients'>, options?: CallOptions): HeroPromise<SuccessBody<'listBatchMessageRecipients'>>;
    /** Messages sent for a batch. */
    sends(id: string, query?: QueryParams<'listBatchMessageSends'>, options?: CallOptions): HeroPromise<SuccessBody<'listBatchMessageSends'>>;
    /** Every batch, fetched page by page as you iterate (the body is undocumented: items are `unknown`). */
    listAll(filters?: BatchFilters<'listBatchMessages'>, options?: PageOptions & CallOptions): AutoPaginated<PageItem<'/v1/batch_message'>>;
    /** Every recipient of a batch, page by page. */
    recipientsAll(id: string, filters?: BatchFilters<'listBatchMessageRecipients'>, options?: PageOptions & CallOptions): AutoPaginated<PageItem<'/v1/batch_message/{id}/recipients'>>;
    /** Every message sent for a batch, page by page (the body is undocumented: items are `unknown`). */
    sendsAll(id: string, filters?: BatchFilters<'listBatchMessageSends'>, options?: PageOptions & CallOptions): AutoPaginated<PageItem<'/v1/batch_message/{id}/messages'>>;
  };
  /** Message templates. Hero documents only the `has_follow_up` filter, not the response. */
  readonly templates: {
    /** Lists the practice group's templates. */
    list(query?: QueryParams<'listTemplates'>, options?: CallOptions): HeroPromise<SuccessBody<'listTemplates'>>;
  };
  /** Messages Hero sends automatically for the practice. Hero documents no response fields. */
  readonly automated: {
    /** Lists automated messages, filtered by recipient, status or notification type. */
    list(query?: QueryParams<'listAutomatedMessages'>, options?: CallOptions): HeroPromise<SuccessBody<'listAutomatedMessages'>>;
    /** One automated message. */
    get(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getAutomatedMessage'>>;
    /** Every automated message matching the filters, page by page (the body is undocumented: items are `unknown`). */
    listAll(
      filters?: Omit<QueryParams<'listAutomatedMessages'>, 'page_index' | 'page_size'>,
      options?: PageOptions & CallOptions,
    ): AutoPaginated<PageItem<'/v2/automated_messages'>>;
  };
}

/** Builds `hero.messages` over the typed client. */
export function createMessagesResource(raw: HeroRawClient): MessagesResource {
  const paginate = createPaginate(raw);
  return {
    send: (body, options) => expectData('sendMessage', () => raw.POST('/v1/messages/send', { body, ...callInit(options) })),
    get: (id, options) => expectData('getMessage', () => raw.GET('/v1/messages/{id}', { params: { path: { id } }, ...callInit(options) })),
    batches: {
      create: (body, options) => expectData('createBatchMessage', () => raw.POST('/v1/batch_message', { body, ...callInit(options) })),
      list: (query, options) => expectData('listBatchMessages', () => raw.GET('/v1/batch_message', { params: { query: wireQuery(query) }, ...callInit(options) })),
      get: (id, options) => expectData('getBatchMessage', () => raw.GET('/v1/batch_message/{id}', { params: { path: { id } }, ...callInit(options) })),
      send: (id, options) => expectData('sendBatchMessage', () => raw.PATCH('/v1/batch_message/{id}/send', { params: { path: { id } }, ...callInit(options) })),
      recipients: (id, query, options) =>
        expectData('listBatchMessageRecipients', () => raw.GET('/v1/batch_message/{id}/recipients', { params: { path: { id }, query: wireQuery(query) }, ...callInit(options) })),
      sends: (id, query, options) =>
        expectData('listBatchMessageSends', () => raw.GET('/v1/batch_message/{id}/messages', { params: { path: { id }, query: wireQuery(query) }, ...callInit(options) })),
      listAll: (filters, options) => paginate('/v1/batch_message', { ...optionsObject(options, 'page options'), params: { query: wireQuery(filters) } }),
      recipientsAll: (id, filters, options) => paginate('/v1/batch_message/{id}/recipients', { ...optionsObject(options, 'page options'), params: { path: { id }, query: wireQuery(filters) } }),
      sendsAll: (id, filters, options) => paginate('/v1/batch_message/{id}/messages', { ...optionsObject(options, 'page options'), params: { path: { id }, query: wireQuery(filters) } }),
    },
    templates: {
      list: (query, options) => expectData('listTemplates', () => raw.GET('/v1/templates', { params: { query: wireQuery(query) }, ...callInit(options) })),
    },
    automated: {
      list: (query, options) => expectData('listAutomatedMessages', () => raw.GET('/v2/automated_messages', { params: { query: wireQuery(query) }, ...callInit(options) })),
      listAll: (filters, options) => paginate('/v2/automated_messages', { ...optionsObject(options, 'page options'), params: { query: wireQuery(filters) } }),
      get: (id, options) => expectData('getAutomatedMessage', () => raw.GET('/v2/automated_messages/{id}', { params: { path: { id } }, ...callInit(options) })),
    },
  };
}
