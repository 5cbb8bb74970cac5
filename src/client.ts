/**
 * createHeroClient(): the typed openapi-fetch client for the Hero Public API, sent
 * through our transport (retries, timeouts, typed errors), plus the resource facade.
 */
import createClient from 'openapi-fetch';
import type { paths } from '../generated/hero-api.js';
import { resolveClientOptions } from './client-options.js';
import type { HeroAppInfo } from './observability/identity.js';
import type { HeroTelemetryOptions } from './observability/telemetry-options.js';
import type { HeroConnectionOptions } from './config.js';
// For the {@link HeroConfigError} in createHeroClient's documentation.
import type { HeroConfigError } from './errors.js';
import { createPaginate, type HeroPaginate } from './paginate.js';
import { tagCalls } from './raw-client.js';
import type { HeroRawClient } from './raw-client-types.js';
import { createBookingResource, type BookingResource } from './resources/booking.js';
import { createLinksResource, type LinksResource } from './resources/links.js';
import { createMessagesResource, type MessagesResource } from './resources/messages.js';
import { createPatientsResource, type PatientsResource } from './resources/patients.js';
import { createWebhooksResource, type WebhooksResource } from './resources/webhooks.js';
import { createObserveCall } from './telemetry/observe.js';
import { observeRateController } from './telemetry/rate-limit-metrics.js';
import { createTransportFetch } from './transport/fetch.js';
import { type TransportOptions } from './transport/types.js';
import { createRateController, type RateControllerSnapshot } from './rate-limit/controller.js';
import type { RateLimitOptions } from './rate-limit/options.js';
import type { BulkOptions, BulkReport, BulkTaskContext } from './bulk.js';
import { runBulkCountingSends } from './bulk-counting-sends.js';
import type { CampaignReport } from './campaign/report.js';
import { isCampaignOptions, type CampaignOptions } from './campaign/options.js';
import { createSendingScope } from './campaign/sending-scope.js';
import { isOptionsObject } from './validation/type-name.js';
import { lazyLoadFailed } from './lazy-load.js';
import { guardPatientIdentifiers } from './validation/patient-identifier-guard.js';
import { createPathSerializer } from './url/path-builder.js';
import { buildQuery } from './url/query-builder.js';

// util.inspect's hook, by its registered name: importing node:util costs ~7 ms of cold start.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Options of {@link createHeroClient}: where to connect, and how to retry and time out. */
export interface HeroClientOptions extends HeroConnectionOptions, TransportOptions {
  /**
   * Client-wide pacing, on by default: the rate is learned from 429s, a 429 holds every
   * call back, and at most 64 calls are in flight. Give the limit from your partner
   * agreement to pace at it exactly, a Redis URL (or HERO_RATE_LIMIT_REDIS_URL) to share
   * it across processes, or `false` to turn pacing off. See docs/rate-limits.md.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Check every NHS number, date of birth and postcode in a request before sending it
   * (`HeroInputError`, nothing sent). Turn it off only to send invalid data on purpose: the
   * contract suite does, to test the server's own validation. `registerPds` checks its input either way.
   * @default true
   */
  checkPatientIdentifiers?: boolean;
  /**
   * Your application, appended to the User-Agent (`hero-health-ts/0.1.0 node/22.11.0 acme-recall/2.3.1
   * (https://acme.example)`) so Hero can tell your traffic apart. Control characters are refused.
   * @default none
   */
  appInfo?: HeroAppInfo;
  /**
   * Headers sent with every request (a tenant tag, a proxy's routing header). Per-call `headers`
   * win over them; `x-api-key`, `x-practice-group-id`, `user-agent` (use `appInfo`) and headers
   * the HTTP client manages cannot be set here, and control characters are refused.
   * @default {}
   */
  defaultHeaders?: Readonly<Record<string, string>>;
  /**
   * OpenTelemetry traces and metrics: a span per call and per attempt, call and attempt
   * durations, retries, 429s and the rate controller's state, never a URL with ids, a body
   * or a key. Needs `@opentelemetry/api` (an optional peer, loaded on the first call). Left
   * unset, telemetry is on when that package is installed and goes to the global providers
   * your SDK registered; `true` requires the package; pass providers to keep this client's
   * telemetry apart; `false` turns it off. See README "Observability".
   * @default on when @opentelemetry/api is installed
   */
  telemetry?: boolean | HeroTelemetryOptions;
}

