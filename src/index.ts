/** Public entry point of the Hero Health client. */
export { createHeroClient, type HeroClient, type HeroClientOptions } from './client.js';
export { environments, type HeroConnectionOptions, type HeroEnvironment } from './config.js';
export {
  HeroError,
  HeroConfigError,
  HeroApiError,
  HeroValidationError,
  HeroAuthenticationError,
  HeroPermissionError,
  HeroNotFoundError,
  HeroRateLimitError,
  HeroServerError,
  HeroRedirectError,
  HeroNetworkError,
  HeroTimeoutError,
  HeroAbortError,
  HeroResponseParseError,
  HeroInputError,
  HeroWebhookVerificationError,
  type HeroValidationIssue,
  type HeroInputIssue,
  type WebhookVerificationFailureReason,
} from './errors.js';
export type { RetryOptions, RetryBudgetOptions, TransportOptions, TransportHooks, RequestHookEvent, ResponseHookEvent, RetryHookEvent, RedactedRequest, RedactedResponse } from './transport/types.js';
export type { RetryReason, StopReason } from './transport/types.js';
export type { HeroLogger, HeroLogFn, HeroLogFormat, HeroAttemptLogFields } from './transport/types.js';
export type { HeroPromise, HeroResponseMeta, HeroWithResponse } from './observability/hero-promise.js';
export type { HeroAppInfo } from './observability/identity.js';
export type { HeroTelemetryOptions, HeroTracerProvider, HeroMeterProvider } from './observability/telemetry-options.js';
export type { HeroCallOptions, HeroMutationCallOptions, CallRetryOptions } from './transport/call-options.js';
export type { HeroRawClient, HeroRawMethod, HeroRawCallOptions } from './raw-client-types.js';
export type { RateLimitOptions } from './rate-limit/options.js';
export type { RateLimitStore, KnownLimit } from './rate-limit/store.js';
export { createRedisRateLimitStore, type RedisRateLimitStoreOptions, type RedisClientLike } from './rate-limit/redis-store.js';
export type { RateControllerSnapshot } from './rate-limit/controller.js';
export { HeroClientClosedError } from './rate-limit/client-closed-error.js';
export { runBulk } from './run-bulk.js';
export {
  mayHaveBeenProcessed,
  maxBulkConcurrency,
  HeroBulkTaskError,
  HeroBulkInterruptedError,
  type BulkInterruptionSource,
  type BulkOptions,
  type BulkProgress,
  type BulkReport,
  type BulkItemResult,
  type BulkTaskContext,
} from './bulk.js';
export { createFileJournal, type FileJournalOptions } from './campaign/file-journal.js';
export { createRedisJournal, type RedisJournalOptions, type CampaignRedisClient } from './campaign/redis-journal.js';
export type { CampaignJournal, CampaignStatus, CampaignStatusItem, CampaignCounts, CampaignItemStatus } from './campaign/journal.js';
export type { CampaignOptions } from './campaign/options.js';
export type { CampaignReport, CampaignItemResult, CampaignProgress, CampaignRunCounts } from './campaign/report.js';
export {
  HeroCampaignError,
  HeroCampaignMismatchError,
  HeroCampaignJournalCorruptError,
  HeroCampaignJournalUnavailableError,
  HeroCampaignDuplicateKeyError,
  HeroCampaignInterruptedError,
  type CampaignErrorReason,
  type CampaignInterruptionSource,
} from './campaign/errors.js';
export { maxCampaignKeyLength, maxCampaignItems } from './campaign/keys.js';
export type { PdsRegistered, PdsRegistrationResult, PdsVerificationRequired } from './pds-result.js';
export { autoPaginate, maxToArrayLimit, maxPageSize, type AutoPaginated, type ListPage, type PageOptions, type PagedOperationRef } from './auto-paginate.js';
export type { HeroPaginate, PagedPath, PageItem, PaginateOptions, PaginateParams } from './paginate.js';
export type { CallOptions, MutationOptions } from './resources/request.js';
export type { PatientsResource, PatientSearchFilters, RegisterPdsOptions } from './resources/patients.js';
export type { BookingResource } from './resources/booking.js';
export type { MessagesResource, BatchFilters } from './resources/messages.js';
export type { WebhooksResource } from './resources/webhooks.js';
export type { LinksResource } from './resources/links.js';
export type { OperationName, QueryParams, RequestBody, SuccessBody, WireRequestBody, PageParamName, WidenPageParams } from './resources/types.js';
export type {
  AdminUpdate,
  AppointmentCancelRequest,
  AppointmentCreateRequest,
  AppointmentEditRequest,
  AttachmentLinkCreateRequest,
  BatchMessageCreateRequest,
  BookingLinkUpdateRequest,
  CustomerCreateRequest,
  EpisodeUpdate,
  InvoiceCreateRequest,
  InvoiceLinkRequest,
  InvoiceUpdateRequest,
  NamedRequestBodies,
  NoteCreate,
  PatientEhrConnectRequest,
  PatientMergePreviewRequest,
  PatientMergeRequest,
  PharmacyCreateRequest,
  PracticeGroupUpdate,
  RegisterPatientPdsByDemographics,
  RegisterPatientPdsByNhsNumber,
  RegisterPatientPdsRequest,
  RegisterPatientRequest,
  SendMessageRequest,
  SnomedValidateRequest,
  TaskUpdate,
  WebhookCreateRequest,
} from './resources/request-bodies.js';
export {
  normalizeRegisterPdsInput,
  type RegisterPdsBody,
  type RegisterPdsInput,
  type RegisterPdsByNhsNumberInput,
  type RegisterPdsByDemographicsInput,
} from './validation/pds-input.js';
export { validateNhsNumber, isValidNhsNumber } from './validation/nhs-number.js';
export { validateDateOfBirth, isValidDateOfBirth } from './validation/dates.js';
export { validateUkPostcode, isValidUkPostcode } from './validation/postcode.js';
export { verifyWebhook, type VerifyWebhookOptions } from './webhooks/verify.js';
export { signWebhookPayload, type SignWebhookPayloadOptions, type SignedWebhookPayload } from './webhooks/sign.js';
export {
  KNOWN_HERO_WEBHOOK_EVENT_TYPES,
  isKnownWebhookEventType,
  type HeroWebhookEvent,
  type KnownHeroWebhookEvent,
  type KnownHeroWebhookEventType,
  type UnknownHeroWebhookEvent,
  type WebhookPayloadDeviation,
} from './webhooks/events.js';
export type { WebhookHeaders } from './webhooks/webhook-headers.js';
export { createWebhookHandler, type WebhookHandler } from './webhooks/receiver/create-webhook-handler.js';
export type {
  WebhookHandlerOptions,
  WebhookEventHandlers,
  WebhookEventHandler,
  WebhookDeliveryContext,
  WebhookDeliveryReport,
  WebhookDeliveryOutcome,
  WebhookDeliveryProblem,
} from './webhooks/receiver/options.js';
export type { WebhookDeliveryStore, DeliveryClaim } from './webhooks/receiver/delivery-store.js';
export { createMemoryWebhookStore, type MemoryWebhookStore } from './webhooks/receiver/memory-store.js';
export { createRedisWebhookStore, type RedisWebhookStoreOptions } from './webhooks/receiver/redis-store.js';
export type { FastifyWebhookPlugin, FastifyWebhookPluginOptions } from './webhooks/receiver/fastify-adapter.js';
export type { paths, components, operations } from '../generated/hero-api.js';
