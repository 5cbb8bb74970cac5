/** A PCN hub acting for one of its practices, with tighter limits than the client's for this call. */
import { HeroAbortError, HeroTimeoutError, type HeroClient } from '@hero-sdk/hero-health';

export async function practiceLocations(hero: HeroClient, practiceGroupId: string, signal?: AbortSignal) {
  try {
    return await hero.booking.listLocations({
      practiceGroupId, // sent as x-practice-group-id for this call only
      timeoutMs: 5_000, // per attempt
      deadlineMs: 15_000, // whole call, retries included
      retry: { maxAttempts: 2 }, // merged over the client's retry settings
      headers: { 'x-request-id': crypto.randomUUID() }, // not x-api-key or x-practice-group-id
      ...(signal && { signal }), // AbortSignal.timeout(…) or your own controller
    });
  } catch (error) {
    if (error instanceof HeroTimeoutError) return `timed out (${error.kind})`; // attempt, deadline or signal
    if (error instanceof HeroAbortError) return 'cancelled';
    throw error;
  }
}
