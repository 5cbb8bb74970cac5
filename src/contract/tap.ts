/**
 * A pass-through HTTP server between Prism's proxy and the real target that records what the
 * target answered. Prism hides part of the live answer: it serves a mock when the upstream
 * says 501, and with `--errors` replaces an invalid upstream response with its own error.
 * The recording lets the suite check the real answer with ajv and tell a mock from a live reply.
 *
 * The tap is also where the proxy path keeps the API key in place: Prism's proxy follows
 * redirects (node-fetch) and would resend `x-api-key` to wherever a target points it, so a
 * redirect is recorded for the case and never relayed to Prism.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Request header that ties a forwarded request to its contract case. */
export const CASE_HEADER = 'x-hero-contract-case';

/** What the upstream answered to one case. */
export interface UpstreamExchange {
  readonly status: number;
  readonly headers: Headers;
  readonly bodyText: string;
}

/** A running tap. */
export interface UpstreamTap {
  readonly url: string;
  /** The recorded exchange of a case (removed once taken); undefined if Prism never forwarded it. */
  take(caseId: string): UpstreamExchange | undefined;
  stop(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and ones fetch computes itself.
const DROPPED_REQUEST_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', CASE_HEADER]);
// `sl-violations` is Prism's own header: a target must not be able to write the findings.
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'sl-violations']);

/** Status and header of the tap's own answer in place of a redirect. */
export const REFUSED_REDIRECT_STATUS = 502;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts a tap on 127.0.0.1 (free port) forwarding to `upstream`. Each forwarded request,
 * body included, is bounded by `timeoutMs`.
 */
export async function startUpstreamTap(upstream: string, timeoutMs = 15_000): Promise<UpstreamTap> {
  const exchanges = new Map<string, UpstreamExchange>();
  const base = upstream.replace(/\/+$/, '');
  const server = createServer(async (req, res) => {
    const caseId = req.headers[CASE_HEADER];
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (DROPPED_REQUEST_HEADERS.has(name) || value === undefined) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await readBody(req));
      const response = await fetch(`${base}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const bodyText = await response.text();
      if (typeof caseId === 'string') exchanges.set(caseId, { status: response.status, headers: response.headers, bodyText });
      if (response.status >= 300 && response.status < 400) {
        res.writeHead(REFUSED_REDIRECT_STATUS, { 'content-type': 'text/plain' }).end('hero-contract does not relay redirects: the API key would follow them');
        return;
      }
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!DROPPED_RESPONSE_HEADERS.has(name)) out[name] = value;
      });
      res.writeHead(response.status, out).end(bodyText);
    } catch {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('hero-contract could not reach the target');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take(caseId) {
      const exchange = exchanges.get(caseId);
      exchanges.delete(caseId);
      return exchange;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
