/**
 * The parts of node's `IncomingMessage`, `ServerResponse` and readable streams the receiver
 * uses, declared here so the package's public types do not need `@types/node` (a consumer
 * without it still type-checks). node's own classes, Express's and Fastify's fit them.
 */

/** Request headers as node gives them (lower-case names). */
export type NodeHeaders = { readonly [name: string]: string | readonly string[] | undefined };

/** A readable body stream: a node request, or the stream a framework hands over instead. */
export interface NodeBodySource {
  readonly headers?: NodeHeaders;
  /** What a framework's body parser left, e.g. express.raw()'s Buffer. */
  readonly body?: unknown;
  readonly readableEnded: boolean;
  /** True once the stream is destroyed (the sender went away): no more events will come. */
  readonly destroyed?: boolean;
  // `any`: node's listener signatures differ per event, and only this form accepts all of them.
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
}

/** The request of a `node:http` listener or an Express route. */
export interface NodeRequest extends NodeBodySource {
  readonly method?: string | undefined;
  readonly headers: NodeHeaders;
}

/** The response of a `node:http` listener or an Express route. */
export interface NodeResponse {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  end(chunk: string): unknown;
  destroy(): unknown;
}
