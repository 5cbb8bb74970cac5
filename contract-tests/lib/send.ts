/**
 * Sends one request through this package's client and returns the response in one shape:
 * a 2xx comes back as openapi-fetch's `{ data, response }`, anything else is thrown by the
 * transport as a `HeroApiError` carrying status, headers and body. Nothing else in the
 * suite cares which.
 */
import { HeroApiError } from '../../src/errors.js';
import { createHeroClient, type HeroClient, type HeroClientOptions } from '../../src/client.js';

/** A response as the suite checks it. */
export interface SentResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the body is JSON, the text otherwise, undefined when empty. */
  readonly body: unknown;
  /** Media type without parameters (`application/json`), undefined when absent. */
  readonly contentType: string | undefined;
  /** The body was labelled JSON but did not parse. */
  readonly malformedJson: boolean;
}

/** A request in openapi-fetch's terms. */
export interface ClientRequest {
  /** Upper case. */
  readonly method: string;
  /** Path template, e.g. `/v1/patients/{id}`. */
  readonly path: string;
  readonly params: { readonly path?: Record<string, unknown>; readonly query?: Record<string, unknown> };
  /** Omitted for bodiless requests. */
  readonly body?: unknown;
  /** Extra headers; `null` removes a header the client would send (openapi-fetch semantics). */
  readonly headers?: Record<string, string | null>;
}

// The generated `paths` type is exact per operation; the suite sends whatever the spec
// lists at runtime, so it talks to openapi-fetch's `request()` through this loose view.
type LooseRequest = (
  method: string,
  path: string,
  init: { params: ClientRequest['params']; body?: unknown; headers?: Record<string, string | null>; parseAs: 'text' },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** The contract client: no retries (a retried 429 would hide what the target said), a per-request timeout. */
export function createContractClient(options: { baseUrl: string; apiKey: string; practiceGroupId: string; timeoutMs?: number }): HeroClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const clientOptions: HeroClientOptions = {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    practiceGroupId: options.practiceGroupId,
    env: {},
    retry: { maxAttempts: 1 },
    timeoutMs,
    // The suite tests the target's own validation, so invalid NHS numbers etc. must reach it.
    checkPatientIdentifiers: false,
  };
  return createHeroClient(clientOptions);
}

/** Sends `request` with `client` and normalises the answer (see {@link SentResponse}). */
export async function sendThroughClient(client: HeroClient, request: ClientRequest): Promise<SentResponse> {
  const send = (client.raw as unknown as { request: LooseRequest }).request;
  const init = {
    params: request.params,
    ...(request.body !== undefined && { body: request.body }),
    ...(request.headers && { headers: request.headers }),
    parseAs: 'text' as const,
  };
  try {
    const { data, error, response } = await send(request.method, request.path, init);
    return normalize(response.status, response.headers, response.ok ? data : error);
  } catch (thrown) {
    // Non-2xx answers arrive as HeroApiError (status 0 means no answer at all: rethrow).
    if (!(thrown instanceof HeroApiError) || thrown.status === 0) throw thrown;
    return normalize(thrown.status, new Headers(thrown.headers), thrown.body);
  }
}

function normalize(status: number, headers: Headers, raw: unknown): SentResponse {
  const contentType = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
  const json = contentType !== undefined && /^application\/([\w.-]+\+)?json$/.test(contentType);
  if (raw === '' || raw === undefined || raw === null) return { status, headers, body: undefined, contentType, malformedJson: false };
  if (typeof raw !== 'string' || !json) return { status, headers, body: raw, contentType, malformedJson: false };
  try {
    return { status, headers, body: JSON.parse(raw) as unknown, contentType, malformedJson: false };
  } catch {
    return { status, headers, body: raw, contentType, malformedJson: true };
  }
}
