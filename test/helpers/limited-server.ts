/**
 * The rate-limited server of `npm run bench:rate-limit`, run as a child process (see
 * ../spawn-server.ts): a token bucket of `rate` requests/s holding `burst`, full at
 * start; beyond it, 429 with `Retry-After: 1` (whole seconds, as HTTP allows). A rate
 * of 0 means no limit. Optionally a share of requests gets a stray error that the
 * client's rate did not cause (a deploy behind a load balancer, a proxy blip, another
 * service on the same key): decided before the bucket, so it takes no token. Counts
 * what an honest judge needs: attempts, 429s, stray errors, and how often each send
 * was processed.
 *
 * `latencyMs` delays each request by half of it before the bucket decides and the
 * answer by the other half, as a distant server would.
 *
 * Args: <rate> <burst> [latency ms] [stray %] [stray status] [stray Retry-After s] [seed].
 * IPC: `stats` → {@link LimitedServerStats}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { markerOf, SEND_MESSAGE_RESPONSE_JSON } from './fixtures.js';
import { seededRandom } from './seeded-random.js';

/** What the server saw. */
export interface LimitedServerStats {
  readonly attempts: number;
  /** 429s of the limit itself. */
  readonly rejected: number;
  /** Stray errors answered. */
  readonly stray: number;
  readonly processed: number;
  /** Sends processed more than once (each extra time counts once). */
  readonly duplicates: number;
}

const rate = Number(process.argv[2] ?? 50);
const burst = Number(process.argv[3] ?? 10);
const latencyMs = Number(process.argv[4] ?? 0);
const strayShare = Number(process.argv[5] ?? 0) / 100;
const strayStatus = Number(process.argv[6] ?? 503);
const strayRetryAfter = process.argv[7] ?? '0';
const random = seededRandom(Number(process.argv[8] ?? 1));
const later = (fn: () => void): void => {
  if (latencyMs > 0) setTimeout(fn, latencyMs / 2);
  else fn();
};
const okBody = Buffer.from(SEND_MESSAGE_RESPONSE_JSON);
const okHeaders = { 'content-type': 'application/json', 'content-length': String(okBody.length) };
const errorAnswer = (status: number, retryAfter: string): [Buffer, Record<string, string>] => {
  const body = Buffer.from(JSON.stringify({ error: true, statusCode: status, message: status === 429 ? 'Too Many Requests' : 'Service Unavailable' }));
  return [body, { 'content-type': 'application/json', 'content-length': String(body.length), ...(retryAfter === '' ? {} : { 'retry-after': retryAfter }) }];
};
const [limitedBody, limitedHeaders] = errorAnswer(429, '1');
const [strayBody, strayHeaders] = errorAnswer(strayStatus, strayRetryAfter);

let tokens = burst;
let refilledAt = performance.now();
let attempts = 0;
let rejected = 0;
let stray = 0;
let processed = 0;
let duplicates = 0;
const seen = new Set<string>();

function takeToken(): boolean {
  if (rate === 0) return true;
  const now = performance.now();
  tokens = Math.min(burst, tokens + ((now - refilledAt) * rate) / 1000);
  refilledAt = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () =>
    later(() => {
      attempts++;
      if (strayShare > 0 && random() < strayShare) {
        stray++;
        later(() => {
          response.writeHead(strayStatus, strayHeaders);
          response.end(strayBody);
        });
        return;
      }
      // The limit is decided when the whole request has arrived, as a gateway would.
      if (!takeToken()) {
        rejected++;
        later(() => {
          response.writeHead(429, limitedHeaders);
          response.end(limitedBody);
        });
        return;
      }
      processed++;
      let marker: string | undefined;
      try {
        marker = markerOf((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message_string?: unknown }).message_string);
      } catch {
        marker = undefined;
      }
      if (marker !== undefined) {
        if (seen.has(marker)) duplicates++;
        else seen.add(marker);
      }
      later(() => {
        response.writeHead(200, okHeaders);
        response.end(okBody);
      });
    }),
  );
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    const stats: LimitedServerStats = { attempts, rejected, stray, processed, duplicates };
    process.send?.({ type: 'stats-reply', payload: stats });
  }
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
