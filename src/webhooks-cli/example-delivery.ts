/**
 * The body `hero-webhooks trigger` sends: Hero's AsyncAPI example shape for the event,
 * `{ object, id, practice_group_id, event }`, with the documented `object`.
 */
import { randomInt } from 'node:crypto';
import { documentedWebhookObject, type KnownHeroWebhookEventType } from '../webhooks/events.js';

/** Stands in for `object` where Hero has not documented the event's payload. */
export const UNDOCUMENTED_OBJECT = 'Undocumented';

/** What to fill the example with. */
export interface ExampleFields {
  /** @default nine random digits, so two triggers are two deliveries */
  readonly id?: string;
  readonly practiceGroupId: string;
}

/** The example body as sent (compact JSON), and whether its `object` is a stand-in. */
export function exampleDelivery(type: KnownHeroWebhookEventType, fields: ExampleFields): { readonly body: string; readonly objectDocumented: boolean } {
  const documented = documentedWebhookObject(type);
  const body = JSON.stringify({
    object: documented ?? UNDOCUMENTED_OBJECT,
    id: fields.id ?? String(randomInt(100_000_000, 1_000_000_000)),
    practice_group_id: fields.practiceGroupId,
    event: type,
  });
  return { body, objectDocumented: documented !== undefined };
}
