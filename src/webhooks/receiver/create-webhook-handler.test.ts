import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeroConfigError, HeroWebhookVerificationError } from '../../errors.js';
import { authenticVariants, expectTyped, nonObjectVariants, tamperedVariants } from '../../../test/helpers/webhook-variants.js';
import { confirmedBody, deferred, deliveryRequest, signDelivery } from '../../../test/helpers/webhook-deliveries.js';
import { verifyWebhook } from '../verify.js';
import { createWebhookHandler } from './create-webhook-handler.js';
import type { WebhookDeliveryStore } from './delivery-store.js';
import { createMemoryWebhookStore } from './memory-store.js';
import { normalizeWebhookHandlerOptions, type WebhookDeliveryReport, type WebhookEventHandlers, type WebhookHandlerOptions } from './options.js';
import { createReceiver } from './receive.js';
import { KNOWN_HERO_WEBHOOK_EVENT_TYPES, type HeroWebhookEvent } from '../events.js';

const signingKey = 'receiver-test-signing-key-do-not-log';

/** A handler whose reports are collected, with `appointment.confirmed` counted. */
function setup(overrides: Partial<WebhookHandlerOptions> = {}) {
  const reports: WebhookDeliveryReport[] = [];
  const handled: string[] = [];
  const handler = createWebhookHandler({
    signingKey,
    on: { 'appointment.confirmed': (event) => void handled.push(event.id) },
    onDelivery: (report) => reports.push(report),
    ...overrides,
  });
  return { handler, reports, handled };
}

async function answer(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createWebhookHandler: dispatch', () => {
  it('hands the typed event and its delivery id to on[event] and answers 200 once the handler settled', async () => {
    const release = deferred();
    const seen: unknown[] = [];
    const { handler, reports } = setup({
      on: {
        'appointment.confirmed': async (event, context) => {
          seen.push({ object: event.object, id: event.id, deliveryId: context.deliveryId, aborted: context.signal.aborted });
          await release.promise;
        },
      },
    });
    let settled = false;
    const pending = handler.fetch(deliveryRequest(signDelivery(confirmedBody('7'), signingKey))).then((r) => ((settled = true), r));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release.resolve();
    expect(await answer(await pending)).toEqual({ status: 200, body: { status: 'handled' } });
    expect(seen).toEqual([{ object: 'Appointment', id: '7', deliveryId: expect.stringMatching(/^[0-9a-f]{32}$/), aborted: false }]);
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'handled', status: 200, eventType: 'appointment.confirmed', problems: [] }]));
  });

  it('sends events this SDK cannot type to onUnknown', async () => {
    const unknown: unknown[] = [];
    const { handler } = setup({ onUnknown: (event) => void unknown.push([event.type, event.payload]) });
    const body = JSON.stringify({ object: 'Invoice', id: '1', event: 'invoice.paid' });
    expect((await handler.fetch(deliveryRequest(signDelivery(body, signingKey)))).status).toBe(200);
    expect(unknown).toEqual([['invoice.paid', JSON.parse(body)]]);
  });

  it('acknowledges, without recording, an authentic event nobody handles (a known type or an unknown one)', async () => {
    const store = createMemoryWebhookStore();
    const claim = vi.spyOn(store, 'claim');
    const { handler, reports } = setup({ store });
    for (const body of [confirmedBody('1', 'appointment.cancelled'), JSON.stringify({ event: 'invoice.paid' })]) {
      expect(await answer(await handler.fetch(deliveryRequest(signDelivery(body, signingKey))))).toEqual({ status: 200, body: { status: 'ignored' } });
    }
    expect(claim).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(reports.map((r) => [r.outcome, r.eventType])).toEqual([['ignored', 'appointment.cancelled'], ['ignored', 'unknown']]));
  });
});

