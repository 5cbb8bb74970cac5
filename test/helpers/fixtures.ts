/**
 * Bodies the bench and soak servers answer with, and the request bodies clients send.
 * Shapes follow the spec's examples (getAppointment, sendMessage); the appointment is
 * padded with one extra key to about 1 KB, the size the bench is meant to measure.
 * The facade does not validate responses, so the padding only adds parse work.
 */

/** Target size of the GET body in bytes. */
export const APPOINTMENT_BODY_BYTES = 1024;

const appointment = {
  id: '12345',
  patient_id: '98765',
  practitioner_id: '201',
  location_id: '5',
  appointment_type_id: '1',
  duration: 15,
  start_time: '2024-03-15T14:00:00Z',
  video: false,
  in_person: true,
  telephone: false,
  link_id: null,
  reserved_until: null,
  booking_confirmed_at: '2024-03-10T09:30:00Z',
  can_be_cancelled: true,
  can_be_rescheduled: true,
  cancellation_policy_hours: 24,
  suppress_mail: false,
};

function padTo(value: Record<string, unknown>, bytes: number): string {
  const base = JSON.stringify({ ...value, bench_padding: '' });
  return JSON.stringify({ ...value, bench_padding: 'x'.repeat(Math.max(0, bytes - Buffer.byteLength(base))) });
}

/** `GET /v1/appointments/{id}` answer: the spec's example, padded to {@link APPOINTMENT_BODY_BYTES}. */
export const APPOINTMENT_JSON = padTo(appointment, APPOINTMENT_BODY_BYTES);

/** `POST /v1/messages/send` answer: the spec's example. */
export const SEND_MESSAGE_RESPONSE_JSON = JSON.stringify({
  message_id: '12345',
  content: 'Sample text message',
  created_at: '2024-03-15T14:00:00Z',
  snomed_code: '123456789',
  write_to_record: true,
});

/**
 * A `sendMessage` body. `marker` goes into `message_string` (a real field), so a server
 * can tell each send apart without inventing a field.
 */
export function sendMessageBody(marker: string): { patient_id: string; message_type: 'sms'; message_string: string } {
  return { patient_id: '98765', message_type: 'sms', message_string: `Your appointment is confirmed [${marker}]` };
}

/** Reads the marker back out of a `message_string` written by {@link sendMessageBody}. */
export function markerOf(messageString: unknown): string | undefined {
  if (typeof messageString !== 'string') return undefined;
  return /\[([^\]]+)\]$/.exec(messageString)?.[1];
}

/** Credentials for local servers only; not a real key. */
export const BENCH_CREDENTIALS = { apiKey: 'bench-local-key', practiceGroupId: '4242' } as const;
