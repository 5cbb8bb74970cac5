/**
 * Signed deliveries for the webhook receiver tests. Signed independently of the SDK's
 * signer (node:crypto, as Hero's guide describes), so a bug in `signWebhookPayload` cannot
 * hide one in the receiver.
 */
import { createHmac } from 'node:crypto';

/** A delivery as Hero would send it. */
export interface SignedDelivery {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** The documented `appointment.confirmed` payload for appointment `id`. */
export function confirmedBody(id = '321', event = 'appointment.confirmed'): string {
  return JSON.stringify({ object: 'Appointment', id, practice_group_id: '654', event });
}

/** Signs `body` with `signingKey` at `timestamp` (Unix seconds, default now), hex signature. */
export function signDelivery(body: string | Buffer, signingKey: string, timestamp: number | string = Math.floor(Date.now() / 1000)): SignedDelivery {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const signature = createHmac('sha256', signingKey).update(`${timestamp}.`).update(bytes).digest('hex');
  return { body: bytes, headers: { 'content-type': 'application/json', 'x-herohealth-timestamp': String(timestamp), 'x-herohealth-signature': signature } };
}

/** POSTs a delivery with fetch; `headers` are added to (or override) the signed ones. */
export function postDelivery(url: string, delivery: SignedDelivery, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...delivery.headers, ...headers }, body: new Uint8Array(delivery.body) });
}

/** The delivery as a WHATWG Request, for `handler.fetch`. */
export function deliveryRequest(delivery: SignedDelivery, init: RequestInit = {}): Request {
  return new Request('http://127.0.0.1/hooks', { method: 'POST', headers: delivery.headers, body: new Uint8Array(delivery.body), ...init });
}

/** A promise with its resolve and reject, to hold a handler open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
