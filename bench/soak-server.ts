/**
 * The soak server, run as a child process (spawn-server.ts) so its timers and sockets
 * are not on the client's event loop and cannot hide a client leak or stall.
 * Injects the faults of soak-faults.ts and records, per `sendMessage` marker, how many
 * times a send was processed; answers a `report` IPC message with the tallies.
 * Argument: the PRNG seed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APPOINTMENT_JSON, markerOf, SEND_MESSAGE_RESPONSE_JSON } from '../test/helpers/fixtures.js';
import { isProcessed, pickFault, seededRandom, type FaultKind } from './soak-faults.js';
import { readBody } from '../test/helpers/fault-server.js';

/** Tallies sent back to the parent. */
export interface SoakServerReport {
  readonly received: number;
  readonly byFault: Readonly<Record<string, number>>;
  readonly processedGets: number;
  readonly processedSends: number;
  /** Distinct markers processed more than once. */
  readonly duplicateSends: number;
  /** Up to 10 of them, with counts. */
  readonly duplicateExamples: readonly (readonly [string, number])[];
  /** Sends whose body carried no marker (should be 0). */
  readonly unmarkedSends: number;
}

const random = seededRandom(Number(process.argv[2] ?? 1));
const byFault = new Map<FaultKind, number>();
const sendCounts = new Map<string, number>();
let received = 0;
let processedGets = 0;
let unmarkedSends = 0;

/** Counts the request as acted on (for a send: one more processing of its marker). */
function process_(request: IncomingMessage, body: string): void {
  if (request.method === 'GET') {
    processedGets++;
    return;
  }
  let marker: string | undefined;
  try {
    marker = markerOf((JSON.parse(body) as { message_string?: unknown }).message_string);
  } catch {
    marker = undefined;
  }
  if (marker === undefined) unmarkedSends++;
  else sendCounts.set(marker, (sendCounts.get(marker) ?? 0) + 1);
}

function answer(request: IncomingMessage, response: ServerResponse, status = 200, headers: Record<string, string> = {}): void {
  const body = status !== 200 ? '{"error":"injected"}' : request.method === 'GET' ? APPOINTMENT_JSON : SEND_MESSAGE_RESPONSE_JSON;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}

const server = createServer((request, response) => {
  received++;
  const fault = pickFault(random());
  byFault.set(fault, (byFault.get(fault) ?? 0) + 1);
  if (fault === 'reset-before-processing') {
    request.socket.resetAndDestroy();
    return;
  }
  void readBody(request).then((body) => {
    if (isProcessed(fault)) process_(request, body);
    switch (fault) {
      case 'ok':
        return answer(request, response);
      case 'rate-limited':
        return answer(request, response, 429, { 'retry-after': random() < 0.8 ? '0' : '1' });
      case 'unavailable':
        return answer(request, response, 503, random() < 0.5 ? { 'retry-after': '0' } : {});
      case 'server-error':
        return answer(request, response, 500);
      case 'reset-after-processing':
        request.socket.resetAndDestroy();
        return;
      case 'slow':
        setTimeout(() => answer(request, response), 20 + Math.floor(random() * 100));
        return;
      case 'timeout':
        // Answers after the client gave up; writing to the closed socket is a no-op.
        setTimeout(() => answer(request, response), 400);
        return;
    }
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;

process.on('message', (message: { type: string }) => {
  if (message.type !== 'report') return;
  const duplicates = [...sendCounts].filter(([, count]) => count > 1);
  const report: SoakServerReport = {
    received,
    byFault: Object.fromEntries(byFault),
    processedGets,
    processedSends: [...sendCounts.values()].reduce((a, b) => a + b, 0),
    duplicateSends: duplicates.length,
    duplicateExamples: duplicates.slice(0, 10),
    unmarkedSends,
  };
  process.send?.({ type: 'report-reply', payload: report });
});
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
