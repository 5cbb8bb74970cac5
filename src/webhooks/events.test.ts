import { describe, expect, it } from 'vitest';
import { isKnownWebhookEventType, KNOWN_HERO_WEBHOOK_EVENT_TYPES, validateWebhookEvent } from './events.js';

const base = { id: '123', practice_group_id: '456' };

describe('validateWebhookEvent', () => {
  it.each([
    ['appointment.confirmed', 'Appointment'],
    ['appointment.cancelled', 'Appointment'],
    ['appointment.rescheduled', 'Appointment'],
    ['prescription.issued', 'Prescription'],
    ['patient.medical-record-updated', 'Patient'],
    ['form-submission.created', 'FormSubmission'],
    ['patient.added-to-sequence', 'Patient'],
    ['write-to-record.succeeded', 'Message'],
    ['write-to-record.failed', 'Anything'],
  ])('accepts a %s payload with object %s as a known event', (event, object) => {
    const payload = { object, ...base, event };
    expect(validateWebhookEvent(payload)).toEqual({ ok: true, event: payload });
  });

  it('keeps fields Hero adds beyond the documented four', () => {
    const payload = { object: 'Appointment', ...base, event: 'appointment.confirmed', created_at: '2024-03-15T12:00:00Z' };
    const result = validateWebhookEvent(payload);
    expect(result.ok && result.event).toEqual(payload);
  });

  it('wraps an event type this SDK does not know instead of failing', () => {
    const payload = { object: 'Invoice', id: 7, event: 'invoice.paid' };
    expect(validateWebhookEvent(payload)).toEqual({ ok: true, event: { event: 'unknown', type: 'invoice.paid', payload } });
  });

  it.each([
    ['not an object', '{"event":"appointment.confirmed"}', /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['no event', { object: 'Appointment', ...base }, /no string "event"/],
    ['a numeric event', { object: 'Appointment', ...base, event: 1 }, /no string "event"/],
    ['a numeric id', { object: 'Appointment', id: 123, practice_group_id: '456', event: 'appointment.confirmed' }, /lacks string field\(s\): id$/],
    ['missing object and practice group', { id: '1', event: 'prescription.issued' }, /object, practice_group_id/],
    ['the wrong object for a documented event', { object: 'Patient', ...base, event: 'appointment.confirmed' }, /object "Patient"; Hero documents "Appointment"/],
  ])('rejects %s with a clear message', (_case, payload, message) => {
    const result = validateWebhookEvent(payload);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toMatch(message);
  });
});

describe('known event types', () => {
  it('lists the nine documented types', () => {
    expect([...KNOWN_HERO_WEBHOOK_EVENT_TYPES].sort()).toEqual(
      [
        'appointment.cancelled',
        'appointment.confirmed',
        'appointment.rescheduled',
        'form-submission.created',
        'patient.added-to-sequence',
        'patient.medical-record-updated',
        'prescription.issued',
        'write-to-record.failed',
        'write-to-record.succeeded',
      ],
    );
    expect(isKnownWebhookEventType('appointment.confirmed')).toBe(true);
    expect(isKnownWebhookEventType('toString')).toBe(false);
  });
});
