/**
 * Webhook event payloads. Hero's AsyncAPI pages show one thin shape for every
 * channel: `{ object, id, practice_group_id, event }`, all required strings,
 * where `id` identifies the changed `object`; fetch it through the API for detail.
 */

/** Documented payload shape, generic over the event name and `object` value. */
export interface HeroWebhookEventOf<Event extends string, ObjectType extends string> {
  /** Kind of resource that changed, e.g. `"Appointment"`. */
  readonly object: ObjectType;
  /** ID of that resource. */
  readonly id: string;
  /** Practice group the event belongs to (what you send as `x-practice-group-id`). */
  readonly practice_group_id: string;
  /** Event name, the subscription's `event_type`. */
  readonly event: Event;
}

/** An appointment was booked and confirmed. `object` is `"Appointment"` (AsyncAPI). */
export type AppointmentConfirmedEvent = HeroWebhookEventOf<'appointment.confirmed', 'Appointment'>;
/** An appointment was cancelled. `object` is `"Appointment"` (AsyncAPI). */
export type AppointmentCancelledEvent = HeroWebhookEventOf<'appointment.cancelled', 'Appointment'>;
/** An appointment was moved. `object` is `"Appointment"` (AsyncAPI). */
export type AppointmentRescheduledEvent = HeroWebhookEventOf<'appointment.rescheduled', 'Appointment'>;
/** A prescription was issued. `object` is `"Prescription"` (AsyncAPI). */
export type PrescriptionIssuedEvent = HeroWebhookEventOf<'prescription.issued', 'Prescription'>;
/** A patient's medical record changed. `object` is `"Patient"` (AsyncAPI). */
export type PatientMedicalRecordUpdatedEvent = HeroWebhookEventOf<'patient.medical-record-updated', 'Patient'>;
/** A form submission arrived. `object` is `"FormSubmission"` (AsyncAPI, one crawl; not in the `event_type` enum). */
export type FormSubmissionCreatedEvent = HeroWebhookEventOf<'form-submission.created', 'FormSubmission'>;
/**
 * A patient was added to a sequence. Payload undocumented: assumed to be the
 * common shape, `object` not known, so typed `string`.
 */
export type PatientAddedToSequenceEvent = HeroWebhookEventOf<'patient.added-to-sequence', string>;
/** A write to the patient's EHR succeeded. Payload undocumented: common shape assumed, `object` typed `string`. */
export type WriteToRecordSucceededEvent = HeroWebhookEventOf<'write-to-record.succeeded', string>;
/** A write to the patient's EHR failed. Payload undocumented: common shape assumed, `object` typed `string`. */
export type WriteToRecordFailedEvent = HeroWebhookEventOf<'write-to-record.failed', string>;

/** Every event type this SDK version knows. */
export type KnownHeroWebhookEvent =
  | AppointmentConfirmedEvent
  | AppointmentCancelledEvent
  | AppointmentRescheduledEvent
  | PrescriptionIssuedEvent
  | PatientMedicalRecordUpdatedEvent
  | PatientAddedToSequenceEvent
  | WriteToRecordSucceededEvent
  | WriteToRecordFailedEvent
  | FormSubmissionCreatedEvent;

/** Name of a known event type. */
export type KnownHeroWebhookEventType = KnownHeroWebhookEvent['event'];

/**
 * An event type this SDK version does not know (Hero added it later). Its
 * `event` is the literal `'unknown'` and the name Hero sent is in `type`.
 *
 * Why not keep Hero's name in `event` typed `string`: a `string` member makes
 * `switch (e.event)` unable to narrow any case (`'appointment.confirmed'` also
 * fits `string`, and `string & {}` or branded strings behave the same), so every
 * branch would lose its precise type.
 */
export interface UnknownHeroWebhookEvent {
  readonly event: 'unknown';
  /** The event name Hero sent, e.g. a type added after this SDK was released. */
  readonly type: string;
  /** The parsed JSON body as received, unchecked beyond being an object with a string `event`. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * What `verifyWebhook` returns. `switch (e.event)` narrows each known type;
 * handle `'unknown'` (or `default`) to log and acknowledge new types.
 */
export type HeroWebhookEvent = KnownHeroWebhookEvent | UnknownHeroWebhookEvent;

/**
 * Expected `object` per known event; `undefined` where Hero has not documented the payload.
 * Object literal typed by the union, so adding an event type without a row here is a compile error.
 */
const DOCUMENTED_OBJECT: { readonly [E in KnownHeroWebhookEventType]: string | undefined } = {
  'appointment.confirmed': 'Appointment',
  'appointment.cancelled': 'Appointment',
  'appointment.rescheduled': 'Appointment',
  'prescription.issued': 'Prescription',
  'patient.medical-record-updated': 'Patient',
  'patient.added-to-sequence': undefined,
  'write-to-record.succeeded': undefined,
  'write-to-record.failed': undefined,
  'form-submission.created': 'FormSubmission',
};

/** Every event type this SDK version knows, in Hero's enum order. */
export const KNOWN_HERO_WEBHOOK_EVENT_TYPES: readonly KnownHeroWebhookEventType[] = Object.freeze(
  Object.keys(DOCUMENTED_OBJECT) as KnownHeroWebhookEventType[],
);

/** Whether `name` is an event type this SDK version knows. */
export function isKnownWebhookEventType(name: string): name is KnownHeroWebhookEventType {
  return Object.hasOwn(DOCUMENTED_OBJECT, name);
}

/** Result of {@link validateWebhookEvent}. */
export type WebhookEventCheck = { readonly ok: true; readonly event: HeroWebhookEvent } | { readonly ok: false; readonly message: string };

/**
 * Checks a parsed JSON payload minimally and types it. Known types need the
 * four documented string fields (and the documented `object` value where
 * known); extra fields are kept. Unknown types need only a string `event` and
 * come back as {@link UnknownHeroWebhookEvent}. Never throws.
 */
export function validateWebhookEvent(payload: unknown): WebhookEventCheck {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, message: 'the payload is not a JSON object' };
  }
  const record = payload as Record<string, unknown>;
  const name = record.event;
  if (typeof name !== 'string' || name === '') {
    return { ok: false, message: 'the payload has no string "event" field' };
  }
  if (!isKnownWebhookEventType(name)) {
    return { ok: true, event: Object.freeze({ event: 'unknown', type: name, payload: Object.freeze({ ...record }) }) };
  }
  const missing = (['object', 'id', 'practice_group_id'] as const).filter((field) => typeof record[field] !== 'string');
  if (missing.length > 0) {
    return { ok: false, message: `the ${name} payload lacks string field(s): ${missing.join(', ')}` };
  }
  const expected = DOCUMENTED_OBJECT[name];
  if (expected !== undefined && record.object !== expected) {
    return { ok: false, message: `the ${name} payload has object ${JSON.stringify(record.object)}; Hero documents "${expected}"` };
  }
  return { ok: true, event: Object.freeze({ ...record }) as unknown as KnownHeroWebhookEvent };
}
