/**
 * The three clients the throughput bench compares, each as "one complete call":
 * send, check the status, parse the JSON body. Same URL, headers and body for all.
 */
import createOpenapiClient from 'openapi-fetch';
import type { paths } from '../generated/hero-api.js';
import type { createHeroClient } from '../src/index.js';
import { BENCH_CREDENTIALS, sendMessageBody } from '../test/helpers/fixtures.js';

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
export const CONTENDER_NAMES = ['raw fetch', 'openapi-fetch', 'facade'] as const;
/** One of {@link CONTENDER_NAMES}. */
export type ContenderName = (typeof CONTENDER_NAMES)[number];

/** The package's `createHeroClient`, from a build or from src/. */
export type CreateHeroClient = typeof createHeroClient;

/**
 * Builds the contenders for `kind` against `baseUrl`, the facade from `createClient`
 * (the built package's, see build-package.ts). Every contender is checked once before use.
 */
export async function createContenders(baseUrl: string, kind: RequestKind, createClient: CreateHeroClient): Promise<Contender[]> {
  const headers = { 'x-api-key': BENCH_CREDENTIALS.apiKey, 'x-practice-group-id': BENCH_CREDENTIALS.practiceGroupId };
  const postHeaders = { ...headers, 'content-type': 'application/json' };
  const bare = createOpenapiClient<paths>({ baseUrl, headers });
  const hero = createClient({ ...BENCH_CREDENTIALS, baseUrl, env: {} });
  let sequence = 0;
  const nextBody = () => sendMessageBody(`bench-${++sequence}`);

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

  const facade: Call = kind === 'GET' ? () => hero.booking.getAppointment('1') : () => hero.messages.send(nextBody());

  const contenders: Contender[] = [
    { name: 'raw fetch', call: raw },
    { name: 'openapi-fetch', call: openapiFetch },
    { name: 'facade', call: facade },
  ];
  for (const contender of contenders) {
    const body = (await contender.call()) as Record<string, unknown>;
    const expectedKey = kind === 'GET' ? 'booking_confirmed_at' : 'message_id';
    if (!(expectedKey in body)) throw new Error(`${contender.name} returned an unexpected body for ${kind}`);
  }
  return contenders;
}
