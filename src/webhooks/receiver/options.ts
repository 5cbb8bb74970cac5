/**
 * Options of `createWebhookHandler`, what its handlers receive, and what it reports.
 * Normalised once (ky's normalize pattern), so the receiving code never writes `?? default`.
 */
import { HeroConfigError, type WebhookVerificationFailureReason } from '../../errors.js';
import { isKnownWebhookEventType, type KnownHeroWebhookEvent, type KnownHeroWebhookEventType, type UnknownHeroWebhookEvent } from '../events.js';
import type { WebhookDeliveryStore } from './delivery-store.js';
import { createMemoryWebhookStore } from './memory-store.js';
import { createRedisWebhookStore } from './redis-store.js';

/** What a handler gets besides the event. */
export interface WebhookDeliveryContext {
  /** This delivery's key (a digest of its signature and timestamp): the same on every receiver, safe to log. */
  readonly deliveryId: string;
  /**
   * Aborted when this receiver lost the delivery's lease (it could not renew it in time, so
   * another receiver may run the delivery now): stop, or at least do not commit.
   */
  readonly signal: AbortSignal;
}

/** A handler for one event type. It may be async; the delivery is acknowledged once it settles. */
export type WebhookEventHandler<Event> = (event: Event, context: WebhookDeliveryContext) => unknown;

/** One optional handler per known event type, each given that type's event. */
export type WebhookEventHandlers = {
  readonly [Type in KnownHeroWebhookEventType]?: WebhookEventHandler<Extract<KnownHeroWebhookEvent, { readonly event: Type }>>;
};

/** How one request ended, as {@link WebhookHandlerOptions.onDelivery} reports it. */
export type WebhookDeliveryOutcome =
  /** The handler ran and returned (answered 200, or 202 before it ran under `acknowledge: 'before-handler'`). */
  | 'handled'
  /** Handled before, by this or another receiver: answered 200 without running the handler. */
  | 'duplicate'
  /** Authentic, but no handler is registered for its type: answered 200. */
  | 'ignored'
  /** Failed verification (`reason` says which check): answered 400. */
  | 'rejected'
  /** Larger than `maxBodyBytes`: answered 413 without verifying or buffering it. */
  | 'too_large'
  /** Not a POST: answered 405. */
  | 'method_not_allowed'
  /** The body did not arrive within `bodyTimeoutMs` (408), the sender went away, or a body parser consumed it first (500). */
  | 'body_unreadable'
  /** The handler threw (or rejected): answered 500 and the claim released, so Hero's retry runs it. */
  | 'handler_failed'
  /** Another receiver is still handling it after `inProgressWaitMs`: answered 503 so Hero retries later. */
  | 'in_progress'
  /** The store could not be reached (fail closed): answered 503 without running the handler. */
  | 'store_unavailable'
  /** The handler was closed: answered 503 so Hero retries another receiver. */
  | 'closed';

/** Something that went wrong around a delivery without changing its outcome. */
export type WebhookDeliveryProblem =
  /** The store failed; under `onStoreUnavailable: 'handle'` the handler ran without a claim. */
  | 'store_unavailable'
  /** The lease could not be renewed while the handler ran; another receiver may have run it too. */
  | 'lease_lost'
  /** The handler returned but the done marker could not be written; a replay after the lease expires would run it again. */
  | 'done_marker_failed'
  /** The handler threw and its claim could not be released; a retry runs once the lease expires. */
  | 'release_failed';

/**
 * One request's report. Never holds the body, the signing key or header values; `error` is
 * the handler's own error (for `handler_failed`) or the store's.
 */
export interface WebhookDeliveryReport {
  readonly outcome: WebhookDeliveryOutcome;
  /** The HTTP status answered. */
  readonly status: number;
  /** Set once the delivery verified. */
  readonly deliveryId?: string;
  /** The event's `event` (`'unknown'` for the unknown event); set once the delivery verified. */
  readonly eventType?: string;
  /** The failed check, for `rejected`. */
  readonly reason?: WebhookVerificationFailureReason;
  readonly problems: readonly WebhookDeliveryProblem[];
  readonly error?: unknown;
  /** From the request's arrival to this report. */
  readonly durationMs: number;
}

