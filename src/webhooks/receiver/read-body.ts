/**
 * Reading a delivery's raw body with a size limit and a deadline, from a node request
 * (node:http, Express, Fastify) or a WHATWG `Request` (Hono, Next.js route handlers).
 * Nothing beyond the limit is buffered: a declared `Content-Length` over it is refused
 * unread, and a stream that grows past it is abandoned.
 */
import type { NodeBodySource } from './node-shapes.js';

/** What reading produced. */
export type BodyRead =
  | { readonly kind: 'ok'; readonly body: Uint8Array }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'timeout' }
  /** The sender went away (or the stream failed) before the end. */
  | { readonly kind: 'aborted' }
  /** Something read the stream first and left no raw bytes (a JSON body parser). */
  | { readonly kind: 'consumed' };

/** Whether a `Content-Length` header alone proves the body is over the limit. */
function declaredTooLarge(contentLength: string | readonly string[] | null | undefined, maxBytes: number): boolean {
  if (typeof contentLength !== 'string' || !/^\d+$/.test(contentLength.trim())) return false;
  return Number(contentLength) > maxBytes;
}

/** Raw bytes a framework already read (express.raw(), a text parser), or `undefined`. */
function alreadyRead(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return undefined;
}

/**
 * Reads a node request. When a framework read the stream already, its raw result
 * (`req.body` as a Buffer or string, as `express.raw()` leaves it) is used; a parsed object
 * there means the bytes are gone (`consumed`).
 */
export function readNodeBody(request: NodeBodySource, maxBytes: number, timeoutMs: number): Promise<BodyRead> {
  if (declaredTooLarge(request.headers?.['content-length'], maxBytes)) return Promise.resolve({ kind: 'too_large' });
  if (request.readableEnded) {
    const raw = alreadyRead(request.body);
    if (raw === undefined) return Promise.resolve({ kind: 'consumed' });
    return Promise.resolve(raw.length > maxBytes ? { kind: 'too_large' } : { kind: 'ok', body: raw });
  }
  // Gone before reading started (the receiver loads with the first delivery): its 'close' has passed.
  if (request.destroyed === true) return Promise.resolve({ kind: 'aborted' });
  return new Promise<BodyRead>((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAbort);
      request.off('close', onClose);
      // Stop reading what is left; the answer closes the connection (see answers.ts).
      if (result.kind !== 'ok') request.pause();
      resolve(result);
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.length;
      if (size > maxBytes) finish({ kind: 'too_large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'ok', body: Buffer.concat(chunks, size) });
    const onAbort = () => finish({ kind: 'aborted' });
    const onClose = () => {
      if (!request.readableEnded) onAbort();
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAbort);
    request.on('close', onClose);
  });
}

/** Reads a WHATWG request's body stream. */
export async function readWebBody(request: Request, maxBytes: number, timeoutMs: number): Promise<BodyRead> {
  if (declaredTooLarge(request.headers.get('content-length'), maxBytes)) return { kind: 'too_large' };
  if (request.bodyUsed) return { kind: 'consumed' };
  if (request.body === null) return { kind: 'ok', body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === 'timeout') {
        void reader.cancel().catch(() => {});
        return { kind: 'timeout' };
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => {});
        return { kind: 'too_large' };
      }
      chunks.push(next.value);
    }
  } catch {
    return { kind: 'aborted' };
  } finally {
    clearTimeout(timer);
  }
  return { kind: 'ok', body: Buffer.concat(chunks, size) };
}