describe('createWebhookHandler: every authentic variant', () => {
  it('accepts each one, hands over the typed event, and runs each distinct delivery once', async () => {
    const received = new Map<string, HeroWebhookEvent[]>();
    const record = (event: HeroWebhookEvent, deliveryId: string) => received.set(deliveryId, [...(received.get(deliveryId) ?? []), event]);
    const on = Object.fromEntries(KNOWN_HERO_WEBHOOK_EVENT_TYPES.map((type) => [type, (event: HeroWebhookEvent, { deliveryId }: { deliveryId: string }) => record(event, deliveryId)])) as WebhookEventHandlers;
    const reports: WebhookDeliveryReport[] = [];
    const handler = createWebhookHandler({ signingKey, on, onUnknown: (event, { deliveryId }) => record(event, deliveryId), onDelivery: (r) => reports.push(r) });
    const variants = authenticVariants(signingKey, Math.floor(Date.now() / 1000));
    for (const variant of variants) {
      const response = await handler.fetch(new Request('http://127.0.0.1/hooks', { method: 'POST', headers: variant.headers, body: new Uint8Array(variant.body) }));
      expect({ name: variant.name, status: response.status }).toEqual({ name: variant.name, status: 200 });
      await vi.waitFor(() => expect(reports.length).toBeGreaterThan(0));
      const report = reports.pop()!;
      // The same body and timestamp with the signature in another encoding is the same delivery.
      const events = received.get(report.deliveryId!)!;
      expect(events).toHaveLength(1);
      if (report.outcome === 'handled') expectTyped(events[0]!, variant);
      else expect(report.outcome).toBe('duplicate');
    }
    expect(received.size).toBeGreaterThan(30);
  });
});

