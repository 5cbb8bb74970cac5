/**
 * A stand-in for Hero's send endpoint for the campaign crash, fleet and overhead runs: a
 * token bucket of `rate` requests/s (429 with `Retry-After: 1` beyond it), and a count of
 * how many times each `patient_id` was processed (answered 200), so a test can prove no
 * item was sent twice. Also keeps every body it received, for the hostile tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingServerOptions {
  /** Requests processed per second; more get 429. @default Infinity */
  readonly rate?: number;
  /** Bucket size. @default 10 */
  readonly burst?: number;
  /** Keep the raw bodies (for hostile tests). @default false */
  readonly keepBodies?: boolean;
  /** Delay before answering, ms. @default 0 */
  readonly latencyMs?: number;
}

export interface CountingServer {
  readonly url: string;
  /** Times each patient_id was processed. */
  readonly processed: ReadonlyMap<string, number>;
  /** Answers of 429. */
  readonly rejected: () => number;
  /** Requests received, processed or not. */
  readonly received: () => number;
  /** Bodies received (with `keepBodies`). */
  readonly bodies: readonly string[];
  /** `performance.timeOrigin + now` of the first and last processed request. */
  readonly firstProcessedAt: () => number | undefined;
  readonly lastProcessedAt: () => number | undefined;
  /** Items processed more than once (each extra time counts). */
  duplicates(): number;
  reset(): void;
  close(): Promise<void>;
}

const OK_BODY = Buffer.from(JSON.stringify({ message_id: '12345', content: 'ok', created_at: '2024-03-15T14:00:00Z', snomed_code: '1', write_to_record: true }));
const LIMITED_BODY = Buffer.from(JSON.stringify({ error: true, statusCode: 429, message: 'Too Many Requests' }));

export async function startCountingServer(options: CountingServerOptions = {}): Promise<CountingServer> {
  const rate = options.rate ?? Infinity;
  const burst = options.burst ?? 10;
  const latencyMs = options.latencyMs ?? 0;
  const processed = new Map<string, number>();
  const bodies: string[] = [];
  let tokens = burst;
  let refilledAt = performance.now();
  let rejected = 0;
  let received = 0;
  let first: number | undefined;
  let last: number | undefined;

  const take = (): boolean => {
    if (rate === Infinity) return true;
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) * rate) / 1000);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received++;
      const body = Buffer.concat(chunks).toString('utf8');
      if (options.keepBodies) bodies.push(body);
      if (!take()) {
        rejected++;
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1', 'content-length': String(LIMITED_BODY.length) });
        response.end(LIMITED_BODY);
        return;
      }
      let id = '';
      try {
        id = String((JSON.parse(body) as { patient_id?: unknown }).patient_id ?? '');
      } catch {
        id = '';
      }
      processed.set(id, (processed.get(id) ?? 0) + 1);
      const now = performance.timeOrigin + performance.now();
      first ??= now;
      last = now;
      const answer = (): void => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(OK_BODY.length) });
        response.end(OK_BODY);
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    processed,
    rejected: () => rejected,
    received: () => received,
    bodies,
    firstProcessedAt: () => first,
    lastProcessedAt: () => last,
    duplicates: () => [...processed.values()].reduce((sum, times) => sum + Math.max(0, times - 1), 0),
    reset() {
      processed.clear();
      bodies.length = 0;
      rejected = 0;
      received = 0;
      first = undefined;
      last = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
