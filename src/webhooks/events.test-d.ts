import { describe, expectTypeOf, it } from 'vitest';
import type { HeroWebhookEvent, UnknownHeroWebhookEvent, WebhookPayloadDeviation } from './events.js';

describe('HeroWebhookEvent', () => {
  it('narrows on switch (event.event) and leaves unknown types in their own branch', () => {
    const handle = (event: HeroWebhookEvent) => {
      switch (event.event) {
        case 'appointment.confirmed':
          expectTypeOf(event.object).toEqualTypeOf<'Appointment'>();
          expectTypeOf(event.id).toEqualTypeOf<string>();
          break;
        case 'prescription.issued':
          expectTypeOf(event.object).toEqualTypeOf<'Prescription'>();
          break;
        case 'write-to-record.failed':
          // payload undocumented, so object is not narrowed to a literal
          expectTypeOf(event.object).toEqualTypeOf<string>();
          break;
        case 'unknown':
          expectTypeOf(event).toEqualTypeOf<UnknownHeroWebhookEvent>();
          expectTypeOf(event.type).toEqualTypeOf<string | undefined>();
          expectTypeOf(event.deviations).toEqualTypeOf<readonly WebhookPayloadDeviation[]>();
          break;
        default:
          expectTypeOf(event.event).toEqualTypeOf<
            | 'appointment.cancelled'
            | 'appointment.rescheduled'
            | 'patient.medical-record-updated'
            | 'patient.added-to-sequence'
            | 'write-to-record.succeeded'
            | 'form-submission.created'
          >();
      }
    };
    expectTypeOf(handle).toBeFunction();
  });
});
