/**
 * A forwarding server for the contract suite's own mutation check: it sits in front of a
 * correct server (Prism mocking the spec) and alters its answers in exactly one way, so the
 * suite, pointed at it as a plain URL target, must fail. "Correct" operators change only what
 * the spec allows (key order, charset, a rate limit with Retry-After): the suite must pass them.
 *
 * Like a real server, the forwarder answers 404 for the suite's unknown-id probe (Prism would
 * serve an example for any id), by asking Prism for the documented 404.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UNKNOWN_NUMERIC_ID } from '../../src/contract/request.js';
import type { LoadedSpec, OperationSpec } from '../../src/contract/spec.js';

/** A request as the forwarder sees it, with the operation it matches. */
export interface ForwardedRequest {
  readonly method: string;
  readonly url: string;
  readonly operation: OperationSpec | undefined;
  readonly headers: Record<string, string>;
  /** Parsed JSON body, undefined when none or not JSON. */
  readonly json: unknown;
  readonly unknownId: boolean;
}

/** An answer the forwarder sends (after an operator had its way). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One way of altering the correct server. */
export interface Operator {
  readonly name: string;
  /** What it does, for the score table. */
  readonly description: string;
  /** True: the server still meets the spec, so the suite must pass it. */
  readonly correct: boolean;
  /** Changes the request before it is forwarded (e.g. to skip an auth check). */
  readonly request?: (req: ForwardedRequest, headers: Record<string, string>) => void;
  /** Changes the answer; `upstream` is what the correct server said. */
  readonly answer?: (req: ForwardedRequest, upstream: Answer) => Answer;
}

const isSuccess = (a: Answer) => a.status >= 200 && a.status < 300;
const jsonBody = (a: Answer): unknown => {
  try {
    return a.body ? (JSON.parse(a.body) as unknown) : undefined;
  } catch {
    return undefined;
  }
};
const withJson = (a: Answer, value: unknown): Answer => ({ ...a, body: JSON.stringify(value) });
const DATE_TIME = /(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))/g;

/** Applies `change` to the first top-level property of a 2xx JSON object body (or of `data[0]`). */
function firstProperty(a: Answer, change: (record: Record<string, unknown>, key: string) => void): Answer {
  const body = jsonBody(a);
  if (!isSuccess(a) || body === null || typeof body !== 'object') return a;
  const target = Array.isArray((body as { data?: unknown }).data) ? ((body as { data: unknown[] }).data[0] as Record<string, unknown> | undefined) : Array.isArray(body) ? (body[0] as Record<string, unknown> | undefined) : (body as Record<string, unknown>);
  if (!target || typeof target !== 'object') return a;
  const key = Object.keys(target)[0];
  if (key === undefined) return a;
  change(target, key);
  return withJson(a, body);
}

const mapStrings = (value: unknown, change: (text: string) => string): unknown => {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, change));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)]));
};

const reverseKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
};

