import { describe, expect, it } from 'vitest';
import { isKnownWebhookEventType, KNOWN_HERO_WEBHOOK_EVENT_TYPES, validateWebhookEvent, type HeroWebhookEvent } from './events.js';

const base = { id: '123', practice_group_id: '456' };

/** The event of a check that must succeed. */
function typed(payload: unknown): HeroWebhookEvent {
  const result = validateWebhookEvent(payload);
  if (!result.ok) throw new Error(`expected an event, got: ${result.message}`);
  return result.event;
}

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
  ])('accepts a %s payload with object %s as a known event with no deviations', (event, object) => {
    const payload = { object, ...base, event };
    expect(validateWebhookEvent(payload)).toEqual({ ok: true, event: { ...payload, deviations: [] } });
  });

  it('keeps fields Hero adds beyond the documented four', () => {
    const payload = { object: 'Appointment', ...base, event: 'appointment.confirmed', created_at: '2024-03-15T12:00:00Z' };
    expect(typed(payload)).toEqual({ ...payload, deviations: [] });
  });

  it('wraps an event type this SDK does not know instead of failing', () => {
    const payload = { object: 'Invoice', id: 7, event: 'invoice.paid' };
    expect(typed(payload)).toEqual({
      event: 'unknown',
      type: 'invoice.paid',
      payload,
      deviations: [{ field: 'event', kind: 'unknown_event', message: expect.any(String) }],
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, Array<[string, string]>]>([
    ['object in lower case', { object: 'appointment', ...base, event: 'appointment.confirmed' }, { object: 'Appointment' }, [['object', 'case']]],
    ['object in upper case', { object: 'PRESCRIPTION', ...base, event: 'prescription.issued' }, { object: 'Prescription' }, [['object', 'case']]],
    ['a numeric id', { object: 'Appointment', id: 123, practice_group_id: '456', event: 'appointment.confirmed' }, { id: '123' }, [['id', 'number']]],
    ['numeric ids', { object: 'Patient', id: 9, practice_group_id: 456, event: 'patient.medical-record-updated' }, { id: '9', practice_group_id: '456' }, [['id', 'number'], ['practice_group_id', 'number']]],
    ['no object where the event documents it', { ...base, event: 'appointment.cancelled' }, { object: 'Appointment' }, [['object', 'missing']]],
    ['a null object where the event documents it', { object: null, ...base, event: 'appointment.cancelled' }, { object: 'Appointment' }, [['object', 'null']]],
    ['the event name in another case', { object: 'Appointment', ...base, event: 'Appointment.Confirmed' }, { event: 'appointment.confirmed' }, [['event', 'case']]],
  ])('types %s, normalised, with the deviation listed', (_case, payload, normalised, deviations) => {
    const event = typed(payload);
    expect(event).toMatchObject(normalised);
    expect(event.deviations.map((d) => [d.field, d.kind])).toEqual(deviations);
    for (const d of event.deviations) expect(d.message).not.toMatch(/123|456/);
  });

  it.each<[string, Record<string, unknown>, Array<[string, string]>]>([
    ['a missing id', { object: 'Appointment', practice_group_id: '456', event: 'appointment.confirmed' }, [['id', 'missing']]],
    ['a null practice group', { object: 'Appointment', id: '1', practice_group_id: null, event: 'appointment.confirmed' }, [['practice_group_id', 'null']]],
    ['an object id', { object: 'Appointment', id: { v: 1 }, practice_group_id: '4', event: 'appointment.confirmed' }, [['id', 'type']]],
    ['the wrong object for a documented event', { object: 'Patient', ...base, event: 'appointment.confirmed' }, [['object', 'value']]],
    ['no object where none is documented', { ...base, event: 'write-to-record.failed' }, [['object', 'missing']]],
    ['no event', { object: 'Appointment', ...base }, [['event', 'missing']]],
    ['a numeric event', { object: 'Appointment', ...base, event: 1 }, [['event', 'type']]],
    ['an empty object', {}, [['event', 'missing']]],
  ])('returns %s as the unknown event with the body unchanged and the reason listed', (_case, payload, deviations) => {
    const event = typed(payload);
    expect(event.event).toBe('unknown');
    if (event.event !== 'unknown') return;
    expect(event.payload).toEqual(payload);
    expect(event.type).toBe(typeof payload.event === 'string' ? payload.event : undefined);
    expect(event.deviations.map((d) => [d.field, d.kind])).toEqual(deviations);
  });

  it.each([
    ['a string', '{"event":"appointment.confirmed"}', /a string, not a JSON object/],
    ['an array', [], /an array, not a JSON object/],
    ['null', null, /null, not a JSON object/],
    ['a number', 7, /a number, not a JSON object/],
  ])('refuses %s: only a JSON object can be an event', (_case, payload, message) => {
    const result = validateWebhookEvent(payload);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toMatch(message);
  });

  it('freezes the event, its deviations and the unknown payload', () => {
    const known = typed({ object: 'appointment', ...base, event: 'appointment.confirmed' });
    expect(Object.isFrozen(known) && Object.isFrozen(known.deviations)).toBe(true);
    const unknown = typed({ event: 'x' });
    expect(unknown.event === 'unknown' && Object.isFrozen(unknown.payload)).toBe(true);
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
