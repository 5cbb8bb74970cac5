/**
 * The client journeys use: this package's `createHeroClient` pointed at the contract target
 * from globalSetup. Journeys pick Prism examples by name (`Prefer: example=…`), so they run
 * where the target can be told which example to return and are skipped, with the reason, elsewhere.
 */
import { inject } from 'vitest';
import { createHeroClient, type HeroClient } from '../../src/client.js';
import { HeroApiError } from '../../src/errors.js';

/** What a journey step may ask Prism for. */
export interface PreferChoice {
  readonly example?: string;
  readonly code?: number;
}

/** The journey client, or why journeys cannot run on this target. */
export type JourneySetup =
  | { readonly hero: HeroClient; readonly skip: undefined; readonly preferring: <T>(choice: PreferChoice, step: () => Promise<T>) => Promise<T> }
  | { readonly hero: undefined; readonly skip: string; readonly preferring: undefined };

/** Creates the client for the injected target. */
export function journeyClient(): JourneySetup {
  const provided = inject('heroContract');
  if (!provided.ok) return { hero: undefined, skip: `SKIPPED (not passed): ${provided.label} — ${provided.reason}`, preferring: undefined };
  const { target } = provided;
  if (!target.choosesStatus) {
    return { hero: undefined, skip: `journeys choose Prism examples by name; ${target.kind} cannot be told which example to return`, preferring: undefined };
  }
  // Steps run one after another, so "the Prefer header of the step in progress" is one variable.
  let prefer: string | undefined;
  const fetch = async (request: Request): Promise<Response> => {
    if (prefer) request.headers.set('Prefer', prefer);
    const response = await globalThis.fetch(request);
    // Prism lists what it found wrong with our request (or its own example) in this header:
    // a journey step that breaks the spec fails even when Prism still answers 2xx.
    const violations = response.headers.get('sl-violations');
    if (violations) throw new Error(`Prism reports spec violations for ${request.method} ${new URL(request.url).pathname}: ${violations}`);
    return response;
  };
  const hero = createHeroClient({
    baseUrl: target.baseUrl,
    apiKey: target.apiKey,
    practiceGroupId: target.practiceGroupId,
    env: {},
    fetch,
    retry: { maxAttempts: 1 },
  });
  const preferring = async <T>(choice: PreferChoice, step: () => Promise<T>): Promise<T> => {
    prefer = [choice.code !== undefined && `code=${choice.code}`, choice.example && `example=${choice.example}`].filter(Boolean).join(', ');
    try {
      return await step();
    } finally {
      prefer = undefined;
    }
  };
  return { hero, skip: undefined, preferring };
}

/** The HTTP status a facade call failed with (the transport throws HeroApiError for non-2xx). */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof HeroApiError) return error.status;
    throw error;
  }
}
