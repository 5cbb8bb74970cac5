/**
 * Register a patient through PDS and handle both outcomes and the errors that matter.
 * Run it against the local mock:  npm run mock  (in another terminal), then
 *   HERO_BASE_URL=http://127.0.0.1:4010 HERO_API_KEY=test HERO_PRACTICE_GROUP_ID=1 npx tsx examples/register-patient.ts
 */
import { pathToFileURL } from 'node:url';
import {
  createHeroClient,
  HeroInputError,
  HeroNotFoundError,
  HeroRateLimitError,
  type HeroClient,
} from '@hero-sdk/hero-health';

/** What your service does next with a patient, in one line. */
export async function registerPatient(hero: HeroClient, nhsNumber: string, dob: string): Promise<string> {
  try {
    const result = await hero.patients.registerPds({ nhs_number: nhsNumber, dob });
    if (result.outcome === 'registered') {
      return `registered: use patient ${result.patientId} for messages and bookings`;
    }
    // Hero could not confirm the identity from PDS alone: the patient verifies, then you retry.
    return `verification required: send the patient to ${result.loginUrl}`;
  } catch (error) {
    if (error instanceof HeroInputError) {
      // Nothing was sent. Every problem is listed by field.
      return `fix the input: ${error.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`;
    }
    if (error instanceof HeroNotFoundError) return 'no PDS match: check the NHS number and date of birth';
    if (error instanceof HeroRateLimitError) return `rate limited: try again in ${error.retryAfterMs ?? 60_000} ms`;
    throw error; // HeroAuthenticationError, HeroPermissionError, HeroServerError, HeroTimeoutError…
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const hero = createHeroClient(); // HERO_API_KEY, HERO_PRACTICE_GROUP_ID, HERO_BASE_URL
  console.log(await registerPatient(hero, '943 476 5919', '1992-01-01'));
}
