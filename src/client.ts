/**
 * createHeroClient(): a typed openapi-fetch client for the Hero Public API with
 * both auth headers on every request.
 */
import createClient, { type Client } from 'openapi-fetch';
import { inspect } from 'node:util';
import type { paths } from '../generated/hero-api.js';
import { normalizeConnection, type HeroConnectionOptions } from './config.js';

/** Options of {@link createHeroClient}. */
export interface HeroClientOptions extends HeroConnectionOptions {}

/** The typed client returned by {@link createHeroClient}. */
export interface HeroClient {
  /** Every operation of the spec, typed from `generated/`: `hero.raw.GET('/v1/appointments/{id}', …)`. */
  readonly raw: Client<paths>;
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /** The practice group sent as `x-practice-group-id`. */
  readonly practiceGroupId: string;
}

/**
 * Creates a Hero client. Credentials come from options or `HERO_API_KEY`,
 * `HERO_PRACTICE_GROUP_ID`, `HERO_BASE_URL`; anything missing throws at once.
 */
export function createHeroClient(options: HeroClientOptions = {}): HeroClient {
  const connection = normalizeConnection(options);
  const raw = createClient<paths>({
    baseUrl: connection.baseUrl,
    fetch: connection.fetch,
    headers: { 'x-api-key': connection.apiKey, 'x-practice-group-id': connection.practiceGroupId },
  });
  const client: HeroClient = { raw, baseUrl: connection.baseUrl, practiceGroupId: connection.practiceGroupId };
  // The key lives only in openapi-fetch's closure; make sure logging the client cannot reveal it.
  Object.defineProperty(client, inspect.custom, {
    value: () => `HeroClient { baseUrl: '${connection.baseUrl}', practiceGroupId: '${connection.practiceGroupId}', apiKey: [redacted] }`,
  });
  return Object.freeze(client);
}
