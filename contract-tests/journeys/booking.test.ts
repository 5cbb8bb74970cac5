/**
 * Booking: appointment types → slots → reserve (create appointment) → edit → cancel.
 * Confirming a reservation ("Book an Appointment") is not in openapi/: Hero's archived docs
 * name it but show no method or path.
 */
import { describe, expect, it } from 'vitest';
import { journeyClient } from './journey-client.js';

const { hero, skip } = journeyClient();
if (skip) console.warn(`Booking journey skipped: ${skip}`);

describe.skipIf(skip !== undefined)('journey: book an appointment', () => {
  it('reserves a slot of a chosen appointment type, edits the reservation, then cancels it', async () => {
    const types = await hero!.raw.GET('/v1/appointment_types', {});
    const type = types.data!.data[0]!;
    const slots = await hero!.raw.GET('/v1/slots', { params: { query: { start_date: '2024-03-15', end_date: '2024-03-22' } } });
    expect(slots.response.ok).toBe(true);
    const { data: slot } = await hero!.raw.GET('/v1/slots/{id}', { params: { path: { id: '4321' } } });
    const reservation = await hero!.raw.POST('/v1/appointments', { body: { appointment_type_id: type.id, location_id: slot!.location_id!, practitioner_id: slot!.practitioner_id!, start_time: slot!.start_time!, duration: 15, patient_id: '98765' } });
    const id = reservation.data!.id;
    expect(reservation.data).toMatchObject({ id: expect.stringMatching(/^\d+$/), reserved_until: expect.any(String) });
    const edited = await hero!.raw.PUT('/v1/appointments/{id}', { params: { path: { id } }, body: { start_time: slot!.start_time!, duration: 20, practitioner_id: slot!.practitioner_id! } });
    expect(edited.response.ok).toBe(true);
    const appointment = await hero!.raw.GET('/v1/appointments/{id}', { params: { path: { id } } });
    expect(appointment.data).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
    const cancelled = await hero!.raw.PATCH('/v1/appointments/{id}/cancel', { params: { path: { id } }, body: { suppress_mail: true } });
    expect(cancelled.response.ok).toBe(true);
  });

  it.todo('confirms the reservation — "Book an Appointment" has no documented method or path, so it is not in openapi/');
});
