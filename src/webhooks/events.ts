/**
 * Webhook event payloads. Hero's AsyncAPI pages show one thin shape for every
 * channel: `{ object, id, practice_group_id, event }`, all required strings,
 * where `id` identifies the changed `object`; fetch it through the API for detail.
 */

/**
 * One way an authentic payload differs from Hero's documented shape. Reported, never
 * fatal: once the signature and timestamp verify, the delivery is Hero's, and losing it
 * because of a payload style would lose a real event once Hero stops retrying.
 */
export interface WebhookPayloadDeviation {
  /** Payload field concerned: `event`, `object`, `id` or `practice_group_id`. */
  readonly field: string;
  /**
   * - `case`: right value, other letter case (`"appointment"`); the documented spelling is used;
   * - `number`: a number where a string is documented; converted with `String()`;
   * - `missing` / `null`: absent, or JSON `null`;
   * - `type`: another JSON type (boolean, object, array…);
   * - `value`: a string that is not the documented value (another `object` for this event);
   * - `unknown_event`: an event name this SDK version does not know.
   */
  readonly kind: 'case' | 'number' | 'missing' | 'null' | 'type' | 'value' | 'unknown_event';
  /** One sentence; never repeats the value (payloads can carry identifiers). */
  readonly message: string;
}

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
  /**
   * How the payload differed from the documented shape before it was normalised to this type
   * (e.g. `object: "appointment"`, a numeric `id`); empty when it matched. Log these.
   */
  readonly deviations: readonly WebhookPayloadDeviation[];
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
 * An authentic event this SDK version cannot type: an event type Hero added later, or a
 * known type whose payload lacks what its type promises (e.g. no `id`). Its `event` is the
 * literal `'unknown'`; the name Hero sent is in `type`, the whole body in `payload`, and
 * `deviations` says why it could not be typed.
 *
 * Why not keep Hero's name in `event` typed `string`: a `string` member makes
 * `switch (e.event)` unable to narrow any case (`'appointment.confirmed'` also
 * fits `string`, and `string & {}` or branded strings behave the same), so every
 * branch would lose its precise type.
 */
export interface UnknownHeroWebhookEvent {
  readonly event: 'unknown';
  /** The event name Hero sent, e.g. a type added after this SDK was released; `undefined` when the payload has no string `event`. */
  readonly type: string | undefined;
  /** The parsed JSON body as received, unchanged. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Why the payload is not a known typed event (never empty). */
  readonly deviations: readonly WebhookPayloadDeviation[];
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

/** Whether `name` is an event type this SDK version knows; `false` for anything but a string. */
export function isKnownWebhookEventType(name: string): name is KnownHeroWebhookEventType {
  return typeof name === 'string' && Object.hasOwn(DOCUMENTED_OBJECT, name);
}

/** Result of {@link validateWebhookEvent}. */
export type WebhookEventCheck = { readonly ok: true; readonly event: HeroWebhookEvent } | { readonly ok: false; readonly message: string };

/** Known event names by lower case, for names sent in another case. */
const KNOWN_BY_LOWER_CASE: ReadonlyMap<string, KnownHeroWebhookEventType> = new Map(
  KNOWN_HERO_WEBHOOK_EVENT_TYPES.map((name) => [name.toLowerCase(), name]),
);

/** The JSON type of a value that is not the expected string, as a deviation. */
function typeDeviation(field: string, value: unknown): WebhookPayloadDeviation {
  if (value === undefined) return { field, kind: 'missing', message: `${field} is missing` };
  if (value === null) return { field, kind: 'null', message: `${field} is null` };
  const type = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return { field, kind: 'type', message: `${field} is ${type}, not a string` };
}

/**
 * A documented string field as a string: strings as sent, finite numbers via `String()`
 * (noted), anything else `undefined` (noted).
 */
function readIdField(record: Record<string, unknown>, field: 'id' | 'practice_group_id', deviations: WebhookPayloadDeviation[]): string | undefined {
  const value = record[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    deviations.push({ field, kind: 'number', message: `${field} is a number, not a string; converted to a string` });
    return String(value);
  }
  deviations.push(typeDeviation(field, value));
  return undefined;
}

/** The `object` to type the event with, or `undefined` (noted) when none can be given honestly. */
function readObjectField(record: Record<string, unknown>, documented: string | undefined, deviations: WebhookPayloadDeviation[]): string | undefined {
  const value = record.object;
  if (typeof value === 'string') {
    if (documented === undefined || value === documented) return value;
    if (value.toLowerCase() === documented.toLowerCase()) {
      deviations.push({ field: 'object', kind: 'case', message: `object differs from the documented "${documented}" only in letter case; "${documented}" is used` });
      return documented;
    }
    deviations.push({ field: 'object', kind: 'value', message: `object is not the documented "${documented}" for this event` });
    return undefined;
  }
  deviations.push(typeDeviation('object', value));
  // The event name says what changed, so the documented object can stand in for a missing one.
  return documented;
}

/**
 * Types an authentic, parsed JSON payload. Never throws, and refuses only what is not a
 * JSON object (an array, string, number, `null`). Every object comes back: as a known event,
 * normalised (documented `object` case, ids as strings) with each difference listed in
 * `deviations`; or, when the event type is not known or its `object`, `id` or
 * `practice_group_id` cannot be given honestly, as {@link UnknownHeroWebhookEvent} with the
 * body unchanged. Extra fields are kept.
 */
export function validateWebhookEvent(payload: unknown): WebhookEventCheck {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    const what = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : `a ${typeof payload}`;
    return { ok: false, message: `the payload is ${what}, not a JSON object` };
  }
  const record = payload as Record<string, unknown>;
  const deviations: WebhookPayloadDeviation[] = [];
  const unknown = (type: string | undefined): WebhookEventCheck => ({
    ok: true,
    event: Object.freeze({ event: 'unknown', type, payload: Object.freeze({ ...record }), deviations: Object.freeze(deviations) }),
  });

  const sent = record.event;
  if (typeof sent !== 'string') {
    deviations.push(typeDeviation('event', sent));
    return unknown(undefined);
  }
  let name: KnownHeroWebhookEventType | undefined = isKnownWebhookEventType(sent) ? sent : undefined;
  if (name === undefined) {
    name = KNOWN_BY_LOWER_CASE.get(sent.trim().toLowerCase());
    if (name === undefined) {
      deviations.push({ field: 'event', kind: 'unknown_event', message: 'event is not a type this SDK version knows' });
      return unknown(sent);
    }
    deviations.push({ field: 'event', kind: 'case', message: `event differs from the documented "${name}" only in letter case or spacing; "${name}" is used` });
  }

  const object = readObjectField(record, DOCUMENTED_OBJECT[name], deviations);
  const id = readIdField(record, 'id', deviations);
  const practiceGroupId = readIdField(record, 'practice_group_id', deviations);
  if (object === undefined || id === undefined || practiceGroupId === undefined) return unknown(sent);
  const event = { ...record, object, id, practice_group_id: practiceGroupId, event: name, deviations: Object.freeze(deviations) };
  return { ok: true, event: Object.freeze(event) as unknown as KnownHeroWebhookEvent };
}

/** The documented `object` of a known event type (`"Appointment"`…), or `undefined` where Hero has not documented the payload. */
export function documentedWebhookObject(type: KnownHeroWebhookEventType): string | undefined {
  return DOCUMENTED_OBJECT[type];
}