describe('createWebhookHandler: each delivery handled once', () => {
  it('acknowledges a replay of a handled delivery without running the handler, however the signature is re-encoded', async () => {
    const { handler, handled, reports } = setup();
    const delivery = signDelivery(confirmedBody(), signingKey);
    const hex = delivery.headers['x-herohealth-signature']!;
    expect(await answer(await handler.fetch(deliveryRequest(delivery)))).toEqual({ status: 200, body: { status: 'handled' } });
    for (const signature of [hex, hex.toUpperCase(), `sha256=${hex}`, Buffer.from(hex, 'hex').toString('base64')]) {
      const replay = { ...delivery, headers: { ...delivery.headers, 'x-herohealth-signature': signature } };
      expect(await answer(await handler.fetch(deliveryRequest(replay)))).toEqual({ status: 200, body: { status: 'duplicate' } });
    }
    expect(handled).toEqual(['321']);
    await vi.waitFor(() => expect(reports.map((r) => r.outcome)).toEqual(['handled', 'duplicate', 'duplicate', 'duplicate', 'duplicate']));
    expect(new Set(reports.map((r) => r.deliveryId)).size).toBe(1);
  });

  it('treats the same body signed at another second as another delivery', async () => {
    const { handler, handled } = setup();
    const now = Math.floor(Date.now() / 1000);
    await handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey, now)));
    await handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey, now - 1)));
    expect(handled).toEqual(['321', '321']);
  });

  it('answers 500 without the error when the handler throws, and runs it again on the retry', async () => {
    let calls = 0;
    const { handler, reports } = setup({
      on: {
        'appointment.confirmed': () => {
          calls += 1;
          if (calls === 1) throw new Error('downstream unavailable for patient 9434765919');
        },
      },
    });
    const delivery = signDelivery(confirmedBody(), signingKey);
    const failed = await handler.fetch(deliveryRequest(delivery));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('{"error":"handler failed"}');
    expect(await answer(await handler.fetch(deliveryRequest(delivery)))).toEqual({ status: 200, body: { status: 'handled' } });
    expect(await answer(await handler.fetch(deliveryRequest(delivery)))).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(calls).toBe(2);
    await vi.waitFor(() => expect(reports.map((r) => r.outcome)).toEqual(['handler_failed', 'handled', 'duplicate']));
    expect(reports[0]!.error).toBeInstanceOf(Error);
  });

  it('runs concurrent copies of one delivery once: the others wait for the outcome and answer 200', async () => {
    const release = deferred();
    let calls = 0;
    const { handler } = setup({
      on: {
        'appointment.confirmed': async () => {
          calls += 1;
          await release.promise;
        },
      },
    });
    const delivery = signDelivery(confirmedBody(), signingKey);
    const answers = Array.from({ length: 5 }, () => handler.fetch(deliveryRequest(delivery)).then(answer));
    await vi.waitFor(() => expect(calls).toBe(1));
    release.resolve();
    const bodies = (await Promise.all(answers)).map((a) => `${a.status} ${String(a.body.status)}`).sort();
    expect(bodies).toEqual(['200 duplicate', '200 duplicate', '200 duplicate', '200 duplicate', '200 handled']);
    expect(calls).toBe(1);
  });

  it('answers 503 with Retry-After when another copy is still running after inProgressWaitMs', async () => {
    vi.useFakeTimers();
    const release = deferred();
    const { handler, reports } = setup({ inProgressWaitMs: 1_000, leaseMs: 20_000, on: { 'appointment.confirmed': () => release.promise } });
    const delivery = signDelivery(confirmedBody(), signingKey);
    const first = handler.fetch(deliveryRequest(delivery));
    await vi.advanceTimersByTimeAsync(5);
    const second = handler.fetch(deliveryRequest(delivery));
    await vi.advanceTimersByTimeAsync(1_100);
    const busy = await second;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('20');
    release.resolve();
    expect((await first).status).toBe(200);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports.map((r) => r.outcome).sort()).toEqual(['handled', 'in_progress']);
  });

  it('takes over a delivery whose holder died once its lease expires', async () => {
    vi.useFakeTimers();
    const store = createMemoryWebhookStore();
    const { handler, handled, reports } = setup({ store, leaseMs: 2_000, inProgressWaitMs: 5_000 });
    const delivery = signDelivery(confirmedBody(), signingKey);
    // Learn the delivery's key from a first run, then plant a lease of a receiver that was SIGKILLed.
    const probe = setup({ onDelivery: (r) => reports.push(r) });
    await probe.handler.fetch(deliveryRequest(delivery));
    const deliveryId = reports.pop()!.deliveryId!;
    expect(await store.claim(deliveryId, 'p:killed-receiver', 2_000)).toBe('claimed');

    const retry = handler.fetch(deliveryRequest(delivery));
    await vi.advanceTimersByTimeAsync(1_500);
    expect(handled).toEqual([]);
    await vi.advanceTimersByTimeAsync(800);
    expect(await answer(await retry)).toEqual({ status: 200, body: { status: 'handled' } });
    expect(handled).toEqual(['321']);
  });

  it('renews the lease while a slow handler runs, so a copy arriving later still does not run it', async () => {
    vi.useFakeTimers();
    const release = deferred();
    let calls = 0;
    const { handler } = setup({
      leaseMs: 3_000,
      inProgressWaitMs: 60_000,
      on: {
        'appointment.confirmed': async () => {
          calls += 1;
          await release.promise;
        },
      },
    });
    const delivery = signDelivery(confirmedBody(), signingKey);
    const first = handler.fetch(deliveryRequest(delivery));
    await vi.advanceTimersByTimeAsync(10_000);
    const second = handler.fetch(deliveryRequest(delivery));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
    release.resolve();
    await vi.advanceTimersByTimeAsync(300);
    expect(await answer(await first)).toEqual({ status: 200, body: { status: 'handled' } });
    expect(await answer(await second)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(calls).toBe(1);
  });

  it('aborts the handler\'s signal and reports lease_lost when the lease cannot be renewed', async () => {
    vi.useFakeTimers();
    const memory = createMemoryWebhookStore();
    const store: WebhookDeliveryStore = { ...memory, renew: async () => false };
    const release = deferred();
    let signal: AbortSignal | undefined;
    const { handler, reports } = setup({
      store,
      leaseMs: 3_000,
      on: {
        'appointment.confirmed': async (_event, context) => {
          signal = context.signal;
          await release.promise;
        },
      },
    });
    const pending = handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey)));
    await vi.advanceTimersByTimeAsync(1_100);
    expect(signal?.aborted).toBe(true);
    release.resolve();
    expect((await pending).status).toBe(200);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toMatchObject([{ outcome: 'handled', problems: ['lease_lost'] }]);
  });
});

