import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the server does with one request:
 * - `respond`: answer with `status` (default 200), `headers` and `body`
 *   (a string as is; anything else as JSON; omitted = empty), after `delayMs`;
 * - `reset-before-body`: reset the connection (TCP RST) as soon as the request
 *   head arrives, without reading the body;
 * - `reset-after-body`: read the whole request, then reset without answering
 *   (the server "processed" it but the client never hears back);
 * - `hang`: read the request and never answer (until the client gives up or the server closes);
 * - `stall-body`: send status and headers, then never finish the body;
 * - `reset-mid-body`: send status, headers and part of the body, then reset the connection.
 */
export type FaultAction =
  | {
      readonly type: 'respond';
      readonly status?: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: unknown;
      readonly delayMs?: number;
    }
  | { readonly type: 'reset-before-body' }
  | { readonly type: 'reset-after-body' }
  | { readonly type: 'hang' }
  | { readonly type: 'stall-body'; readonly status?: number; readonly headers?: Readonly<Record<string, string>> }
  | { readonly type: 'reset-mid-body'; readonly status?: number };

/** A fixed action, or one chosen from the request received (e.g. to echo it). */
export type FaultScript = FaultAction | ((request: RecordedRequest) => FaultAction);

/** A request as the server received it. */
export interface RecordedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Request headers (lower-case names). */
  readonly headers: IncomingHttpHeaders;
  /** Body as UTF-8 text; empty for `reset-before-body`, which does not read it. */
  readonly body: string;
}

/** A scripted HTTP server on 127.0.0.1 for transport, contract, bench and soak tests. */
export interface FaultServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Port it listens on. */
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Queues actions, used one per request in order; then the fallback applies. */
  enqueue(...scripts: FaultScript[]): void;
  /** Sets the action used when the queue is empty. */
  setFallback(script: FaultScript): void;
  /** Clears the queue and the recorded requests; the fallback goes back to the default. */
  reset(): void;
  /** Drops every open connection (hanging ones included) and stops listening. */
  close(): Promise<void>;
}

/** Options of {@link startFaultServer}. */
export interface FaultServerOptions {
  /** Port to listen on. @default 0 (a free port) */
  port?: number;
  /** Action when the queue is empty. @default respond 200 with `{}` */
  fallback?: FaultScript;
}

const DEFAULT_FALLBACK: FaultAction = { type: 'respond', status: 200, body: {} };

/** Reads a request's whole body as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function resolveAction(script: FaultScript, request: RecordedRequest): FaultAction {
  return typeof script === 'function' ? script(request) : script;
}

function respond(response: ServerResponse, action: Extract<FaultAction, { type: 'respond' }>): void {
  const body =
    action.body === undefined ? '' : typeof action.body === 'string' ? action.body : JSON.stringify(action.body);
  const headers: Record<string, string> = { ...action.headers };
  if (typeof action.body !== 'string' && action.body !== undefined && !('content-type' in headers)) {
    headers['content-type'] = 'application/json';
  }
  response.writeHead(action.status ?? 200, headers);
  response.end(body);
}

/** Starts a {@link FaultServer} on 127.0.0.1; close it in teardown. */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const queue: FaultScript[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: FaultScript = options.fallback ?? DEFAULT_FALLBACK;
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((request, response) => {
    const script = queue.shift() ?? fallback;
    const head = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers };
    // Decide from the head alone only for the one action that must not read the body.
    if (typeof script !== 'function' && script.type === 'reset-before-body') {
      requests.push({ ...head, body: '' });
      request.socket.resetAndDestroy();
      return;
    }
    void readBody(request).then((body) => {
      const recorded: RecordedRequest = { ...head, body };
      requests.push(recorded);
      const action = resolveAction(script, recorded);
      switch (action.type) {
        case 'respond':
          if (action.delayMs) {
            const timer = setTimeout(() => {
              timers.delete(timer);
              respond(response, action);
            }, action.delayMs);
            timers.add(timer);
          } else {
            respond(response, action);
          }
          return;
        case 'reset-before-body':
        case 'reset-after-body':
          request.socket.resetAndDestroy();
          return;
        case 'hang':
          return;
        case 'stall-body':
          response.writeHead(action.status ?? 200, { 'content-type': 'application/json', ...action.headers });
          response.write('{"partial":');
          return;
        case 'reset-mid-body': {
          response.writeHead(action.status ?? 200, { 'content-type': 'application/json', 'content-length': '1000' });
          // Reset only once the head and the first bytes are on the wire.
          response.write('{"partial":', () => {
            const timer = setTimeout(() => {
              timers.delete(timer);
              request.socket.resetAndDestroy();
            }, 5);
            timers.add(timer);
          });
          return;
        }
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...scripts) => void queue.push(...scripts),
    setFallback: (script) => void (fallback = script),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = options.fallback ?? DEFAULT_FALLBACK;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A port on 127.0.0.1 with nothing listening, so connecting is refused
 * (ECONNREFUSED). Found by binding port 0 and closing it again.
 */
export async function findClosedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
