/**
 * The framework-free core of `createWebhookHandler`: method, body, verification,
 * dispatch, claim, answer. The adapters (node.ts, fetch.ts, fastify.ts) only read the
 * request and write the {@link WebhookAnswer}.
 */
import { HeroConfigError, HeroWebhookVerificationError } from '../../errors.js';
import type { HeroWebhookEvent } from '../events.js';
import { verifyWebhook } from '../verify.js';
import type { WebhookHeaders } from '../webhook-headers.js';
import { answers, type WebhookAnswer } from './answers.js';
import { acquireDelivery, runUnderLease, type LeaseRun } from './claim.js';
import { computeDeliveryKey } from './delivery-key.js';
import type { NormalizedWebhookHandlerOptions, WebhookDeliveryReport, WebhookEventHandler } from './options.js';
import type { BodyRead } from './read-body.js';

/** A request as the adapters hand it over. */
export interface IncomingWebhookRequest {
  readonly method: string | undefined;
  readonly headers: WebhookHeaders;
  readBody(maxBytes: number, timeoutMs: number): Promise<BodyRead>;
}

/** The answer to write, and what to do once it is written (report; start a handler queued behind a 202). */
export interface Reception {
  readonly answer: WebhookAnswer;
  afterAnswer(): void;
}

type ReportFields = Omit<WebhookDeliveryReport, 'status' | 'durationMs' | 'problems'> & { problems?: WebhookDeliveryReport['problems'] };

const CONSUMED = new HeroConfigError(
  'the webhook request body was read by a body parser (e.g. express.json()) before the webhook handler, so its raw bytes are gone; ' +
    'register the webhook route before app-wide body parsers, or use express.raw() on it',
);

/** The receiving core, with its in-flight handlers (for `close()`). */
export function createReceiver(options: NormalizedWebhookHandlerOptions) {
  const running = new Set<Promise<unknown>>();
  // Handlers of 202-answered deliveries whose answer is still being written: close() starts them.
  const unstarted = new Set<() => void>();
  let closed = false;

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => {});
    return work;
  };

  async function receive(request: IncomingWebhookRequest): Promise<Reception> {
    const startedAt = performance.now();
    const report = (fields: ReportFields, status: number) => {
      try {
        options.onDelivery({ ...fields, problems: fields.problems ?? [], status, durationMs: performance.now() - startedAt });
      } catch {
        // A failing log hook must not change the answer.
      }
    };
    const done = (answer: WebhookAnswer, fields: ReportFields): Reception => ({ answer, afterAnswer: () => report(fields, answer.status) });

    if (request.method?.toUpperCase() !== 'POST') return done(answers.methodNotAllowed, { outcome: 'method_not_allowed' });
    if (closed) return done(answers.unavailable, { outcome: 'closed' });

    const read = await request.readBody(options.maxBodyBytes, options.bodyTimeoutMs);
    if (read.kind === 'too_large') return done(answers.tooLarge, { outcome: 'too_large' });
    if (read.kind === 'timeout') return done(answers.bodyTimeout, { outcome: 'body_unreadable' });
    if (read.kind === 'aborted') return done(answers.aborted, { outcome: 'body_unreadable' });
    if (read.kind === 'consumed') return done(answers.internal, { outcome: 'body_unreadable', error: CONSUMED });
    // close() may have resolved while the body arrived: its caller is shutting down what handlers use.
    if (closed) return done(answers.unavailable, { outcome: 'closed' });

    let event: HeroWebhookEvent;
    try {
      event = verifyWebhook({ rawBody: read.body, headers: request.headers, signingKey: options.signingKey, toleranceSeconds: options.toleranceSeconds });
    } catch (error) {
      if (error instanceof HeroWebhookVerificationError) return done(answers.rejected(error.reason), { outcome: 'rejected', reason: error.reason });
      return done(answers.internal, { outcome: 'rejected', error });
    }
    const eventType = event.event;
    const handler = (event.event === 'unknown' ? options.onUnknown : options.on[event.event]) as WebhookEventHandler<HeroWebhookEvent> | undefined;
    if (handler === undefined) return done(answers.ignored, { outcome: 'ignored', eventType });

    const deliveryId = computeDeliveryKey(read.body, request.headers, options.signingKey);
    const acquired = await acquireDelivery(options.store, deliveryId, options.leaseMs, options.inProgressWaitMs);
    if (closed) {
      // Closed while claiming or waiting on another holder (its store may be closed too, which reads as store_failed).
      if (acquired.kind === 'claimed') await options.store.release(deliveryId, acquired.token).catch(() => false);
      return done(answers.unavailable, { outcome: 'closed', eventType, deliveryId });
    }
    if (acquired.kind === 'done') return done(answers.duplicate, { outcome: 'duplicate', eventType, deliveryId });
    if (acquired.kind === 'in_progress') {
      return done(answers.inProgress(Math.ceil(options.leaseMs / 1000)), { outcome: 'in_progress', eventType, deliveryId });
    }
    if (acquired.kind === 'store_failed' && options.onStoreUnavailable === 'reject') {
      return done(answers.unavailable, { outcome: 'store_unavailable', eventType, deliveryId, error: acquired.error });
    }

    // A handler may be a plain function: a synchronous throw becomes a rejection like an async one's.
    const run = (signal: AbortSignal) => new Promise<unknown>((resolve) => resolve(handler(event, { deliveryId, signal })));
    const work = (): Promise<LeaseRun> =>
      track(
        acquired.kind === 'claimed'
          ? runUnderLease(options.store, deliveryId, acquired.token, options, run)
          : // Fail open: no claim to renew, complete or release.
            run(new AbortController().signal).then(
              (): LeaseRun => ({ failed: false, problems: ['store_unavailable'] }),
              (error: unknown): LeaseRun => ({ failed: true, error, problems: ['store_unavailable'] }),
            ),
      );
    const outcome = (result: LeaseRun): ReportFields =>
      result.failed
        ? { outcome: 'handler_failed', eventType, deliveryId, problems: result.problems, error: result.error }
        : { outcome: 'handled', eventType, deliveryId, problems: result.problems };

    if (options.acknowledge === 'before-handler') {
      const start = () => {
        if (!unstarted.delete(start)) return;
        void work().then((result) => report(outcome(result), answers.accepted.status));
      };
      unstarted.add(start);
      return { answer: answers.accepted, afterAnswer: start };
    }
    const result = await work();
    return done(result.failed ? answers.handlerFailed : answers.handled, outcome(result));
  }

  return {
    receive,
    /** Refuses new deliveries (503, so Hero retries another receiver) and waits for running handlers. */
    async close(): Promise<void> {
      closed = true;
      // A 202 was (or is being) sent for these, so Hero will not retry them: they run now, and are waited for.
      for (const start of [...unstarted]) start();
      await Promise.allSettled([...running]);
    },
  };
}