/** Options of `createWebhookHandler`. */
export interface WebhookHandlerOptions {
  /** The webhook's `signing_key`. Never logged, never answered. */
  readonly signingKey: string | Uint8Array;
  /** Handlers by event type. A known type without a handler is acknowledged (200) and not recorded. */
  readonly on?: WebhookEventHandlers;
  /**
   * For authentic events this SDK cannot type (a type Hero added later, or a payload without
   * `id`…). Without it they are acknowledged (200), so a new Hero event cannot break the receiver.
   */
  readonly onUnknown?: WebhookEventHandler<UnknownHeroWebhookEvent>;
  /**
   * Share deliveries with every receiver using the same Redis, so each is handled once across
   * the fleet. Needs `ioredis` (an optional peer dependency). Same as
   * `store: createRedisWebhookStore({ url })`. `undefined` or `''` (an unset `REDIS_URL`) means
   * no Redis: the in-memory store, which deduplicates within one process only.
   */
  readonly redisUrl?: string;
  /**
   * Where claims are kept.
   * @default createMemoryWebhookStore() — one process only
   */
  readonly store?: WebhookDeliveryStore;
  /**
   * What to do when the store fails (Redis down or slower than its command time-out):
   * `'reject'` answers 503 without running the handler, so Hero retries later and nothing is
   * handled twice (fail closed); `'handle'` runs the handler without a claim (fail open: a
   * duplicate that arrives meanwhile runs again).
   * @default 'reject'
   */
  readonly onStoreUnavailable?: 'reject' | 'handle';
  /**
   * `'after-handler'`: answer 200 once the handler settled (500 if it threw, so Hero retries).
   * `'before-handler'`: answer 202 as soon as the delivery is verified and claimed, then run
   * the handler. Use it only when the handler hands the event to a durable queue of your own
   * and you retry from there: a failure after the 202 is reported but Hero will not retry it.
   * @default 'after-handler'
   */
  readonly acknowledge?: 'after-handler' | 'before-handler';
  /**
   * Larger bodies are answered 413 unread. Hero's payloads are about 120 bytes; 100 KiB is
   * body-parser's (`express.json()`) default limit, so a receiver moved from it loses nothing,
   * while one unauthenticated request can make this process buffer at most this much.
   * @default 102_400
   */
  readonly maxBodyBytes?: number;
  /**
   * The whole body must arrive within this time after the handler starts reading (408 otherwise),
   * so a sender trickling bytes cannot hold a connection open.
   * @default 10_000
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Passed to `verifyWebhook`.
   * @default 300
   */
  readonly toleranceSeconds?: number;
  /**
   * A processing lease expires this long after its last renewal; the handler renews it every
   * third of this while it runs. A receiver killed mid-handler holds its deliveries this long
   * at most; then Hero's retry runs them on another receiver.
   * @default 30_000
   */
  readonly leaseMs?: number;
  /**
   * A duplicate that finds another receiver handling the delivery waits this long for the
   * outcome (200 once handled, or it takes over when the lease is released or expires); then
   * it answers 503 so Hero retries later.
   * @default 5_000
   */
  readonly inProgressWaitMs?: number;
  /**
   * Called once per request, after the answer (and, under `acknowledge: 'before-handler'`,
   * after the handler settled): for logs and metrics.
   * @default a one-line `console.warn` for every answer of 400 or more and every problem, without bodies, keys or error messages (except the SDK's own `HeroConfigError`)
   */
  readonly onDelivery?: (report: WebhookDeliveryReport) => void;
}

/** {@link WebhookHandlerOptions} with every default applied. */
export interface NormalizedWebhookHandlerOptions {
  readonly signingKey: string | Uint8Array;
  readonly on: WebhookEventHandlers;
  readonly onUnknown: WebhookEventHandler<UnknownHeroWebhookEvent> | undefined;
  readonly store: WebhookDeliveryStore;
  /** Whether the handler made the store (and closes it). */
  readonly ownsStore: boolean;
  readonly onStoreUnavailable: 'reject' | 'handle';
  readonly acknowledge: 'after-handler' | 'before-handler';
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly toleranceSeconds: number;
  readonly leaseMs: number;
  /** A done marker outlives every receiver's tolerance window: see {@link doneTtlMs}. */
  readonly doneTtlMs: number;
  readonly inProgressWaitMs: number;
  readonly onDelivery: (report: WebhookDeliveryReport) => void;
}

// Clock skew allowed between receivers (each judges the tolerance by its own clock).
const SKEW_MARGIN_MS = 60_000;

/**
 * How long a done marker is kept: a delivery stamped `t` verifies from `t - tolerance` to
 * `t + tolerance`, so a marker written anywhere in that window must last `2 × tolerance`,
 * plus a minute for receivers whose clocks disagree. After that a replay is refused as stale.
 */
export function doneTtlMs(toleranceSeconds: number): number {
  return 2 * toleranceSeconds * 1000 + SKEW_MARGIN_MS;
}

