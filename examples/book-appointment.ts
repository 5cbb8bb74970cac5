/**
 * The booking journey as far as Hero's docs go: appointment type → slot → reservation.
 * ("Book an Appointment", which confirms a reservation, has no documented path yet.)
 */
import type { HeroClient } from '@hero-sdk/hero-health';

/** Reserves the first slot of the first appointment type for a patient; returns the reservation. */
export async function reserveFirstSlot(hero: HeroClient, patientId: string, slotId: string) {
  const { data: types } = await hero.booking.listAppointmentTypes();
  const type = types[0];
  if (!type) throw new Error('this practice group offers no appointment types');

  const slot = await hero.booking.getSlot(slotId);
  if (!slot.start_time || !slot.location_id || !slot.practitioner_id) throw new Error(`slot ${slotId} is not bookable`);

  // A reservation is held until `reserved_until`. POSTs are not retried after a 5xx or a
  // timeout, so a failure here never leaves a second, hidden reservation behind.
  const reservation = await hero.booking.createAppointment({
    appointment_type_id: type.id,
    location_id: slot.location_id,
    practitioner_id: slot.practitioner_id,
    start_time: slot.start_time,
    duration: type.duration, // minutes, as the appointment type defines it
    patient_id: patientId,
  });
  return { appointmentId: reservation.id, heldUntil: reservation.reserved_until };
}
