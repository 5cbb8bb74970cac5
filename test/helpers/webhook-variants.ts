/**
 * Webhook deliveries for adversarial tests, each signed by the SDK's own signer
 * (`signWebhookPayload`) at a given time rather than stored as fixed strings:
 *
 * - {@link authenticVariants}: correctly signed and fresh, in every payload style an
 *   authentic sender might use (case, numeric ids, missing or null fields, BOM, unknown
 *   events, other signature and timestamp encodings). All must be accepted.
 * - {@link tamperedVariants}: altered after signing, replayed, or unsigned. All must be
 *   rejected with the stated reason.
 */
import { expect } from 'vitest';
import type { WebhookVerificationFailureReason } from '../../src/errors.js';
import type { HeroWebhookEvent } from '../../src/webhooks/events.js';
import { signWebhookPayload } from '../../src/webhooks/sign.js';

/** One delivery: the body bytes and the two headers as sent. */
export interface WebhookDelivery {
  readonly name: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** An authentic delivery and what it must type to. */
export interface AuthenticVariant extends WebhookDelivery {
  /** The `event` of the returned event: a known name, or `'unknown'`. */
  readonly expectEvent: string;
  /** Fields of the returned event (known) or of its `payload` (unknown) to check. */
  readonly expectFields?: Readonly<Record<string, unknown>>;
  /** `field:kind` of each expected deviation, in order. */
  readonly expectDeviations: readonly string[];
}

/** A delivery that must be refused, and why. */
export interface RejectedVariant extends WebhookDelivery {
  readonly reason: WebhookVerificationFailureReason;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const documented = { object: 'Appointment', id: '321', practice_group_id: '654', event: 'appointment.confirmed' };

type Encode = 'seconds' | 'milliseconds' | 'iso' | 'base64' | 'prefixed' | 'upper-hex';

function sign(name: string, body: Buffer, signingKey: string, nowSeconds: number, encode: Encode = 'seconds'): WebhookDelivery {
  const timestamp =
    encode === 'milliseconds' ? String(nowSeconds * 1000) : encode === 'iso' ? new Date(nowSeconds * 1000).toISOString() : nowSeconds;
  const signed = signWebhookPayload({ rawBody: body, signingKey, timestamp });
  const digest = Buffer.from(signed.signature, 'hex');
  const signature =
    encode === 'base64' ? digest.toString('base64')
    : encode === 'prefixed' ? `sha256=${signed.signature}`
    : encode === 'upper-hex' ? signed.signature.toUpperCase()
    : signed.signature;
  return { name, body, headers: { 'X-Herohealth-Timestamp': signed.timestamp, 'X-Herohealth-Signature': signature } };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** 48 authentic deliveries, fresh at `nowSeconds`. */
export function authenticVariants(signingKey: string, nowSeconds: number): AuthenticVariant[] {
  const rows: Array<[string, Buffer, string, Record<string, unknown> | undefined, string[], Encode?]> = [
    // the nine known types, as documented
    ['appointment.confirmed as documented', json(documented), 'appointment.confirmed', documented, []],
    ['appointment.cancelled', json({ ...documented, event: 'appointment.cancelled' }), 'appointment.cancelled', undefined, []],
    ['appointment.rescheduled', json({ ...documented, event: 'appointment.rescheduled' }), 'appointment.rescheduled', undefined, []],
    ['prescription.issued', json({ object: 'Prescription', id: '1', practice_group_id: '654', event: 'prescription.issued' }), 'prescription.issued', undefined, []],
    ['patient.medical-record-updated', json({ object: 'Patient', id: '2', practice_group_id: '654', event: 'patient.medical-record-updated' }), 'patient.medical-record-updated', undefined, []],
    ['form-submission.created', json({ object: 'FormSubmission', id: '3', practice_group_id: '654', event: 'form-submission.created' }), 'form-submission.created', undefined, []],
    ['patient.added-to-sequence', json({ object: 'Patient', id: '4', practice_group_id: '654', event: 'patient.added-to-sequence' }), 'patient.added-to-sequence', undefined, []],
    ['write-to-record.succeeded', json({ object: 'Message', id: '5', practice_group_id: '654', event: 'write-to-record.succeeded' }), 'write-to-record.succeeded', undefined, []],
    ['write-to-record.failed with an error field', json({ object: 'Message', id: '6', practice_group_id: '654', event: 'write-to-record.failed', error: { code: 'EHR_DOWN' } }), 'write-to-record.failed', { error: { code: 'EHR_DOWN' } }, []],
    // case of object
    ['object "appointment"', json({ ...documented, object: 'appointment' }), 'appointment.confirmed', { object: 'Appointment' }, ['object:case']],
    ['object "APPOINTMENT"', json({ ...documented, object: 'APPOINTMENT' }), 'appointment.confirmed', { object: 'Appointment' }, ['object:case']],
    ['object "prescription"', json({ object: 'prescription', id: '1', practice_group_id: '654', event: 'prescription.issued' }), 'prescription.issued', { object: 'Prescription' }, ['object:case']],
    ['object "patient"', json({ object: 'patient', id: '2', practice_group_id: '654', event: 'patient.medical-record-updated' }), 'patient.medical-record-updated', { object: 'Patient' }, ['object:case']],
    ['object "form_submission" in other case', json({ object: 'formSubmission', id: '3', practice_group_id: '654', event: 'form-submission.created' }), 'form-submission.created', { object: 'FormSubmission' }, ['object:case']],
    // numeric ids
    ['numeric id', json({ ...documented, id: 321 }), 'appointment.confirmed', { id: '321' }, ['id:number']],
    ['numeric practice_group_id', json({ ...documented, practice_group_id: 654 }), 'appointment.confirmed', { practice_group_id: '654' }, ['practice_group_id:number']],
    ['both ids numeric', json({ ...documented, id: 321, practice_group_id: 654 }), 'appointment.confirmed', { id: '321', practice_group_id: '654' }, ['id:number', 'practice_group_id:number']],
    ['a 14-digit numeric id', json({ ...documented, id: 12345678901234 }), 'appointment.confirmed', { id: '12345678901234' }, ['id:number']],
    ['lower-case object and numeric ids', json({ object: 'appointment', id: 1, practice_group_id: 2, event: 'appointment.cancelled' }), 'appointment.cancelled', { object: 'Appointment', id: '1', practice_group_id: '2' }, ['object:case', 'id:number', 'practice_group_id:number']],
    // missing or null fields
    ['no object', json({ id: '321', practice_group_id: '654', event: 'appointment.confirmed' }), 'appointment.confirmed', { object: 'Appointment' }, ['object:missing']],
    ['null object', json({ ...documented, object: null }), 'appointment.confirmed', { object: 'Appointment' }, ['object:null']],
    ['no id', json({ object: 'Appointment', practice_group_id: '654', event: 'appointment.confirmed' }), 'unknown', { practice_group_id: '654' }, ['id:missing']],
    ['null id', json({ ...documented, id: null }), 'unknown', { id: null }, ['id:null']],
    ['no practice_group_id', json({ object: 'Appointment', id: '321', event: 'appointment.confirmed' }), 'unknown', { id: '321' }, ['practice_group_id:missing']],
    ['null practice_group_id', json({ ...documented, practice_group_id: null }), 'unknown', { practice_group_id: null }, ['practice_group_id:null']],
    ['boolean id', json({ ...documented, id: true }), 'unknown', { id: true }, ['id:type']],
    ['no event', json({ object: 'Appointment', id: '321', practice_group_id: '654' }), 'unknown', { id: '321' }, ['event:missing']],
    ['null event', json({ ...documented, event: null }), 'unknown', { event: null }, ['event:null']],
    ['numeric event', json({ ...documented, event: 7 }), 'unknown', { event: 7 }, ['event:type']],
    ['an empty object', json({}), 'unknown', {}, ['event:missing']],
    ['only an event', json({ event: 'appointment.confirmed' }), 'unknown', { event: 'appointment.confirmed' }, ['object:missing', 'id:missing', 'practice_group_id:missing']],
    ['no object where none is documented', json({ id: '5', practice_group_id: '654', event: 'write-to-record.succeeded' }), 'unknown', { id: '5' }, ['object:missing']],
    ['another object for a documented event', json({ ...documented, object: 'Patient' }), 'unknown', { object: 'Patient' }, ['object:value']],
    ['empty-string id', json({ ...documented, id: '' }), 'appointment.confirmed', { id: '' }, []],
    // event names
    ['an event type added later', json({ object: 'Invoice', id: '9', practice_group_id: '654', event: 'invoice.paid' }), 'unknown', { event: 'invoice.paid' }, ['event:unknown_event']],
    ['event name in upper case', json({ ...documented, event: 'APPOINTMENT.CONFIRMED' }), 'appointment.confirmed', { event: 'appointment.confirmed' }, ['event:case']],
    // JSON styles
    ['a leading UTF-8 BOM', Buffer.concat([BOM, json(documented)]), 'appointment.confirmed', documented, []],
    ['a BOM and a lower-case object', Buffer.concat([BOM, json({ ...documented, object: 'appointment' })]), 'appointment.confirmed', { object: 'Appointment' }, ['object:case']],
    ['pretty-printed JSON', Buffer.from(JSON.stringify(documented, null, 2)), 'appointment.confirmed', documented, []],
    ['keys in another order', json({ event: 'appointment.confirmed', practice_group_id: '654', id: '321', object: 'Appointment' }), 'appointment.confirmed', documented, []],
    ['unicode escapes in strings', Buffer.from('{"object":"\\u0041ppointment","id":"321","practice_group_id":"654","event":"appointment.confirmed"}'), 'appointment.confirmed', documented, []],
    ['a trailing newline', Buffer.from(`${JSON.stringify(documented)}\r\n`), 'appointment.confirmed', documented, []],
    ['a duplicate key (last wins, as JSON.parse does)', Buffer.from('{"object":"Appointment","id":"1","id":"321","practice_group_id":"654","event":"appointment.confirmed"}'), 'appointment.confirmed', { id: '321' }, []],
    ['non-ASCII text in an extra field', json({ ...documented, note: 'Zoë – café' }), 'appointment.confirmed', { note: 'Zoë – café' }, []],
    // signature and timestamp encodings
    ['a millisecond timestamp', json(documented), 'appointment.confirmed', documented, [], 'milliseconds'],
    ['an ISO 8601 timestamp', json(documented), 'appointment.confirmed', documented, [], 'iso'],
    ['a base64 signature', json(documented), 'appointment.confirmed', documented, [], 'base64'],
    ['a sha256= prefixed signature', json(documented), 'appointment.confirmed', documented, [], 'prefixed'],
    ['an upper-case hex signature', json(documented), 'appointment.confirmed', documented, [], 'upper-hex'],
  ];
  return rows.map(([name, body, expectEvent, expectFields, expectDeviations, encode]) => ({
    ...sign(name, body, signingKey, nowSeconds, encode),
    expectEvent,
    ...(expectFields === undefined ? {} : { expectFields }),
    expectDeviations,
  }));
}

/** Deliveries that must be refused at `nowSeconds`, each with the reason. */
export function tamperedVariants(signingKey: string, nowSeconds: number): RejectedVariant[] {
  const body = json(documented);
  const good = sign('good', body, signingKey, nowSeconds);
  const signature = good.headers['X-Herohealth-Signature']!;
  const timestamp = good.headers['X-Herohealth-Timestamp']!;
  const withBody = (name: string, changed: Buffer, reason: WebhookVerificationFailureReason): RejectedVariant => ({ name, body: changed, headers: good.headers, reason });
  const withHeaders = (name: string, headers: Record<string, string>, reason: WebhookVerificationFailureReason): RejectedVariant => ({ name, body, headers, reason });
  const signedAt = (name: string, seconds: number): RejectedVariant => ({ ...sign(name, body, signingKey, seconds), reason: 'timestamp_out_of_tolerance' });
  return [
    withBody('one id digit changed', Buffer.from(body.toString().replace('"321"', '"322"')), 'signature_mismatch'),
    withBody('event changed', Buffer.from(body.toString().replace('confirmed', 'cancelled')), 'signature_mismatch'),
    withBody('object re-cased after signing', Buffer.from(body.toString().replace('"Appointment"', '"appointment"')), 'signature_mismatch'),
    withBody('a BOM added after signing', Buffer.concat([BOM, body]), 'signature_mismatch'),
    withBody('a trailing space added', Buffer.concat([body, Buffer.from(' ')]), 'signature_mismatch'),
    withBody('re-serialised with spacing', Buffer.from(JSON.stringify(documented, null, 1)), 'signature_mismatch'),
    withBody('truncated body', body.subarray(0, body.length - 1), 'signature_mismatch'),
    withBody('an extra field appended', Buffer.from(body.toString().replace(/}$/, ',"admin":true}')), 'signature_mismatch'),
    withBody('an empty body', Buffer.alloc(0), 'body_not_raw'),
    { ...sign('signed with another key', body, `${signingKey}-other`, nowSeconds), reason: 'signature_mismatch' },
    withHeaders('timestamp changed, signature kept', { 'X-Herohealth-Timestamp': String(nowSeconds - 1), 'X-Herohealth-Signature': signature }, 'signature_mismatch'),
    withHeaders('same instant re-written as ISO 8601', { 'X-Herohealth-Timestamp': new Date(nowSeconds * 1000).toISOString(), 'X-Herohealth-Signature': signature }, 'signature_mismatch'),
    withHeaders('one signature character flipped', { 'X-Herohealth-Timestamp': timestamp, 'X-Herohealth-Signature': `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}` }, 'signature_mismatch'),
    withHeaders('truncated signature', { 'X-Herohealth-Timestamp': timestamp, 'X-Herohealth-Signature': signature.slice(0, 60) }, 'malformed_signature'),
    withHeaders('a signature with an unknown scheme', { 'X-Herohealth-Timestamp': timestamp, 'X-Herohealth-Signature': `v1=${signature}` }, 'malformed_signature'),
    withHeaders('two signatures in one header', { 'X-Herohealth-Timestamp': timestamp, 'X-Herohealth-Signature': `${signature}, ${signature}` }, 'malformed_signature'),
    withHeaders('no signature header', { 'X-Herohealth-Timestamp': timestamp }, 'missing_header'),
    withHeaders('no timestamp header', { 'X-Herohealth-Signature': signature }, 'missing_header'),
    withHeaders('no headers', {}, 'missing_header'),
    withHeaders('a zoneless timestamp', { 'X-Herohealth-Timestamp': '2024-03-15T12:00:00', 'X-Herohealth-Signature': signature }, 'malformed_timestamp'),
    signedAt('replayed 301 s later', nowSeconds - 301),
    signedAt('replayed an hour later', nowSeconds - 3600),
    signedAt('replayed a day later', nowSeconds - 86_400),
    signedAt('signed 10 minutes in the future', nowSeconds + 600),
  ];
}

/** Authentic (correctly signed, fresh) JSON that is not an object: refused as `payload_not_object`. */
export function nonObjectVariants(signingKey: string, nowSeconds: number): RejectedVariant[] {
  return ['[]', '[{"event":"appointment.confirmed"}]', '"appointment.confirmed"', '42', 'true', 'null'].map((text) => ({
    ...sign(`JSON ${text}`, Buffer.from(text), signingKey, nowSeconds),
    reason: 'payload_not_object',
  }));
}

/** Asserts a returned event is what the variant says it must type to. */
export function expectTyped(event: HeroWebhookEvent, variant: AuthenticVariant): void {
  expect(event.event).toBe(variant.expectEvent);
  const fields = event.event === 'unknown' ? event.payload : event;
  expect(fields).toMatchObject(variant.expectFields ?? {});
  expect(event.deviations.map((d) => `${d.field}:${d.kind}`)).toEqual(variant.expectDeviations);
}
