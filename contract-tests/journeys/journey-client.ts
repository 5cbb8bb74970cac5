/**
 * The client journeys use: this package's `createHeroClient` pointed at the contract target
 * from globalSetup. Journeys pick Prism examples by name (`Prefer: example=…`), so they run
 * where the target can be told which example to return and are skipped, with the reason, elsewhere.
 */
import { inject } from 'vitest';
import { createHeroClient, type HeroClient } from '../../src/client.js';

/** The journey client, or why journeys cannot run on this target. */
export type JourneySetup = { readonly hero: HeroClient; readonly skip: undefined } | { readonly hero: undefined; readonly skip: string };

/** Creates the client for the injected target. */
export function journeyClient(): JourneySetup {
  const provided = inject('heroContract');
  if (!provided.ok) return { hero: undefined, skip: `SKIPPED (not passed): ${provided.label} — ${provided.reason}` };
  const { target } = provided;
  if (!target.choosesStatus) {
    return { hero: undefined, skip: `journeys choose Prism examples by name; ${target.kind} cannot be told which example to return` };
  }
  const hero = createHeroClient({ baseUrl: target.baseUrl, apiKey: target.apiKey, practiceGroupId: target.practiceGroupId, env: {} });
  // Prism lists what it found wrong with our request (or its own example) in this header:
  // a journey step that breaks the spec fails even when Prism still answers 2xx.
  hero.raw.use({
    onResponse({ request, response }) {
      const violations = response.headers.get('sl-violations');
      if (violations) throw new Error(`Prism reports spec violations for ${request.method} ${new URL(request.url).pathname}: ${violations}`);
      return undefined;
    },
  });
  return { hero, skip: undefined };
}

/** Headers asking Prism for a named example and/or status. */
export const prefer = (choice: { example?: string; code?: number }): { Prefer: string } => ({
  Prefer: [choice.code !== undefined && `code=${choice.code}`, choice.example && `example=${choice.example}`].filter(Boolean).join(', '),
});

/**
 * The HTTP status of a call, whether the client returns `{ response }` or throws an error
 * carrying `status` (the transport's HeroApiError), so journeys read the same either way.
 */
export async function statusOf(call: Promise<{ response: Response }>): Promise<number> {
  try {
    return (await call).response.status;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    throw error;
  }
}