describe('createWebhookHandler: refused deliveries', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  // The receiver loads with the first delivery (create-webhook-handler.ts): a sender can go away
  // before it starts reading, and no 'close' event will come then.
  it('answers 400 at once (not after bodyTimeoutMs) to a node request whose sender went away before its body was read', async () => {
    const { handler, reports } = setup({ bodyTimeoutMs: 60_000 });
    const written: number[] = [];
    const request = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
      readableEnded: false,
      destroyed: true,
      on: () => request,
      off: () => request,
      pause: () => request,
    };
    const response = { headersSent: false, writableEnded: false, writeHead: (status: number) => void written.push(status), end: () => {}, destroy: () => {} };
    void handler.node(request, response);
    await vi.waitFor(() => expect(written).toEqual([400]), { timeout: 2000 });
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'body_unreadable', status: 400 }]));
  });

  it('refuses every tampered, stale, unsigned or non-object delivery with 400 and verifyWebhook\'s own reason', async () => {
    const { handler, handled, reports } = setup();
    const variants = [...tamperedVariants(signingKey, nowSeconds()), ...nonObjectVariants(signingKey, nowSeconds())];
    expect(variants.length).toBeGreaterThan(20);
    for (const variant of variants) {
      let expected: string | undefined;
      try {
        verifyWebhook({ rawBody: variant.body, headers: variant.headers, signingKey });
      } catch (error) {
        expected = (error as HeroWebhookVerificationError).reason;
      }
      // An empty body cannot be sent as a Request body either; verifyWebhook calls it body_not_raw.
      const response = await handler.fetch(new Request('http://127.0.0.1/hooks', { method: 'POST', headers: variant.headers, body: new Uint8Array(variant.body) }));
      expect({ name: variant.name, ...(await answer(response)) }).toEqual({
        name: variant.name,
        status: 400,
        body: { error: 'webhook verification failed', reason: expected },
      });
    }
    expect(handled).toEqual([]);
    await vi.waitFor(() => expect(reports).toHaveLength(variants.length));
    expect(reports.every((r) => r.outcome === 'rejected' && r.deliveryId === undefined)).toBe(true);
  });

  it('refuses a replay of a handled delivery as stale once it is older than the tolerance', async () => {
    vi.useFakeTimers();
    const { handler, handled } = setup({ toleranceSeconds: 60 });
    const delivery = signDelivery(confirmedBody(), signingKey);
    expect((await handler.fetch(deliveryRequest(delivery))).status).toBe(200);
    vi.setSystemTime(Date.now() + 62_000);
    expect(await answer(await handler.fetch(deliveryRequest(delivery)))).toEqual({
      status: 400,
      body: { error: 'webhook verification failed', reason: 'timestamp_out_of_tolerance' },
    });
    expect(handled).toEqual(['321']);
  });

  it('answers 413 to a body over maxBodyBytes, declared or streamed, without verifying it', async () => {
    const { handler, handled, reports } = setup({ maxBodyBytes: 1_000 });
    const big = signDelivery(JSON.stringify({ event: 'appointment.confirmed', padding: 'x'.repeat(2_000) }), signingKey);
    expect((await handler.fetch(deliveryRequest(big))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(400));
        controller.close();
      },
    });
    const streamed = new Request('http://127.0.0.1/hooks', { method: 'POST', headers: big.headers, body: stream, duplex: 'half' } as RequestInit);
    expect(await answer(await handler.fetch(streamed))).toEqual({ status: 413, body: { error: 'body too large' } });
    expect(handled).toEqual([]);
    await vi.waitFor(() => expect(reports.map((r) => r.outcome)).toEqual(['too_large', 'too_large']));
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const body = confirmedBody();
    const { handler, handled } = setup({ maxBodyBytes: Buffer.byteLength(body) });
    expect((await handler.fetch(deliveryRequest(signDelivery(body, signingKey)))).status).toBe(200);
    expect(handled).toEqual(['321']);
  });

  it('answers 408 when the body does not arrive within bodyTimeoutMs', async () => {
    vi.useFakeTimers();
    const { handler } = setup({ bodyTimeoutMs: 2_000 });
    const never = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new Uint8Array([123])) });
    const pending = handler.fetch(new Request('http://127.0.0.1/hooks', { method: 'POST', body: never, duplex: 'half' } as RequestInit));
    await vi.advanceTimersByTimeAsync(2_001);
    expect((await pending).status).toBe(408);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const { handler } = setup();
    const response = await handler.fetch(new Request('http://127.0.0.1/hooks'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 500 and reports a configuration error when the body was read before it', async () => {
    const { handler, reports } = setup();
    const request = deliveryRequest(signDelivery(confirmedBody(), signingKey));
    await request.text();
    expect(await answer(await handler.fetch(request))).toEqual({ status: 500, body: { error: 'internal error' } });
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    expect(reports[0]).toMatchObject({ outcome: 'body_unreadable', error: expect.any(HeroConfigError) });
    expect(String((reports[0]!.error as Error).message)).toMatch(/body parser/);
  });
});

