/** Every admin and every recipient of a batch, fetched page by page as the loop asks for more. */
import type { HeroClient } from '@hero-sdk/hero-health';

export async function adminsAndRecipients(hero: HeroClient, batchId: string) {
  const admins: string[] = [];
  for await (const admin of hero.paginate('/v1/admins', { pageSize: 50, params: { query: { order_by: 'first_name' } } })) {
    admins.push(admin.id);
  }
  // Shortcuts exist on the resources; toArray needs a limit so a huge list cannot exhaust memory.
  const recipients = await hero.messages.batches.recipientsAll(batchId).toArray({ limit: 5_000 });
  return { admins, recipients: recipients.length };
}
