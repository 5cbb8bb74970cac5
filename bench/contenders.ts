/**
 * The clients the throughput bench compares, each as "one complete call": send, check the
 * status, parse the JSON body. Same URL, headers and body for all. The facade runs three ways:
 * `facade` with the default options (what users get; here `@opentelemetry/api` is installed, a dev
 * dependency, and no SDK is registered, so the no-op tracer and meter do the work), `facade,
 * telemetry: false` (as when the peer is absent), and with an SDK exporting to memory.
 */
import { createRequire } from 'node:module';
import createOpenapiClient from 'openapi-fetch';
import type { paths } from '../generated/hero-api.js';
import type { createHeroClient } from '../src/index.js';
import { BENCH_CREDENTIALS, sendMessageBody } from '../test/helpers/fixtures.js';
import { createInMemoryTelemetry } from '../test/helpers/otel.js';

/** Which request a scenario sends. */
export type RequestKind = 'GET' | 'POST';

/** One complete call; rejects if the answer is not a 2xx JSON body. */
export type Call = () => Promise<unknown>;

/** A named contender. */
export interface Contender {
  readonly name: ContenderName;
  readonly call: Call;
}

/** Names, in the order they are reported. */
export const CONTENDER_NAMES = ['raw fetch', 'openapi-fetch', 'facade', 'facade, telemetry: false', 'facade + OTel in-memory SDK'] as const;
/** One of {@link CONTENDER_NAMES}. */
export type ContenderName = (typeof CONTENDER_NAMES)[number];

/** The package's `createHeroClient`, from a build or from src/. */
export type CreateHeroClient = typeof createHeroClient;

/** An OpenTelemetry SDK for the in-memory contender: its providers, and a way to drop what it kept. */
export interface BenchTelemetry {
  readonly tracerProvider: { getTracer(name: string, version?: string): object };
  readonly meterProvider: { getMeter(name: string, version?: string): object };
  /** Spans kept so far; {@link BenchTelemetry.clear} drops them. */
  spanCount(): number;
  clear(): void;
  shutdown(): Promise<void>;
}

/** An OpenTelemetry SDK exporting to memory (test/helpers/otel.ts), for the in-memory contender. */
export function createBenchTelemetry(): BenchTelemetry {
  const sdk = createInMemoryTelemetry();
  return { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, spanCount: () => sdk.spans().length, clear: sdk.clear, shutdown: sdk.shutdown };
}

/**
 * Builds the contenders for `kind` against `baseUrl`, the facade from `createClient`
 * (the built package's, see build-package.ts). Every contender is checked once before use.
 * The OpenTelemetry contenders are measured apart (otel-overhead.ts, {@link createTelemetryContenders}).
 */
export async function createContenders(baseUrl: string, kind: RequestKind, createClient: CreateHeroClient, sdk: BenchTelemetry): Promise<Contender[]> {
  const headers = { 'x-api-key': BENCH_CREDENTIALS.apiKey, 'x-practice-group-id': BENCH_CREDENTIALS.practiceGroupId };
  const postHeaders = { ...headers, 'content-type': 'application/json' };
  const bare = createOpenapiClient<paths>({ baseUrl, headers });
  const nextBody = bodySequence();

  const raw: Call =
    kind === 'GET'
      ? async () => {
          const response = await fetch(`${baseUrl}/v1/appointments/1`, { headers });
          if (!response.ok) throw new Error(`raw fetch: HTTP ${response.status}`);
          return response.json();
        }
      : async () => {
          const response = await fetch(`${baseUrl}/v1/messages/send`, { method: 'POST', headers: postHeaders, body: JSON.stringify(nextBody()) });
          if (!response.ok) throw new Error(`raw fetch: HTTP ${response.status}`);
          return response.json();
        };

  const openapiFetch: Call =
    kind === 'GET'
      ? async () => {
          const { data, error } = await bare.GET('/v1/appointments/{id}', { params: { path: { id: '1' } } });
          if (data === undefined) throw new Error(`openapi-fetch: ${JSON.stringify(error)}`);
          return data;
        }
      : async () => {
          const { data, error } = await bare.POST('/v1/messages/send', { body: nextBody() });
          if (data === undefined) throw new Error(`openapi-fetch: ${JSON.stringify(error)}`);
          return data;
        };

  const telemetry = await createTelemetryContenders(baseUrl, kind, createClient, sdk);
  const contenders: Contender[] = [
    { name: 'raw fetch', call: raw },
    { name: 'openapi-fetch', call: openapiFetch },
    ...telemetry,
  ];
  await checkContenders(contenders.slice(0, 2), kind);
  return contenders;
}

/**
 * The facade three ways, for the OpenTelemetry overhead (issue 26): `facade` with the default
 * options (the API resolves, checked by assertOtelApiInstalled; no SDK registered, so the global
 * no-op tracer and meter), `facade, telemetry: false`, and with an SDK exporting to memory.
 * Checked once each; the SDK one must record spans.
 */
export async function createTelemetryContenders(baseUrl: string, kind: RequestKind, createClient: CreateHeroClient, sdk: BenchTelemetry): Promise<Contender[]> {
  const hero = createClient({ ...BENCH_CREDENTIALS, baseUrl, env: {} });
  const heroTelemetryOff = createClient({ ...BENCH_CREDENTIALS, baseUrl, env: {}, telemetry: false });
  const heroOtelSdk = createClient({ ...BENCH_CREDENTIALS, baseUrl, env: {}, telemetry: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider } });
  const nextBody = bodySequence();
  const facadeOf =
    (client: ReturnType<CreateHeroClient>): Call =>
    () =>
      kind === 'GET' ? client.booking.getAppointment('1') : client.messages.send(nextBody());
  const facadeOtelSdk = facadeOf(heroOtelSdk);
  const contenders: Contender[] = [
    { name: 'facade', call: facadeOf(hero) },
    { name: 'facade, telemetry: false', call: facadeOf(heroTelemetryOff) },
    // Spans are dropped now and then, so memory does not grow over the rounds.
    { name: 'facade + OTel in-memory SDK', call: () => (sdk.spanCount() > 20_000 && sdk.clear(), facadeOtelSdk()) },
  ];
  sdk.clear();
  await checkContenders(contenders, kind);
  // The SDK contender must really be recording (two spans per call: the call and its attempt).
  if (sdk.spanCount() < 2) throw new Error('facade + OTel in-memory SDK recorded no spans');
  return contenders;
}

function bodySequence(): () => ReturnType<typeof sendMessageBody> {
  let sequence = 0;
  return () => sendMessageBody(`bench-${++sequence}`);
}

async function checkContenders(contenders: readonly Contender[], kind: RequestKind): Promise<void> {
  for (const contender of contenders) {
    const body = (await contender.call()) as Record<string, unknown>;
    const expectedKey = kind === 'GET' ? 'booking_confirmed_at' : 'message_id';
    if (!(expectedKey in body)) throw new Error(`${contender.name} returned an unexpected body for ${kind}`);
  }
}

/**
 * Throws unless `@opentelemetry/api` resolves from the built package at `entryPath`: without
 * it the `facade` contender would measure the peer-absent case and the OTel ratio nothing.
 */
export function assertOtelApiInstalled(entryPath: string): void {
  try {
    createRequire(entryPath).resolve('@opentelemetry/api');
  } catch {
    throw new Error(`@opentelemetry/api does not resolve from ${entryPath}: the facade contender would run without telemetry (npm install)`);
  }
}