describe('createWebhookHandler: when the store fails', () => {
  const failing = (): WebhookDeliveryStore => ({
    claim: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    },
    renew: async () => false,
    complete: async () => false,
    release: async () => false,
  });

  it('fails closed by default: 503 with Retry-After, handler not run', async () => {
    const { handler, handled, reports } = setup({ store: failing() });
    const response = await handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey)));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(await response.text()).toBe('{"error":"temporarily unavailable"}');
    expect(handled).toEqual([]);
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'store_unavailable', status: 503 }]));
  });

  it("runs the handler without a claim under onStoreUnavailable: 'handle', and says so", async () => {
    const { handler, handled, reports } = setup({ store: failing(), onStoreUnavailable: 'handle' });
    expect((await handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey)))).status).toBe(200);
    expect(handled).toEqual(['321']);
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'handled', problems: ['store_unavailable'] }]));
  });

  // A handler may be a plain function. Run without a claim, one that threw synchronously escaped the
  // receiver: 500 "internal error" with no report (after-handler), and under before-handler the throw
  // came out of afterAnswer(), rejecting handler.node and throwing in handler.fetch's microtask.
  it("reports a handler that throws synchronously, run without a claim, as handler_failed (500; 202 under before-handler)", async () => {
    const throwing = (): never => {
      throw new Error('sync failure');
    };
    const after = setup({ store: failing(), onStoreUnavailable: 'handle', on: { 'appointment.confirmed': throwing } });
    expect(await answer(await after.handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey))))).toEqual({ status: 500, body: { error: 'handler failed' } });
    await vi.waitFor(() => expect(after.reports).toMatchObject([{ outcome: 'handler_failed', status: 500, problems: ['store_unavailable'] }]));

    const reports: WebhookDeliveryReport[] = [];
    const delivery = signDelivery(confirmedBody('2'), signingKey);
    const receiver = createReceiver(
      normalizeWebhookHandlerOptions({ signingKey, store: failing(), onStoreUnavailable: 'handle', acknowledge: 'before-handler', on: { 'appointment.confirmed': throwing }, onDelivery: (r) => reports.push(r) }),
    );
    const reception = await receiver.receive({ method: 'POST', headers: delivery.headers, readBody: async () => ({ kind: 'ok', body: delivery.body }) });
    expect(reception.answer.status).toBe(202);
    expect(() => reception.afterAnswer()).not.toThrow();
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'handler_failed', status: 202, problems: ['store_unavailable'] }]));
    await receiver.close();
  });

  it('still answers 200 when the handler ran but the done marker could not be written', async () => {
    const store: WebhookDeliveryStore = {
      ...createMemoryWebhookStore(),
      complete: async () => {
        throw new Error('Redis did not answer within 1000 ms');
      },
    };
    const { handler, reports } = setup({ store });
    expect((await handler.fetch(deliveryRequest(signDelivery(confirmedBody(), signingKey)))).status).toBe(200);
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'handled', problems: ['done_marker_failed'] }]));
  });
});

describe("createWebhookHandler: acknowledge: 'before-handler'", () => {
  it('answers 202 before the handler runs, then reports its outcome; a failure releases the claim', async () => {
    const release = deferred();
    let calls = 0;
    const { handler, reports } = setup({
      acknowledge: 'before-handler',
      on: {
        'appointment.confirmed': async () => {
          calls += 1;
          if (calls === 1) {
            await release.promise;
            throw new Error('queue full');
          }
        },
      },
    });
    const delivery = signDelivery(confirmedBody(), signingKey);
    expect(await answer(await handler.fetch(deliveryRequest(delivery)))).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(reports).toEqual([]);
    release.resolve();
    await vi.waitFor(() => expect(reports).toMatchObject([{ outcome: 'handler_failed', status: 202 }]));
    expect((await handler.fetch(deliveryRequest(delivery))).status).toBe(202);
    await vi.waitFor(() => expect(reports.map((r) => r.outcome)).toEqual(['handler_failed', 'handled']));
    expect(calls).toBe(2);
  });
});

