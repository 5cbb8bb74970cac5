/**
 * Booking through the facade: appointment types → slots → reserve (create appointment) →
 * edit → get → cancel. Confirming a reservation ("Book an Appointment") is not in openapi/:
 * Hero's archived docs name it but show no method or path.
 */
import { describe, expect, it } from 'vitest';
import { journeyClient } from './journey-client.js';

const { hero, skip } = journeyClient();
if (skip) console.warn(`Booking journey skipped: ${skip}`);

describe.skipIf(skip !== undefined)('journey: book an appointment', () => {
  it('reserves a slot of a chosen appointment type, edits the reservation, then cancels it', async () => {
    const types = await hero!.booking.listAppointmentTypes();
    const type = types.data[0]!;
    const slots = await hero!.booking.listSlots({ start_date: '2024-03-15', end_date: '2024-03-22' });
    expect(slots).toBeTypeOf('object');
    const slot = await hero!.booking.getSlot('4321');
    const reservation = await hero!.booking.createAppointment({ appointment_type_id: type.id, location_id: slot.location_id!, practitioner_id: slot.practitioner_id!, start_time: slot.start_time!, duration: 15, patient_id: '98765' });
    expect(reservation).toMatchObject({ id: expect.stringMatching(/^\d+$/), reserved_until: expect.any(String) });
    const edited = await hero!.booking.editAppointment(reservation.id, { start_time: slot.start_time!, duration: 20, practitioner_id: slot.practitioner_id! });
    expect(edited).toBeTypeOf('object');
    const appointment = await hero!.booking.getAppointment(reservation.id);
    expect(appointment).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
    const cancelled = await hero!.booking.cancelAppointment(reservation.id, { suppress_mail: true });
    expect(cancelled).toBeTypeOf('object');
  });

  it.todo('confirms the reservation — "Book an Appointment" has no documented method or path, so it is not in openapi/');
});
