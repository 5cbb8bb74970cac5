/** Every client option, with its default, and the raw typed client for any other operation. */
import { createHeroClient } from '@hero-sdk/hero-health';

export function configuredClient(baseUrl: string) {
  return createHeroClient({
    baseUrl, // or environment: 'mock' | 'staging' | 'production', or HERO_BASE_URL
    apiKey: process.env.HERO_API_KEY ?? 'test', // default: HERO_API_KEY
    practiceGroupId: process.env.HERO_PRACTICE_GROUP_ID ?? '1', // default: HERO_PRACTICE_GROUP_ID
    allowInsecureHttp: false, // default; true allows plain http to a host other than loopback
    timeoutMs: 30_000, // per attempt; a fresh timer for every attempt
    deadlineMs: 90_000, // optional: for the whole call, retries and waits included
    retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 },
    hooks: {
      // Requests reach hooks with x-api-key redacted, so logging them is safe.
      onRetry: ({ attempt, delayMs, reason, request }) =>
        console.warn(`retrying ${request.method} ${request.path} (attempt ${attempt}) in ${delayMs} ms: ${reason}`),
    },
  });
}

/** Operations without a resource method are typed through `hero.raw`, with the same retries and errors. */
export async function capabilities(baseUrl: string) {
  const hero = configuredClient(baseUrl);
  const { data } = await hero.raw.GET('/v1/me/capabilities');
  return data;
}
