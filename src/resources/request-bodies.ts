/**
 * Named request bodies, one per schema of the spec.
 *
 * An alias such as `type X = components['schemas']['X']` does not survive in tsc's messages:
 * the indexed type is anonymous, so a mistake prints the whole expanded object. An interface
 * that extends the schema keeps its name, so `hero.messages.send({ … })` with a missing field
 * reports "not assignable to parameter of type 'SendMessageRequest'". Members are never
 * retyped here; `request-bodies.test-d.ts` checks each name equals its generated shape and
 * that every operation with a JSON body has one.
 */
import type { components } from '../../generated/hero-api.js';

type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** Body of `registerPatientPds` by NHS number (Hero documents `dob` as "string or null"). */
export interface RegisterPatientPdsByNhsNumber extends Schema<'RegisterPatientPdsByNhsNumber'> {}
/** Body of `registerPatientPds` by forename, surname, date of birth and postcode. */
export interface RegisterPatientPdsByDemographics extends Schema<'RegisterPatientPdsByDemographics'> {}
/** Body of `registerPatientPds`: exactly one of the two forms. */
export type RegisterPatientPdsRequest = RegisterPatientPdsByNhsNumber | RegisterPatientPdsByDemographics;
/** Body of `registerPatient`. */
export interface RegisterPatientRequest extends Schema<'RegisterPatientRequest'> {}
/** Body of `connectPatientEhr`. */
export interface PatientEhrConnectRequest extends Schema<'PatientEhrConnectRequest'> {}
/** Body of `previewPatientMerge`. */
export interface PatientMergePreviewRequest extends Schema<'PatientMergePreviewRequest'> {}
/** Body of `mergePatient`. */
export interface PatientMergeRequest extends Schema<'PatientMergeRequest'> {}
/** Body of `updatePracticeGroup`. */
export interface PracticeGroupUpdate extends Schema<'PracticeGroupUpdate'> {}
/** Body of `updateAdmin`. */
export interface AdminUpdate extends Schema<'AdminUpdate'> {}
/** Body of `updateTask`. */
export interface TaskUpdate extends Schema<'TaskUpdate'> {}
/** Body of `updateEpisode`. */
export interface EpisodeUpdate extends Schema<'EpisodeUpdate'> {}
/** Body of `createEpisodeNote`. */
export interface NoteCreate extends Schema<'NoteCreate'> {}
/** Body of `editAppointment`. */
export interface AppointmentEditRequest extends Schema<'AppointmentEditRequest'> {}
/** Body of `createAppointment` (a reservation). */
export interface AppointmentCreateRequest extends Schema<'AppointmentCreateRequest'> {}
/** Body of `cancelAppointment`. */
export interface AppointmentCancelRequest extends Schema<'AppointmentCancelRequest'> {}
/** Body of `updateBookingLink`. */
export interface BookingLinkUpdateRequest extends Schema<'BookingLinkUpdateRequest'> {}
/** Body of `createAttachmentLink`. */
export interface AttachmentLinkCreateRequest extends Schema<'AttachmentLinkCreateRequest'> {}
/** Body of `createWebhook`. */
export interface WebhookCreateRequest extends Schema<'WebhookCreateRequest'> {}
/** Body of `sendMessage`. */
export interface SendMessageRequest extends Schema<'SendMessageRequest'> {}
/** Body of `createBatchMessage` (`subject` is needed for email batches; the spec says so, the type cannot). */
export interface BatchMessageCreateRequest extends Schema<'BatchMessageCreateRequest'> {}
/** Body of `validateSnomedCode`. */
export interface SnomedValidateRequest extends Schema<'SnomedValidateRequest'> {}
/** Body of `createCustomer`. */
export interface CustomerCreateRequest extends Schema<'CustomerCreateRequest'> {}
/** Body of `createInvoice`. Give `patient_id` or `appointment_id` (Hero's rule; the type cannot say it, the API checks it). */
export interface InvoiceCreateRequest extends Schema<'InvoiceCreateRequest'> {}
/** Body of `updateInvoice`. */
export interface InvoiceUpdateRequest extends Schema<'InvoiceUpdateRequest'> {}
/** Body of `linkInvoice`. */
export interface InvoiceLinkRequest extends Schema<'InvoiceLinkRequest'> {}
/** Body of `createPharmacy`. */
export interface PharmacyCreateRequest extends Schema<'PharmacyCreateRequest'> {}

/** The named body of each operation that takes a JSON body; {@link RequestBody} reads it. */
export interface NamedRequestBodies {
  registerPatientPds: RegisterPatientPdsRequest;
  registerPatient: RegisterPatientRequest;
  connectPatientEhr: PatientEhrConnectRequest;
  previewPatientMerge: PatientMergePreviewRequest;
  mergePatient: PatientMergeRequest;
  updatePracticeGroup: PracticeGroupUpdate;
  updateAdmin: AdminUpdate;
  updateTask: TaskUpdate;
  updateEpisode: EpisodeUpdate;
  createEpisodeNote: NoteCreate;
  editAppointment: AppointmentEditRequest;
  createAppointment: AppointmentCreateRequest;
  cancelAppointment: AppointmentCancelRequest;
  updateBookingLink: BookingLinkUpdateRequest;
  createAttachmentLink: AttachmentLinkCreateRequest;
  createWebhook: WebhookCreateRequest;
  sendMessage: SendMessageRequest;
  createBatchMessage: BatchMessageCreateRequest;
  validateSnomedCode: SnomedValidateRequest;
  createCustomer: CustomerCreateRequest;
  createInvoice: InvoiceCreateRequest;
  updateInvoice: InvoiceUpdateRequest;
  linkInvoice: InvoiceLinkRequest;
  createPharmacy: PharmacyCreateRequest;
}
