/**
 * The `node:http` request listener, also an Express (4 and 5) route handler: Express's
 * `req` and `res` are node's, so nothing of Express is imported.
 */
import type { WebhookAnswer } from './answers.js';
import type { NodeRequest, NodeResponse } from './node-shapes.js';
import { readNodeBody } from './read-body.js';
import type { IncomingWebhookRequest, Reception } from './receive.js';

/** Writes an answer unless the response was already sent (then the connection is dropped). */
export function writeNodeAnswer(response: NodeResponse, answer: WebhookAnswer): void {
  if (response.headersSent || response.writableEnded) {
    response.destroy();
    return;
  }
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
  response.end(answer.body);
}

/** The request as the core reads it. */
export function fromNodeRequest(request: NodeRequest): IncomingWebhookRequest {
  return {
    method: request.method,
    headers: request.headers,
    readBody: (maxBytes, timeoutMs) => readNodeBody(request, maxBytes, timeoutMs),
  };
}

/** A `(req, res)` listener over `receive`; never rejects (Express 5 would pass a rejection to its error handler). */
export function createNodeListener(receive: (request: IncomingWebhookRequest) => Promise<Reception>) {
  return async (request: NodeRequest, response: NodeResponse): Promise<void> => {
    let reception: Reception;
    try {
      reception = await receive(fromNodeRequest(request));
    } catch {
      writeNodeAnswer(response, { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"error":"internal error"}' });
      return;
    }
    writeNodeAnswer(response, reception.answer);
    reception.afterAnswer();
  };
}
