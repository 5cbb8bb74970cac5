/**
 * The web-standard handler, `(request: Request) => Promise<Response>`: Next.js route
 * handlers (`export const POST = handler.fetch`), Hono (`handler.fetch(c.req.raw)`), Bun,
 * Deno, Cloudflare-style runtimes with `node:crypto`.
 */
import { answers } from './answers.js';
import { readWebBody } from './read-body.js';
import type { IncomingWebhookRequest, Reception } from './receive.js';

export function createFetchHandler(receive: (request: IncomingWebhookRequest) => Promise<Reception>) {
  return async (request: Request): Promise<Response> => {
    let reception: Reception;
    try {
      reception = await receive({
        method: request.method,
        headers: request.headers,
        readBody: (maxBytes, timeoutMs) => readWebBody(request, maxBytes, timeoutMs),
      });
    } catch {
      reception = { answer: answers.internal, afterAnswer: () => {} };
    }
    const { status, headers, body } = reception.answer;
    // `connection` is a hop-by-hop header the runtime manages; a Response may not set it.
    const { connection: _connection, ...kept } = headers;
    const response = new Response(body, { status, headers: kept });
    // The runtime writes the response once it is returned; report (or start a 202's handler) just after.
    queueMicrotask(() => reception.afterAnswer());
    return response;
  };
}
