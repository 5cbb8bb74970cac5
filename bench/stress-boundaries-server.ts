/**
 * The boundary stress server (bench/stress-boundaries.ts), run as a child process: answers
 * most requests 200 and injects the faults a body read must survive. Argument: the seed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './soak-faults.js';
import { readBody } from '../test/helpers/fault-server.js';

/** Per cent of requests per fault; the rest are answered 200 with JSON. */
export const STRESS_FAULT_PERCENT = {
  'reset-mid-body': 3,
  'stall-body': 1,
  'reset-before-body': 1,
  'reset-after-body': 1,
  unavailable: 2,
  redirect: 0.5,
} as const;

type Fault = keyof typeof STRESS_FAULT_PERCENT | 'ok';

const random = seededRandom(Number(process.argv[2] ?? 1));
const byFault = new Map<Fault, number>();

function pick(r: number): Fault {
  let edge = 0;
  for (const [fault, percent] of Object.entries(STRESS_FAULT_PERCENT) as [Fault, number][]) {
    edge += percent / 100;
    if (r < edge) return fault;
  }
  return 'ok';
}

const body = JSON.stringify({ id: '1', items: Array.from({ length: 20 }, (_, i) => ({ i, text: 'x'.repeat(20) })) });

const server = createServer((request, response) => {
  const fault = pick(random());
  byFault.set(fault, (byFault.get(fault) ?? 0) + 1);
  if (fault === 'reset-before-body') {
    request.socket.resetAndDestroy();
    return;
  }
  void readBody(request).then(() => {
    switch (fault) {
      case 'ok':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
        return;
      case 'unavailable':
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end('{"error":"injected"}');
        return;
      case 'redirect':
        response.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere?nhs_number=9434765919' });
        response.end();
        return;
      case 'reset-after-body':
        request.socket.resetAndDestroy();
        return;
      case 'stall-body':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        response.write(body.slice(0, 10));
        return;
      case 'reset-mid-body':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        response.write(body.slice(0, 10), () => setTimeout(() => request.socket.resetAndDestroy(), 2));
        return;
    }
  });
});
server.keepAliveTimeout = 120_000;

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') process.send?.({ type: 'report-reply', payload: Object.fromEntries(byFault) });
});
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