/** The client returned by {@link createHeroClient}. */
export interface HeroClient {
  /** PDS registration (two outcomes), registration, look-up and search. */
  readonly patients: PatientsResource;
  /** Appointment types, locations, practitioners, slots and appointments. */
  readonly booking: BookingResource;
  /** Single and batch messages. */
  readonly messages: MessagesResource;
  /** Webhook subscriptions. */
  readonly webhooks: WebhooksResource;
  /** Booking links, attachment links and link status. */
  readonly links: LinksResource;
  /**
   * Every operation of the spec, typed from `generated/`, with the same retries and errors:
   * `await hero.raw.GET('/v1/me/capabilities')`. Non-2xx answers throw; `data` is the body.
   */
  readonly raw: HeroRawClient;
  /**
   * Every item of any paged operation (those with `page_index`), fetched page by page as you
   * iterate, typed from the spec: `for await (const admin of hero.paginate('/v1/admins')) …`.
   * Takes `params`, `pageSize`, `startPage` and the per-call options; `.toArray({ limit })` collects.
   */
  readonly paginate: HeroPaginate;
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /** The practice group sent as `x-practice-group-id`. */
  readonly practiceGroupId: string;
  /** The rate controller's state (rate in force, calls in flight and queued), or `undefined` when off. */
  rateLimitSnapshot(): RateControllerSnapshot | undefined;
  /**
   * A campaign: a bulk job (below) recorded in a journal (`createFileJournal(path)` or
   * `createRedisJournal({ … })`) under each item's `key`, so it survives a crash and can be
   * shared by a fleet. Run it again to resume: sent items are skipped, and an item that was
   * being sent when the process died is never sent again (it is `outcome-unknown`). The report
   * covers every item of the campaign. See docs/campaigns.md.
   */
  bulk<I, T>(items: Iterable<I> | AsyncIterable<I>, task: (item: I, context: BulkTaskContext) => Promise<T>, options: CampaignOptions<I>): Promise<CampaignReport<I, T>>;
  /**
   * Runs `task` once per item, a bounded number at a time, under this client's rate
   * controller; reports progress and one result per item, and never repeats an item:
   * sends that may have reached Hero come back as `outcome-unknown`, as does an item whose task
   * sent through this client and then failed on a later call. See src/bulk.ts.
   */
  bulk<I, T>(items: Iterable<I> | AsyncIterable<I>, task: (item: I, context: BulkTaskContext) => Promise<T>, options?: BulkOptions): Promise<BulkReport<I, T>>;
  /** Releases what the client holds open (the Redis connection of a shared limit), so a worker can exit. */
  close(): Promise<void>;
}

/**
 * Creates a Hero client. Credentials come from options or `HERO_API_KEY`,
 * `HERO_PRACTICE_GROUP_ID`, `HERO_BASE_URL` / `HERO_ENVIRONMENT`; anything missing or malformed throws
 * {@link HeroConfigError} at once, before any request.
 *
 * @example
 * const hero = createHeroClient({ environment: 'staging' }); // key and practice group from env
 * const result = await hero.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' });
 */
