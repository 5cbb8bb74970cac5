/** Everyday use: options for one call, walking a whole list, and logging. */
import { createHeroClient, HeroAbortError, HeroTimeoutError, type HeroClient } from '@hero-sdk/hero-health';

// #region per-call
/** A PCN hub acting for one of its practices, with tighter limits than the client's for this call. */
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
// #endregion per-call

// #region paginate
/** Every admin and every recipient of a batch, fetched page by page as the loop asks for more. */
export async function adminsAndRecipients(hero: HeroClient, batchId: string) {
  const admins: string[] = [];
  for await (const admin of hero.paginate('/v1/admins', { pageSize: 50, params: { query: { order_by: 'first_name' } } })) {
    admins.push(admin.id);
  }
  // Shortcuts exist on the resources; toArray needs a limit so a huge list cannot exhaust memory.
  const recipients = await hero.messages.batches.recipientsAll(batchId).toArray({ limit: 5_000 });
  return { admins, recipients: recipients.length };
}
// #endregion paginate

// #region logging
/** One redacted line per attempt: method, path template, status, duration, attempt, retry reason. */
export function loggingClient(baseUrl: string, logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error'> = console) {
  // Also: HERO_DEBUG=1 logs to stderr without any code change. pino loggers work as they are.
  return createHeroClient({ baseUrl, apiKey: 'test', practiceGroupId: '1', logger });
}
// #endregion logging
