/**
 * The Fastify (4 and 5) plugin. Registered in its own encapsulated context, it replaces the
 * context's body parsers with one that leaves the stream unread, so the handler reads the
 * raw bytes itself (with its own limit) while the rest of the app keeps Fastify's JSON
 * parsing. Fastify is not imported: the shapes below are the part of it the plugin uses, and
 * Fastify's own `FastifyInstance` fits them (the tests compile `app.register(handler.fastify)`
 * against Fastify 4's and 5's types).
 */
import { answers } from './answers.js';
import type { NodeBodySource, NodeHeaders } from './node-shapes.js';
import { readNodeBody } from './read-body.js';
import type { IncomingWebhookRequest, Reception } from './receive.js';

/** The part of a Fastify request the plugin reads. */
export interface FastifyRequestLike {
  readonly method: string;
  readonly headers: NodeHeaders;
  readonly raw: NodeBodySource;
  readonly body?: unknown;
}

/** The part of a Fastify reply the plugin writes. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: string): FastifyReplyLike;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(contentType: string, parser: (request: unknown, payload: NodeBodySource, done: (error: Error | null, body?: unknown) => void) => void): void;
  post(path: string, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

/** Options of the plugin: `app.register(handler.fastify, { path: '/hooks' })`. */
export interface FastifyWebhookPluginOptions {
  /**
   * Route of the webhook, under the plugin's `prefix`.
   * @default '/'
   */
  readonly path?: string;
}

/** `handler.fastify`: register it with `app.register()`. */
export type FastifyWebhookPlugin = (instance: FastifyInstanceLike, options: FastifyWebhookPluginOptions) => Promise<void>;

function isStream(value: unknown): value is NodeBodySource {
  return typeof value === 'object' && value !== null && typeof (value as NodeBodySource).on === 'function' && typeof (value as NodeBodySource).pause === 'function';
}

export function createFastifyPlugin(receive: (request: IncomingWebhookRequest) => Promise<Reception>): FastifyWebhookPlugin {
  return async (instance, options) => {
    instance.removeAllContentTypeParsers();
    // Hand the stream over unread, whatever the content type (Hero documents none).
    instance.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    instance.post(options?.path ?? '/', async (request, reply) => {
      // A preParsing hook (decompression…) may have replaced the stream: read the one Fastify passed.
      const source = isStream(request.body) ? request.body : request.raw;
      let reception: Reception;
      try {
        reception = await receive({ method: request.method, headers: request.headers, readBody: (max, timeoutMs) => readNodeBody(source, max, timeoutMs) });
      } catch {
        reception = { answer: answers.internal, afterAnswer: () => {} };
      }
      const { status, headers, body } = reception.answer;
      reply.code(status);
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
      reply.send(body);
      reception.afterAnswer();
      return reply;
    });
  };
}