export function createHeroClient(options: HeroClientOptions = {}): HeroClient {
  // Options and environment, read once (client-options.ts); every problem in one HeroConfigError.
  const { connection, transport, rateLimit, checkPatientIdentifiers, fetch: customFetch, headers, telemetry } = resolveClientOptions(options);
  const rateController = rateLimit === false ? false : createRateController(rateLimit);
  // Spans and metrics (telemetry/): @opentelemetry/api is loaded on the first call, never at import.
  // The controller's rate, queue and in-flight gauges join the client's meter once the API is loaded, until close().
  let closed = false;
  let stopRateMetrics: (() => void) | undefined;
  const observe =
    telemetry === false
      ? undefined
      : createObserveCall(telemetry, rateController ? { onMeter: (api, meter) => void (closed || (stopRateMetrics = observeRateController(api, meter, rateController))) } : {});
  // One transport per client: its retry budget and rate controller are shared by every call of this client.
  // The transport refuses any URL that is not under baseUrl (origin and path): the last check before sending.
  // Campaigns record an item as "sending" from the transport's onRequest hook, just before its request leaves.
  const sendingScope = createSendingScope(transport.hooks);
  const fetch = createTransportFetch(
    { ...transport, hooks: sendingScope.hooks },
    customFetch ? { fetch: customFetch, baseUrl: connection.baseUrl, rateController, observe } : { baseUrl: connection.baseUrl, rateController, observe },
  );
  const close = async (): Promise<void> => {
    closed = true;
    stopRateMetrics?.();
    if (rateController) await rateController.close();
  };
  const tagged = tagCalls(
    createClient<paths>({
      baseUrl: connection.baseUrl,
      fetch,
      // User-Agent and defaultHeaders first, so nothing can replace the credentials; per-call headers go over all of it.
      headers: { ...headers, 'x-api-key': connection.apiKey, 'x-practice-group-id': connection.practiceGroupId },
      // Every path parameter is checked and encoded as one segment, every query key as one parameter.
      pathSerializer: createPathSerializer(connection.baseUrl),
      querySerializer: buildQuery,
      // Hero does not redirect: a 3xx is a HeroRedirectError, never followed (the transport enforces it too).
      redirect: 'manual',
    }),
    // Our transport is the fetch, so openapi-fetch may hand it the cheaper LightRequest.
    { light: true, secrets: [connection.apiKey] },
  );
  // Patient identifiers are checked outermost, so nothing invalid reaches tagging or the wire.
  const raw = checkPatientIdentifiers ? guardPatientIdentifiers(tagged) : tagged;
  const allowedPerSecond = rateController ? () => rateController.snapshot().requestsPerSecond : undefined;
  const pacing = rateController && rateLimit ? () => ({ requestsPerSecond: rateController.snapshot().requestsPerSecond, burst: rateLimit.burst }) : undefined;
  const client: HeroClient = {
    patients: createPatientsResource(raw),
    booking: createBookingResource(raw),
    messages: createMessagesResource(raw),
    webhooks: createWebhooksResource(raw),
    links: createLinksResource(raw),
    raw,
    paginate: createPaginate(raw),
    baseUrl: connection.baseUrl,
    practiceGroupId: connection.practiceGroupId,
    rateLimitSnapshot: () => (rateController ? rateController.snapshot() : undefined),
    bulk: ((items: Iterable<unknown> | AsyncIterable<unknown>, task: (item: unknown, context: BulkTaskContext) => Promise<unknown>, bulkOptions: unknown = {}) =>
      isCampaignOptions(bulkOptions)
        ? // The campaign runner loads with the first campaign: most clients never run one (cold start).
          import('./campaign/run-campaign.js')
            .catch(lazyLoadFailed('the campaign runner'))
            .then(({ runCampaign }) => runCampaign(items, task, bulkOptions, { allowedPerSecond, scope: sendingScope, pacing }))
        : // Anything but an options object reaches runBulk as it is, to be refused there.
          runBulkCountingSends(sendingScope, items, task, isOptionsObject(bulkOptions) ? { allowedPerSecond, ...bulkOptions } : (bulkOptions as BulkOptions))) as HeroClient['bulk'],
    close,
  };
  // `await using hero = createHeroClient()` works at run time (Node 20+ has the symbol). It is
  // left out of the HeroClient type: naming it there would oblige every consumer to compile
  // with lib "esnext.disposable", which the consumer smoke test rightly refuses.
  if (typeof Symbol.asyncDispose === 'symbol') Object.defineProperty(client, Symbol.asyncDispose, { value: close });
  // The key lives only in openapi-fetch's closure; make sure logging the client cannot reveal it.
  Object.defineProperty(client, INSPECT, {
    value: () => `HeroClient { baseUrl: '${connection.baseUrl}', practiceGroupId: '${connection.practiceGroupId}', apiKey: [redacted] }`,
  });
  return Object.freeze(client);
}