describe('createWebhookHandler: close()', () => {
  it('waits for running handlers, then answers 503 so Hero retries another receiver', async () => {
    const release = deferred();
    const { handler } = setup({ on: { 'appointment.confirmed': () => release.promise } });
    const running = handler.fetch(deliveryRequest(signDelivery(confirmedBody('1'), signingKey)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    let closed = false;
    const closing = handler.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    expect((await handler.fetch(deliveryRequest(signDelivery(confirmedBody('2'), signingKey)))).status).toBe(503);
    release.resolve();
    await closing;
    expect((await running).status).toBe(200);
  });

  it('never runs a handler after close() resolved: a delivery still arriving when it was called is answered 503', async () => {
    for (const acknowledge of ['after-handler', 'before-handler'] as const) {
      const delivery = signDelivery(confirmedBody('1'), signingKey);
      let push!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (controller) => void (push = controller) });
      const { handler, handled } = setup({ acknowledge });
      const request = new Request('http://127.0.0.1/hooks', { method: 'POST', headers: delivery.headers, body, duplex: 'half' } as RequestInit);
      const pending = handler.fetch(request);
      push.enqueue(new Uint8Array(delivery.body.subarray(0, 10)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await handler.close();
      push.enqueue(new Uint8Array(delivery.body.subarray(10)));
      push.close();
      expect((await pending).status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(handled).toEqual([]);
    }
  });

  it('runs, and waits for, the handler of a delivery answered 202 whose answer was still being written when close() was called', async () => {
    const delivery = signDelivery(confirmedBody('1'), signingKey);
    const handled: string[] = [];
    const receiver = createReceiver(
      normalizeWebhookHandlerOptions({ signingKey, acknowledge: 'before-handler', on: { 'appointment.confirmed': async (event) => void handled.push(event.id) }, onDelivery: () => {} }),
    );
    const reception = await receiver.receive({ method: 'POST', headers: delivery.headers, readBody: async () => ({ kind: 'ok', body: delivery.body }) });
    expect(reception.answer.status).toBe(202);
    await receiver.close();
    expect(handled).toEqual(['1']);
    reception.afterAnswer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handled).toEqual(['1']);
  });

  it('never runs a handler after close() resolved: a delivery waiting on another holder\'s lease is answered 503', async () => {
    const store = createMemoryWebhookStore();
    const delivery = signDelivery(confirmedBody('1'), signingKey);
    const release = deferred();
    const holder = createWebhookHandler({ signingKey, store, on: { 'appointment.confirmed': () => release.promise }, onDelivery: () => {} });
    const { handler, handled } = setup({ store, inProgressWaitMs: 5_000 });
    const first = holder.fetch(deliveryRequest(delivery));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = handler.fetch(deliveryRequest(delivery));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await handler.close();
    // The holder fails, so its lease is released and the waiting copy would take it over.
    release.reject(new Error('holder failed'));
    expect((await first).status).toBe(500);
    expect((await second).status).toBe(503);
    expect(handled).toEqual([]);
    await holder.close();
  });
});

describe('createWebhookHandler: nothing of the key or the body leaks', () => {
  it('keeps the signing key and the body out of every answer, report and default log line', async () => {
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
    const secretId = '9434765919';
    const body = confirmedBody(secretId);
    const handler = createWebhookHandler({
      signingKey,
      maxBodyBytes: 400,
      on: {
        'appointment.confirmed': (event) => {
          throw new Error(`could not book for ${event.id} with ${signingKey}`);
        },
      },
    });
    const storeDown = createWebhookHandler({
      signingKey,
      store: { claim: async () => Promise.reject(new Error(`redis://:${signingKey}@127.0.0.1`)), renew: async () => false, complete: async () => false, release: async () => false },
      on: { 'appointment.confirmed': () => {} },
    });
    const good = signDelivery(body, signingKey);
    const requests = [
      handler.fetch(deliveryRequest(good)),
      handler.fetch(deliveryRequest({ ...good, body: Buffer.from(body.replace('654', '655')) })),
      handler.fetch(deliveryRequest(signDelivery(body, signingKey, Math.floor(Date.now() / 1000) - 3_600))),
      handler.fetch(deliveryRequest(signDelivery(`{"id":"${secretId}","pad":"${'x'.repeat(500)}"}`, signingKey))),
      handler.fetch(deliveryRequest(signDelivery(`{"id":"${secretId}"`, signingKey))),
      storeDown.fetch(deliveryRequest(signDelivery(confirmedBody(secretId, 'appointment.confirmed'), signingKey, Math.floor(Date.now() / 1000) - 1))),
    ];
    const texts = await Promise.all(requests.map(async (r) => `${(await r).status} ${[...(await r).headers].join(';')} ${await (await r).text()}`));
    expect(texts.map((t) => t.slice(0, 3))).toEqual(['500', '400', '400', '413', '400', '503']);
    // Log lines may follow the answers; waited for, not slept on (a loaded machine is slow).
    await vi.waitFor(() => expect(lines.length).toBeGreaterThanOrEqual(6), { timeout: 5_000 });
    for (const text of [...texts, ...lines]) {
      expect(text).not.toContain(signingKey);
      expect(text).not.toContain(secretId);
      // A delivery key is a hex digest, which holds "654" by chance about once in 150 runs.
      expect(text.replace(/\b[0-9a-f]{32,64}\b/g, '<digest>')).not.toContain('654');
    }
  });
});

describe('createWebhookHandler: the default log line', () => {
  it('says what to fix for a configuration problem, and only the class of any other error', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    const consumed = deliveryRequest(signDelivery(confirmedBody(), signingKey));
    await consumed.text();
    const handler = createWebhookHandler({ signingKey, on: { 'appointment.confirmed': () => Promise.reject(new TypeError('patient 9434765919 not found')) } });
    await handler.fetch(consumed);
    await handler.fetch(deliveryRequest(signDelivery(confirmedBody('2'), signingKey)));
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    expect(lines[0]).toMatch(/^hero webhook: body_unreadable \(500\) error=HeroConfigError: .*body parser/);
    expect(lines[1]).toMatch(/^hero webhook: handler_failed \(500\) event=appointment.confirmed delivery=[0-9a-f]{32} error=TypeError$/);
  });
});

describe('createWebhookHandler options', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no signing key', { signingKey: '' }, /signingKey must be a non-empty string/],
    ['a handler for an event type that does not exist', { signingKey, on: { 'appointment.confirm': () => {} } }, /"appointment.confirm" is not an event type/],
    ['a handler that is not a function', { signingKey, on: { 'appointment.confirmed': 'yes' } }, /must be a function/],
    ['both redisUrl and store', { signingKey, redisUrl: 'redis://127.0.0.1:1', store: createMemoryWebhookStore() }, /redisUrl or store, not both/],
    ['a negative body limit', { signingKey, maxBodyBytes: -1 }, /maxBodyBytes must be/],
    ['an unknown store policy', { signingKey, onStoreUnavailable: 'ignore' }, /onStoreUnavailable must be/],
    ['a redis URL of another scheme', { signingKey, redisUrl: 'http://127.0.0.1:6379' }, /redis:\/\//],
  ])('refuse %s with a HeroConfigError naming it', (_case, options, message) => {
    expect(() => createWebhookHandler(options as never)).toThrow(HeroConfigError);
    expect(() => createWebhookHandler(options as never)).toThrow(message);
  });

  // Node fires a timer longer than 2^31-1 ms after 1 ms: a "never time out" bodyTimeoutMs answered
  // every delivery 408, and a long leaseMs renewed the lease in a tight loop.
  it.each([
    ['bodyTimeoutMs', { bodyTimeoutMs: 3_000_000_000 }],
    ['leaseMs', { leaseMs: 10_000_000_000 }],
    ['inProgressWaitMs', { inProgressWaitMs: 3_000_000_000 }],
    ['toleranceSeconds', { toleranceSeconds: 1e22 }],
  ])('refuse a %s longer than a timer can wait, naming it', (name, options) => {
    expect(() => createWebhookHandler({ signingKey, ...options })).toThrow(HeroConfigError);
    expect(() => createWebhookHandler({ signingKey, ...options })).toThrow(new RegExp(`${name} must be`));
  });

  it('take the longest time a timer can wait, and handle a body that arrives after a few milliseconds', async () => {
    const { handler, handled } = setup({ bodyTimeoutMs: 2_147_483_647, leaseMs: 2_147_483_647, inProgressWaitMs: 2_147_483_647 });
    const signed = signDelivery(confirmedBody('9'), signingKey);
    const bytes = new Uint8Array(signed.body);
    const late = new ReadableStream<Uint8Array>({
      start: (controller) => {
        setTimeout(() => {
          controller.enqueue(bytes);
          controller.close();
        }, 30);
      },
    });
    const request = new Request('http://127.0.0.1/hooks', { method: 'POST', headers: signed.headers, body: late, duplex: 'half' } as RequestInit);
    expect((await handler.fetch(request)).status).toBe(200);
    expect(handled).toEqual(['9']);
    await handler.close();
  });

  it('never put the signing key in a configuration error', () => {
    try {
      createWebhookHandler({ signingKey, maxBodyBytes: Number.NaN });
    } catch (error) {
      expect(String(error)).not.toContain(signingKey);
      return;
    }
    expect.unreachable();
  });
});
