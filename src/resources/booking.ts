/**
 * Booking journey: appointment types, locations and practitioners (Practice Group tag),
 * slots, and appointments (reserve, get, edit, cancel).
 *
 * Hero's "Book an Appointment" and "Reschedule" operations are not in the spec (their
 * method or path is unknown, see openapi/README.md), so they are not offered here.
 */
import type { HeroRawClient } from '../raw-client-types.js';
import type { HeroPromise } from '../observability/hero-promise.js';
import { callInit, expectData, wireQuery, type CallOptions, type MutationOptions } from './request.js';
import type { QueryParams, RequestBody, SuccessBody } from './types.js';

/** `hero.booking`. */
export interface BookingResource {
  /** Appointment types the practice group offers (the first step of booking). */
  listAppointmentTypes(query?: QueryParams<'listAppointmentTypes'>, options?: CallOptions): HeroPromise<SuccessBody<'listAppointmentTypes'>>;
  /** The practice group's locations. Response fields are not documented by Hero. */
  listLocations(options?: CallOptions): HeroPromise<SuccessBody<'listLocations'>>;
  /** Practitioners, optionally filtered by location, appointment type and availability. */
  listPractitioners(query?: QueryParams<'listPractitioners'>, options?: CallOptions): HeroPromise<SuccessBody<'listPractitioners'>>;
  /** One practitioner. */
  getPractitioner(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getPractitioner'>>;
  /** Bookable slots. Hero's docs show this operation only in part (see the spec). */
  listSlots(query?: QueryParams<'listSlots'>, options?: CallOptions): HeroPromise<SuccessBody<'listSlots'>>;
  /** Number of bookable slots for the filters. */
  countSlots(query?: QueryParams<'countSlots'>, options?: CallOptions): HeroPromise<SuccessBody<'countSlots'>>;
  /** One slot. */
  getSlot(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getSlot'>>;
  /** Reserves a slot: returns the appointment `id` and `reserved_until`. Not retried on 5xx unless marked idempotent. */
  createAppointment(body: RequestBody<'createAppointment'>, options?: MutationOptions): HeroPromise<SuccessBody<'createAppointment'>>;
  /** One appointment; `booking_confirmed_at` tells whether it is booked. */
  getAppointment(id: string, options?: CallOptions): HeroPromise<SuccessBody<'getAppointment'>>;
  /** Edits an appointment that is not yet confirmed (PUT: safe to retry). */
  editAppointment(id: string, body: RequestBody<'editAppointment'>, options?: CallOptions): HeroPromise<SuccessBody<'editAppointment'>>;
  /** Cancels an appointment. Not retried on 5xx unless marked idempotent. */
  cancelAppointment(id: string, body?: RequestBody<'cancelAppointment'>, options?: MutationOptions): HeroPromise<SuccessBody<'cancelAppointment'>>;
}

/** Builds `hero.booking` over the typed client. */
export function createBookingResource(raw: HeroRawClient): BookingResource {
  const byId = (id: string) => ({ params: { path: { id } } });
  return {
    listAppointmentTypes: (query, options) =>
      expectData('listAppointmentTypes', () => raw.GET('/v1/appointment_types', { params: { query: wireQuery(query) }, ...callInit(options) })),
    listLocations: (options) => expectData('listLocations', () => raw.GET('/v1/locations', callInit(options))),
    listPractitioners: (query, options) =>
      expectData('listPractitioners', () => raw.GET('/v1/practitioners', { params: { query: wireQuery(query) }, ...callInit(options) })),
    getPractitioner: (id, options) => expectData('getPractitioner', () => raw.GET('/v1/practitioners/{id}', { ...byId(id), ...callInit(options) })),
    listSlots: (query, options) => expectData('listSlots', () => raw.GET('/v1/slots', { params: { query: wireQuery(query) }, ...callInit(options) })),
    countSlots: (query, options) => expectData('countSlots', () => raw.GET('/v1/slots/count', { params: { query: wireQuery(query) }, ...callInit(options) })),
    getSlot: (id, options) => expectData('getSlot', () => raw.GET('/v1/slots/{id}', { ...byId(id), ...callInit(options) })),
    createAppointment: (body, options) => expectData('createAppointment', () => raw.POST('/v1/appointments', { body, ...callInit(options) })),
    getAppointment: (id, options) => expectData('getAppointment', () => raw.GET('/v1/appointments/{id}', { ...byId(id), ...callInit(options) })),
    editAppointment: (id, body, options) =>
      expectData('editAppointment', () => raw.PUT('/v1/appointments/{id}', { ...byId(id), body, ...callInit(options) })),
    cancelAppointment: (id, body, options) =>
      expectData('cancelAppointment', () => raw.PATCH('/v1/appointments/{id}/cancel', { ...byId(id), body: body === undefined ? {} : body, ...callInit(options) })),
  };
}
