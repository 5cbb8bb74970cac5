/** Send an SMS to a registered patient and write it to their record. */
import type { HeroClient } from '@hero-sdk/hero-health';

export async function sendResultsReady(hero: HeroClient, patientId: string, signal?: AbortSignal) {
  const sent = await hero.messages.send(
    {
      patient_id: patientId,
      message_type: 'sms', // 'hero' | 'sms' | 'email' | 'nhs_app'
      message_string: 'Your test results are ready. Please book a call with your GP.',
      write_to_record: true,
    },
    { signal }, // cancels at once, even while waiting to retry a 429
  );
  return sent.message_id;
}