/** The operators tried, mutants first, then the correct variants. */
export const OPERATORS: readonly Operator[] = [
  // --- mutants: each must make the suite fail ------------------------------------------
  { name: 'date-time-space', correct: false, description: 'date-times written with a space instead of T', answer: (_r, a) => (isSuccess(a) ? { ...a, body: a.body.replace(DATE_TIME, '$1 $2') } : a) },
  { name: 'empty-object', correct: false, description: 'every 2xx JSON body answered as {}', answer: (_r, a) => (isSuccess(a) && a.body.startsWith('{') ? { ...a, body: '{}' } : a) },
  { name: 'drop-first-field', correct: false, description: 'the first property of each 2xx object (or data[0]) removed', answer: (_r, a) => firstProperty(a, (o, k) => delete o[k]) },
  { name: 'null-first-field', correct: false, description: 'the first property of each 2xx object set to null', answer: (_r, a) => firstProperty(a, (o, k) => (o[k] = null)) },
  { name: 'wrong-type-first-field', correct: false, description: 'the first property of each 2xx object sent as an object', answer: (_r, a) => firstProperty(a, (o, k) => (o[k] = typeof o[k] === 'object' ? 'text' : { wrapped: o[k] })) },
  { name: 'string-suffix', correct: false, description: 'every string value in 2xx bodies gets a "~" suffix (breaks formats, enums, patterns)', answer: (_r, a) => { const body = jsonBody(a); return isSuccess(a) && body !== undefined ? withJson(a, mapStrings(body, (t) => `${t}~`)) : a; } },
  { name: 'empty-200', correct: false, description: '2xx answered with an empty body', answer: (_r, a) => (isSuccess(a) ? { ...a, body: '' } : a) },
  { name: 'malformed-json', correct: false, description: '2xx JSON body cut in half', answer: (_r, a) => (isSuccess(a) && a.body.length > 2 ? { ...a, body: a.body.slice(0, Math.floor(a.body.length / 2)) } : a) },
  { name: 'text-plain', correct: false, description: '2xx labelled text/plain', answer: (_r, a) => (isSuccess(a) ? { ...a, headers: { ...a.headers, 'content-type': 'text/plain' } } : a) },
  { name: 'status-202', correct: false, description: '200 answered as 202 (undocumented)', answer: (_r, a) => (a.status === 200 ? { ...a, status: 202 } : a) },
  { name: 'no-auth-check', correct: false, description: 'requests without x-api-key accepted', request: (_r, h) => void (h['x-api-key'] ??= 'forwarder-key') },
  { name: 'no-practice-group-check', correct: false, description: 'requests without x-practice-group-id accepted', request: (_r, h) => void (h['x-practice-group-id'] ??= '1') },
  { name: 'no-body-validation', correct: false, description: 'every invalid body accepted with 200 {}', answer: (_r, a) => (a.status === 422 || a.status === 400 ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' } : a) },
  {
    name: 'presence-only-validation',
    correct: false,
    description: 'bodies with every documented field present accepted, whatever their types',
    answer: (r, a) => {
      const keys = r.json !== null && typeof r.json === 'object' ? Object.keys(r.json) : [];
      const complete = r.operation?.requestBody?.content[0]?.examples.some((e) => e.value !== null && typeof e.value === 'object' && Object.keys(e.value).every((k) => keys.includes(k)));
      return (a.status === 422 || a.status === 400) && complete ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' } : a;
    },
  },
  { name: 'pds-demographics-empty', correct: false, description: 'register_pds answers {} to the forename/surname/postcode form', answer: (r, a) => (r.operation?.operationId === 'registerPatientPds' && isSuccess(a) && r.json !== null && typeof r.json === 'object' && !('nhs_number' in r.json) ? { ...a, body: '{}' } : a) },
  { name: 'pds-spaced-nhs-rejected', correct: false, description: 'register_pds rejects the NHS number written with spaces (400)', answer: (r, a) => (r.operation?.operationId === 'registerPatientPds' && / /.test(String((r.json as { nhs_number?: unknown } | undefined)?.nhs_number ?? '')) ? { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'invalid nhs_number', statusCode: 400 }) } : a) },
  { name: 'unknown-id-500', correct: false, description: '500 instead of 404 for an id that does not exist', answer: (r, a) => (r.unknownId ? { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'internal', statusCode: 500 }) } : a) },
  { name: 'unknown-id-200', correct: false, description: 'any id answered with a record (no 404)', request: (r, h) => void (r.unknownId && delete h.prefer) },
  // --- correct variants: the suite must pass them -----------------------------------------
  { name: 'identity', correct: true, description: 'answers forwarded unchanged' },
  { name: 'reordered-pretty-json', correct: true, description: 'object keys reversed and JSON pretty-printed', answer: (_r, a) => { const body = jsonBody(a); return body === undefined ? a : { ...a, body: JSON.stringify(reverseKeys(body), null, 2) }; } },
  { name: 'charset-and-extra-headers', correct: true, description: 'content-type with charset, plus x-request-id', answer: (_r, a) => ({ ...a, headers: { ...a.headers, ...(a.headers['content-type'] && { 'content-type': `${a.headers['content-type']}; charset=utf-8` }), 'x-request-id': 'req-1' } }) },
  { name: 'lowercase-t-z', correct: true, description: 'date-times with lower-case t and z (RFC 3339 allows them)', answer: (_r, a) => ({ ...a, body: a.body.replace(DATE_TIME, (_m, d: string, t: string) => `${d}t${t.replace('Z', 'z')}`) }) },
  { name: 'rate-limited-get-me', correct: true, description: 'GET /v1/me rate limited: 429 with Retry-After (inconclusive, not failed)', answer: (r, a) => (r.method === 'GET' && r.url.split('?')[0] === '/v1/me' ? { status: 429, headers: { 'retry-after': '1' }, body: '' } : a) },
];

function templateRegex(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`)).replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

/** A running forwarder; `setOperator` switches the alteration between suite runs. */
export interface MutationServer {
  readonly url: string;
  setOperator(operator: Operator): void;
  close(): Promise<void>;
}

/** Starts the forwarder on 127.0.0.1 in front of `upstream` (Prism mocking `spec`). */
export async function startMutationServer(spec: LoadedSpec, upstream: string): Promise<MutationServer> {
  const routes = spec.operations.map((op) => ({ op, re: templateRegex(op.path) }));
  let operator: Operator = OPERATORS.find((o) => o.name === 'identity')!;
  const server = createServer(async (req, res) => {
    try {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const path = url.split('?')[0]!;
      const operation = routes.find((r) => r.op.method === method.toLowerCase() && r.re.test(path))?.op;
      const raw = await readBody(req);
      let json: unknown;
      try {
        json = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
      const unknownId = path.split('/').includes(String(UNKNOWN_NUMERIC_ID));
      // A real server knows its ids: the suite's unknown id gets the documented 404.
      if (unknownId && operation?.responses.some((r) => r.status === '404')) headers.prefer = 'code=404';
      const forwarded: ForwardedRequest = { method, url, operation, headers: { ...headers }, json, unknownId };
      operator.request?.(forwarded, headers);
      const response = await fetch(`${upstream}${url}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(raw), redirect: 'manual', signal: AbortSignal.timeout(15_000) });
      const upstreamHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding' && name !== 'sl-violations') upstreamHeaders[name] = value;
      });
      const answer = operator.answer ? operator.answer(forwarded, { status: response.status, headers: upstreamHeaders, body: await response.text() }) : { status: response.status, headers: upstreamHeaders, body: await response.text() };
      res.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`forwarder: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setOperator: (next) => void (operator = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
