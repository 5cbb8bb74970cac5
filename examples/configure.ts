/** Every client option, with its default, and the raw typed client for any other operation. */
import { createHeroClient } from '@hero-sdk/hero-health';

export function configuredClient(baseUrl: string) {
  return createHeroClient({
    // Where, and as whom. Each falls back to its HERO_* variable; there is no default target.
    baseUrl, // or environment: 'mock' | 'staging' | 'production'; default: HERO_BASE_URL, else HERO_ENVIRONMENT
    environment: undefined, // default: HERO_ENVIRONMENT; ignored when baseUrl is set
    apiKey: process.env.HERO_API_KEY ?? 'test', // default: HERO_API_KEY
    practiceGroupId: process.env.HERO_PRACTICE_GROUP_ID ?? '1', // default: HERO_PRACTICE_GROUP_ID
    env: process.env, // default: where the HERO_* variables are read from; {} ignores them
    allowInsecureHttp: false, // default; true allows plain http to a host other than loopback
    fetch: (request) => fetch(request), // default: the global fetch, called with one Request per attempt
    // Time and retries.
    timeoutMs: 30_000, // default: per attempt, a fresh timer for every attempt; false for none
    deadlineMs: undefined, // default: none; a number bounds the whole call, retries and waits included
    retry: {
      maxAttempts: 3, // default: attempts in all; 1 turns retries off
      baseDelayMs: 500, // default: backoff with full jitter, up to base × 2^(attempt-1) …
      maxDelayMs: 8_000, // default: … capped here
      maxRetryAfterMs: 60_000, // default: longest Retry-After honoured; longer fails at once
      budget: { capacity: 500, retryCost: 5, timeoutRetryCost: 10, successIncrement: 1 }, // default; false for none
    },
    // Pacing, shared by every call of this client; false turns it off.
    rateLimit: {
      requestsPerSecond: undefined, // default: learned from 429s; give your partner agreement's limit if you know it
      burst: 1, // default
      maxInFlight: 64, // default: calls in flight at once; more wait in a queue
      maxWaitMs: 300_000, // default: longest a call without deadlineMs waits for the rate limit
      redisUrl: process.env.HERO_RATE_LIMIT_REDIS_URL, // default; shares the limit across processes (needs ioredis)
      key: undefined, // default: HERO_RATE_LIMIT_KEY, else one per practice group and API key
      store: undefined, // default: built from redisUrl, else this process only
    },
    checkPatientIdentifiers: true, // default: NHS numbers, dates of birth and postcodes are checked before sending
    // What the client tells Hero and you about itself (README "Observability").
    appInfo: { name: 'acme-recall', version: '2.3.1', url: 'https://acme.example' }, // default: none; appended to the User-Agent
    defaultHeaders: {}, // default; sent with every request under per-call headers (never x-api-key, x-practice-group-id or user-agent)
    logger: undefined, // default: none, or stderr with HERO_DEBUG=1; console, pino or winston logs one line per attempt
    logFormat: undefined, // default: 'line' for console, 'winston' for winston, else 'pino' (fields, message)
    telemetry: undefined, // default: on when @opentelemetry/api is installed (global providers); { tracerProvider, meterProvider } for yours; false for off
    hooks: {
      // Hooks get redacted copies (x-api-key masked), so logging them is safe. Default: none.
      onRequest: ({ request, attempt }) => console.debug(`sending ${request.method} ${request.path} (attempt ${attempt})`),
      onResponse: ({ request, response, durationMs }) => console.debug(`${request.path}: ${response.status} in ${durationMs} ms`),
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
