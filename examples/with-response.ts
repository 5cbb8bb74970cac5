/** The data and what came with it: status, redacted headers, request id, attempts, time taken. */
import { HeroNotFoundError, type HeroClient } from '@hero-sdk/hero-health';

export async function appointmentWithResponse(hero: HeroClient, appointmentId: string) {
  try {
    const { data, response } = await hero.booking.getAppointment(appointmentId).withResponse();
    return `${data.id}: ${response.status} in ${response.elapsedMs} ms after ${response.attempts} attempt(s), request id ${response.requestId ?? 'none'}`;
  } catch (error) {
    // error.message includes Hero's own message, redacted; quote error.requestId to Hero's support.
    if (error instanceof HeroNotFoundError) return `not found: ${error.message} (request id ${error.requestId ?? 'none'})`;
    throw error;
  }
}