/** The default `onDelivery`: one line per failure or problem, with nothing a sender sent. */
export function logDeliveryProblems(report: WebhookDeliveryReport): void {
  if (report.status < 400 && report.problems.length === 0) return;
  const parts = [`hero webhook: ${report.outcome} (${report.status})`];
  if (report.reason !== undefined) parts.push(`reason=${report.reason}`);
  if (report.eventType !== undefined) parts.push(`event=${report.eventType}`);
  if (report.deliveryId !== undefined) parts.push(`delivery=${report.deliveryId}`);
  if (report.problems.length > 0) parts.push(`problems=${report.problems.join(',')}`);
  // Our own configuration errors say what to fix; of anything else, the class only (a handler's message may quote patient data).
  if (report.error instanceof HeroConfigError) parts.push(`error=${report.error.name}: ${report.error.message}`);
  else if (report.error instanceof Error) parts.push(`error=${report.error.name}`);
  console.warn(parts.join(' '));
}

// Node fires a longer timer after 1 ms (a "never" body time-out answered every delivery 408, a
// long lease was renewed in a tight loop). Also the bound of toleranceSeconds, so the done marker's
// lifetime in ms stays a plain integer (Redis refuses "1e+22").
const MAX_TIMER_MS = 2_147_483_647;

function numberOption(value: unknown, fallback: number, name: string, problems: string[], min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    problems.push(`${name} must be a finite number >= ${min} and <= ${MAX_TIMER_MS}`);
  }
  return value as number;
}

/** Checks the options once, when the handler is made; throws {@link HeroConfigError} naming each problem. */
export function normalizeWebhookHandlerOptions(options: WebhookHandlerOptions): NormalizedWebhookHandlerOptions {
  if (typeof options !== 'object' || options === null) throw new HeroConfigError('createWebhookHandler: pass an options object { signingKey, on }');
  const problems: string[] = [];
  const { signingKey, on = {}, onUnknown, store } = options;
  // An empty REDIS_URL in the environment means "not configured", as an absent one does.
  const redisUrl = options.redisUrl === '' ? undefined : options.redisUrl;
  if (!(typeof signingKey === 'string' || signingKey instanceof Uint8Array) || signingKey.length === 0) {
    problems.push("signingKey must be a non-empty string or Uint8Array (the webhook's signing_key)");
  }
  if (typeof on !== 'object' || on === null) problems.push('on must be an object of handlers by event type');
  else {
    for (const [type, handler] of Object.entries(on)) {
      if (!isKnownWebhookEventType(type)) problems.push(`on: "${type}" is not an event type this SDK knows (use onUnknown for others)`);
      else if (typeof handler !== 'function') problems.push(`on["${type}"] must be a function`);
    }
  }
  if (onUnknown !== undefined && typeof onUnknown !== 'function') problems.push('onUnknown must be a function');
  if (redisUrl !== undefined && store !== undefined) problems.push('pass redisUrl or store, not both');
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.claim !== 'function')) problems.push('store must be a WebhookDeliveryStore');
  if (options.onStoreUnavailable !== undefined && !['reject', 'handle'].includes(options.onStoreUnavailable)) problems.push("onStoreUnavailable must be 'reject' or 'handle'");
  if (options.acknowledge !== undefined && !['after-handler', 'before-handler'].includes(options.acknowledge)) problems.push("acknowledge must be 'after-handler' or 'before-handler'");
  if (options.onDelivery !== undefined && typeof options.onDelivery !== 'function') problems.push('onDelivery must be a function');
  const maxBodyBytes = numberOption(options.maxBodyBytes, 102_400, 'maxBodyBytes', problems);
  const bodyTimeoutMs = numberOption(options.bodyTimeoutMs, 10_000, 'bodyTimeoutMs', problems);
  const toleranceSeconds = numberOption(options.toleranceSeconds, 300, 'toleranceSeconds', problems, 0);
  const leaseMs = numberOption(options.leaseMs, 30_000, 'leaseMs', problems, 10);
  const inProgressWaitMs = numberOption(options.inProgressWaitMs, 5_000, 'inProgressWaitMs', problems, 0);
  if (problems.length > 0) throw new HeroConfigError(problems.map((problem) => `createWebhookHandler: ${problem}`));

  const ownsStore = store === undefined;
  return {
    signingKey,
    on,
    onUnknown,
    store: store ?? (redisUrl !== undefined ? createRedisWebhookStore({ url: redisUrl }) : createMemoryWebhookStore()),
    ownsStore,
    onStoreUnavailable: options.onStoreUnavailable ?? 'reject',
    acknowledge: options.acknowledge ?? 'after-handler',
    maxBodyBytes,
    bodyTimeoutMs,
    toleranceSeconds,
    leaseMs,
    doneTtlMs: doneTtlMs(toleranceSeconds),
    inProgressWaitMs,
    onDelivery: options.onDelivery ?? logDeliveryProblems,
  };
}
