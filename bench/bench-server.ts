/**
 * The throughput server, run as a child process (see spawn-server.ts) so it never
 * competes with the client on one event loop and the client's CPU time is its own.
 * Minimal on purpose: precomputed bodies, keep-alive, no routing beyond method.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APPOINTMENT_JSON, SEND_MESSAGE_RESPONSE_JSON } from '../test/helpers/fixtures.js';

const getBody = Buffer.from(APPOINTMENT_JSON);
const postBody = Buffer.from(SEND_MESSAGE_RESPONSE_JSON);
const getHeaders = { 'content-type': 'application/json', 'content-length': String(getBody.length) };
const postHeaders = { 'content-type': 'application/json', 'content-length': String(postBody.length) };

const server = createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, getHeaders);
    response.end(getBody);
    return;
  }
  // Drain the body before answering, as a real server would.
  request.resume();
  request.on('end', () => {
    response.writeHead(200, postHeaders);
    response.end(postBody);
  });
});
// Longer than any pause between rounds, so no keep-alive socket closes mid-bench.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
