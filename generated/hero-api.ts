// Generated from openapi/hero-public-api.yaml by scripts/generate.ts. Do not edit by hand:
// change the spec and run `npm run generate` (CI fails when this file is stale).

export interface paths {
    readonly "/v1/access_token": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Create an Access Token
         * @description Issues a short-lived JWT for the practice group, to be passed as the `jwt-token`
         *     attribute of Hero Elements (embeddable web components). Call it from your server,
         *     never from a browser, because it needs the API key. The token expires 30 minutes
         *     after issue, so fetch a fresh one shortly before rendering rather than caching it.
         *
         *     Hero's docs show no request body for this operation and no response status other than 200.
         */
        readonly post: operations["createAccessToken"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/admins": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Admins
         * @description Lists the practice group's admins (staff users), with their prescriber details.
         *
         *     Hero's title for this operation was not visible. Hero types `page_index` and
         *     `page_size` as strings here and does not say whether `page_index` starts at 0, nor
         *     what the defaults are.
         */
        readonly get: operations["listAdmins"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/admins/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Update an Admin
         * @description Sets an admin's external prescriber id and prescriber details. Send `null` to clear
         *     either.
         *
         *     The sub-fields of `prescriber_details` come from Hero's request sample only.
         */
        readonly patch: operations["updateAdmin"];
        readonly trace?: never;
    };
    readonly "/v1/appointment_types": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Appointment Types
         * @description Lists the appointment types the practice group has set up. This is the first step of
         *     the booking journey: pick an appointment type here, then look for slots for it, then
         *     reserve and book an appointment.
         *
         *     Hero's docs do not say how the `location_ids` array is serialised in the query string;
         *     this description uses the OpenAPI default (`location_ids=1&location_ids=2`).
         */
        readonly get: operations["listAppointmentTypes"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/appointments": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Create an Appointment
         * @description Reserves a slot: creates an appointment that is held until `reserved_until`
         *     and is not yet a confirmed booking. Typical flow: List Appointment Types,
         *     List Slots, Create an Appointment, then Book an Appointment (whose method
         *     and path are not in Hero's archived docs, so it is not in this file).
         */
        readonly post: operations["createAppointment"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/appointments/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get an Appointment
         * @description Returns one appointment (a reservation or a confirmed booking) by its ID.
         */
        readonly get: operations["getAppointment"];
        /**
         * Edit an Appointment
         * @description Changes the start time, duration or practitioner of an appointment that has
         *     not been confirmed yet (a reservation made with Create an Appointment).
         *
         *     Hero's page for this operation is cut off before its responses: the success
         *     status and body are not documented.
         */
        readonly put: operations["editAppointment"];
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/appointments/{id}/cancel": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Cancel an Appointment
         * @description Cancels an appointment. `suppress_mail` skips Hero's email to the patient and
         *     `suppress_cancellation_policy` presumably lets the cancellation through inside
         *     the practice's cancellation-policy window (see `cancellation_policy_hours` and
         *     `can_be_cancelled` on the appointment); Hero does not describe either field.
         *
         *     Hero's docs show only a curl sample for this operation (and its title is
         *     inferred): whether the body is required, which fields are required, and the
         *     success status and body are unknown.
         */
        readonly patch: operations["cancelAppointment"];
        readonly trace?: never;
    };
    readonly "/v1/attachment_links": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Create an Attachment Link
         * @description Creates a shareable link to a file for a patient: either a file already in
         *     the patient's record (`ehr_file_id`, from List Patient EHR Attachments) or a
         *     file uploaded in the request (`file_data` with `file_name`).
         *
         *     Hero's docs show only a request sample and a response sample for this
         *     operation: field requiredness is unknown, beyond the note that `file_data`
         *     must be given when `ehr_file_id` is not.
         */
        readonly post: operations["createAttachmentLink"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/batch_message": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Batch Messages
         * @description Lists the practice group's batch messages, a page at a time, optionally
         *     filtered by `status`.
         *
         *     The response body is not documented. The only sample on Hero's page is
         *     a single batch object identical to Create a Batch Message's response,
         *     probably that neighbouring operation's sample; whether this operation
         *     uses Hero's usual `{data, count}` list envelope is unconfirmed.
         */
        readonly get: operations["listBatchMessages"];
        readonly put?: never;
        /**
         * Create a Batch Message
         * @description Creates one message (SMS, email or NHS App) addressed to a list of
         *     patients, each named by NHS number and date of birth. The batch starts
         *     with status `CREATED`; sending it is a separate call (Send a Batch
         *     Message).
         */
        readonly post: operations["createBatchMessage"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/batch_message/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a Batch Message
         * @description Returns one batch message. Hero's docs show only a response sample,
         *     with the same fields as Create a Batch Message's response, so the
         *     shared `BatchMessage` schema is used; which fields are always present
         *     here is not documented. Hero's title for this operation was not seen.
         */
        readonly get: operations["getBatchMessage"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/batch_message/{id}/messages": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Batch Message Sends
         * @description Lists the individual messages sent for a batch, a page at a time. Hero's
         *     docs show only the request (method, path and query parameters); the
         *     response is not documented. The title "List Batch Message Sends" is
         *     matched to this path by page order in Hero's sidebar, which is likely
         *     but not certain.
         */
        readonly get: operations["listBatchMessageSends"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/batch_message/{id}/recipients": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Batch Message Recipients
         * @description Lists the recipients of a batch message, a page at a time. Hero's docs
         *     show the query parameters and a sample body in the usual `{data,
         *     count}` envelope, but the sample's items are empty, so the fields of
         *     a recipient are unknown. Hero's title for this operation was not seen.
         */
        readonly get: operations["listBatchMessageRecipients"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/batch_message/{id}/send": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Send a Batch Message
         * @description Starts sending a batch message created earlier. Only the method and
         *     path of this operation were seen in Hero's docs: its title, whether it
         *     takes a request body, and its response are unknown, and the purpose is
         *     inferred from the path.
         */
        readonly patch: operations["sendBatchMessage"];
        readonly trace?: never;
    };
    readonly "/v1/booking_links/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a Booking Link
         * @description Returns a booking link: its short URL, whether it is active, its expiry, its use
         *     limits and counters, and the booking options it offers (`meta`).
         *
         *     Hero's docs show only a curl sample and a response sample for this operation
         *     (its title and tag are inferred): field requiredness is unknown, and the sample
         *     is cut off inside `meta` after `location_id`.
         */
        readonly get: operations["getBookingLink"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Update a Booking Link
         * @description Changes the appointment type, location, practitioner and date window a
         *     booking link offers.
         *
         *     Hero's docs show only part of this operation (its title is inferred): the body
         *     sample is cut off after `practitioner_id`, two date fields ("show only slots
         *     after / before this date") are described but their names are not visible, and
         *     the success status and body are unknown.
         */
        readonly patch: operations["updateBookingLink"];
        readonly trace?: never;
    };
    readonly "/v1/episodes": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Episodes
         * @description Lists the practice group's episodes (groups of tasks about one patient), filtered by
         *     assignee, status or priority and ordered by creation time or priority.
         *
         *     Filters use Hero's `name[]` parameter names and are repeated for several values
         *     (`status[]=open&status[]=in_progress`). Hero's title for this operation was not fully
         *     visible, its field list is cut off inside `patient`, and it does not document
         *     defaults, whether `page_index` starts at 0, or what `order_descending[]` accepts (its
         *     sample sends a string).
         */
        readonly get: operations["listEpisodes"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/episodes/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Episode
         * @description Returns one episode with its assignees and its tasks, each task with its patient.
         *
         *     Hero's field list is cut off inside `tasks[].patient`, so episodes and their tasks may
         *     carry more fields than shown.
         */
        readonly get: operations["getEpisode"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Update an Episode
         * @description Changes an episode's status, priority or assignees.
         *
         *     Hero's docs show only a request sample for this operation (its title was not fully
         *     visible): the body fields come from that sample, with the status, priority and
         *     assignee-type values of the episode object; field requiredness, whether the body is
         *     required and the response body are not documented.
         */
        readonly patch: operations["updateEpisode"];
        readonly trace?: never;
    };
    readonly "/v1/form_response/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a Form Response
         * @description Returns one patient's response to a form, with the ids of the related form, patient,
         *     appointment and invoice and the state of its write to the patient's record.
         *
         *     Hero's docs show only a response sample for this operation (its title was not fully
         *     visible): types are taken from the sample, which uses numbers for ids unlike the rest
         *     of the API; field requiredness and nullability are unknown, and the answers themselves
         *     do not appear in the visible part.
         */
        readonly get: operations["getFormResponse"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/forms": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Forms
         * @description Lists the practice group's forms, optionally filtered by a search term, by whether they
         *     are reply forms, or by form type.
         *
         *     Hero's title for this operation was not visible, and its docs do not say which fields
         *     `search` matches or whether the list is paginated.
         */
        readonly get: operations["listForms"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/forms/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Form
         * @description Returns one form with its fields (questions).
         *
         *     Hero's title for this operation was not visible, and its field list is cut off inside
         *     `fields`: form fields may carry more properties than the two shown.
         */
        readonly get: operations["getForm"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/invoicing/coupons": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Coupons
         * @description Lists the Stripe coupons of the practice group, for use as `coupons` on an invoice.
         */
        readonly get: operations["listCoupons"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/invoicing/customers": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Customers
         * @description Searches the Stripe customers of the practice group. Hero's docs do not say which customer fields `query` is matched against.
         */
        readonly get: operations["listCustomers"];
        readonly put?: never;
        /**
         * Create Customer
         * @description Creates a Stripe customer for the practice group. The sub-fields of
         *     `sources` come only from Hero's request sample. Only the first field
         *     of the response sample (`id`) was visible, so the rest of the
         *     response is unknown.
         */
        readonly post: operations["createCustomer"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/invoicing/customers/default": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Default Customer
         * @description Returns the Stripe customer used by default for a patient's invoices
         *     (see `set_default_customer` on Create Invoice). Hero's docs show only a
         *     request and a response sample: whether `patient_id` is required, what
         *     happens when the patient has no default customer, and which response
         *     fields are always present are unknown.
         */
        readonly get: operations["getDefaultCustomer"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/invoicing/invoices": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Create Invoice
         * @description Creates an invoice (in Stripe) for a patient. `issuer_id` is the Admin
         *     ID of the person issuing it. Give `patient_id` or `appointment_id`;
         *     with `appointment_id` Hero takes the patient from the appointment.
         *     Invoice items come from Hero's List Products operation, which is
         *     referenced by Hero's docs but not documented in them. `mode` chooses
         *     between leaving the invoice as a draft and finalizing it.
         *
         *     This is the only operation in Hero's docs that answers 201. Response
         *     codes other than 201 and 400 are cut off in Hero's docs.
         */
        readonly post: operations["createInvoice"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/invoicing/invoices/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Update Invoice
         * @description Updates an invoice. `issuer_id`, the Admin ID of the person making the
         *     change, is required. A draft invoice can have any field changed; a
         *     finalized one only `memo`, `footer` and `coupons`.
         *
         *     Hero's docs show this operation's description and a curl line sending
         *     JSON, but the request body and the response are cut off. The body
         *     schema therefore lists only the fields the description names and
         *     stays open; the other draft-editable fields are probably those of
         *     Create Invoice but are not confirmed. Hero's title was not seen.
         */
        readonly patch: operations["updateInvoice"];
        readonly trace?: never;
    };
    readonly "/v1/invoicing/invoices/link": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Link Invoice to Appointment
         * @description Links an existing Stripe invoice to an appointment. Hero's docs show
         *     only a request sample and the start of a response sample (the same
         *     fields as Create Invoice's response), so which request fields are
         *     required is unknown, and the success status is assumed to be 200 as
         *     for Hero's other operations (it was not visible).
         */
        readonly post: operations["linkInvoice"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/links/status": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Link Status
         * @description Reports the status of a Hero link (for example whether a booking link has been
         *     used), looked up by its short URL or by its ID.
         *
         *     Hero's docs show only a curl sample and a response sample for this operation
         *     (its title is inferred): whether `url` or `id` is required, the possible values
         *     of `status` and `type`, and the shape of `reference` items are unknown.
         */
        readonly get: operations["getLinkStatus"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/locations": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Locations
         * @description Lists the practice group's locations that are set up for online booking. Location ids
         *     from here filter appointment types, practitioners and slots.
         *
         *     Hero's docs give only the method, path and summary of this operation: query parameters
         *     and the response body are not documented. Other list operations answer with a
         *     `{data, count}` envelope, but that is not confirmed here.
         */
        readonly get: operations["listLocations"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/me": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Practice Group
         * @description Returns the practice group the call acts for (the one in `x-practice-group-id`).
         *
         *     Hero's docs give only the method, path and summary of this operation: the response
         *     body is not documented.
         */
        readonly get: operations["getPracticeGroupById"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Update a Practice Group
         * @description Changes settings of the practice group the call acts for: its name, address and
         *     prescription-partner settings.
         *
         *     The body fields come from Hero's request sample only, which is cut off inside
         *     `address`: which fields are required, whether the body itself is required, and the
         *     response body are not documented.
         */
        readonly patch: operations["updatePracticeGroup"];
        readonly trace?: never;
    };
    readonly "/v1/me/capabilities": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Practice Group Capabilities
         * @description Returns the capabilities enabled for the practice group (for example SMS messaging).
         *
         *     Hero's docs show only a response sample for this operation: field requiredness and the
         *     full list of capability names are unknown.
         */
        readonly get: operations["getCapabilities"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/me/configuration": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Practice Group Configuration
         * @description Returns the configuration settings of the practice group the call acts for.
         *
         *     Hero's docs give only the method, path and summary of this operation: the response
         *     body is not documented.
         */
        readonly get: operations["getConfiguration"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/me/elements": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Practice Group Elements
         * @description Lists the Hero Elements (embeddable UI components) enabled for the practice group,
         *     with each one's version and configuration.
         *
         *     Hero's title for this operation was not fully visible, and its response sample was cut
         *     off; the shapes of `config` and `element` are not documented.
         */
        readonly get: operations["listPracticeGroupElements"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/messages/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a Message
         * @description Returns one message. Hero's docs show only the first lines of a
         *     response sample, which begins with the message `id` and a `patient`
         *     object holding the patient's `id`; all other fields, and which
         *     fields are always present, are unknown. Hero's title for this
         *     operation was not seen; the summary is inferred from the page slug
         *     `getmessage`.
         */
        readonly get: operations["getMessage"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/messages/send": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Send a Message
         * @description Sends one message to a patient by Hero, SMS, email or NHS App, and can
         *     also write it to the patient's record in the practice's clinical system
         *     (EMIS Web or TPP SystmOne). SMS goes out through the practice's own SMS
         *     provider. Get the `patient_id` first, e.g. from Register a Patient using
         *     PDS.
         *
         *     Set `send_at` to schedule the message instead of sending it at once.
         *     Hero's docs show no operation to cancel a scheduled message.
         *
         *     The request fields are fully documented. The success body is only
         *     partly documented: Hero's newest reference lists `message_id`,
         *     `content` and `created_at` and is cut off after them; the other
         *     response fields come from the sample in Hero's messaging walkthrough.
         *     The older reference showed only `{"message_id": ...}`.
         */
        readonly post: operations["sendMessage"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/notes": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Create a note
         * @description Adds a free-text note to an episode and returns the note with its author.
         *
         *     Hero's docs show only request and response samples for this operation: field
         *     requiredness and nullability are unknown, the response sample is cut off after
         *     `created_at`, and its status code is not shown (200 is assumed, as for every other
         *     operation except Create Invoice). The response sample uses numbers for ids, unlike the
         *     request's `episode_id`.
         */
        readonly post: operations["createEpisodeNote"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/partners/heidi/token": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a Heidi token
         * @description Issues a token for the Heidi partner integration, for the authenticated admin and practice
         *     group, with its expiry time.
         *
         *     Hero's docs do not say how the admin is identified when calling with an API key, nor how
         *     long the token lives beyond `expiration_time`; the operation title is unconfirmed.
         */
        readonly get: operations["getHeidiToken"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List patients
         * @description Lists the practice group's patients, narrowed by a search term matched against one patient
         *     field (`field` names the field, `search` gives the term).
         *
         *     Hero's per-operation page for this call was not archived: only a request sample
         *     (`?field=emis_id&search=string`) and a response sample of the shape `{data, count}` were
         *     seen. The accepted `field` values, whether the parameters are required, any pagination
         *     parameters and the fields of each listed patient are unknown. For structured search with
         *     documented fields see List Patients (v3).
         */
        readonly get: operations["listPatients"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a patient
         * @description Returns one patient of the practice group as Hero holds it: demographics, contact details,
         *     address, the data source the record came from and whether it is archived.
         *
         *     Hero's response example was cut off on the archived page; the field list appears complete,
         *     but further fields may exist, so the schema stays open. `dob` is typed date-time in Hero's
         *     reference and its example is a date-time.
         */
        readonly get: operations["getPatientById"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/{id}/attachments": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List a patient's EHR attachments
         * @description Lists the attachments (files) held for the patient in the practice's EHR. The file id used
         *     by Create an Attachment Link (`ehr_file_id`) comes from this list.
         *
         *     Hero's per-operation page was not archived: only a request sample and a response sample of
         *     the shape `{data, count}` were seen. Query parameters (if any) and the fields of each
         *     attachment, including the name of the file id field, are unknown.
         */
        readonly get: operations["listPatientAttachments"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/{id}/ehr/candidates": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List EHR candidates for a patient
         * @description Lists the patients in the practice's EHR that could be matched to this Hero patient. Using a
         *     candidate's `ehr_partner_id` with Connect a Patient to EHR is suggested by the operation
         *     names but not documented.
         *
         *     For this operation Hero's page showed only `source` inside `identifiers[]`; the other
         *     identifier fields are assumed to match Get a Patient (v2). `dob` is typed date-time in
         *     Hero's reference.
         */
        readonly get: operations["listPatientEhrCandidates"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/{id}/ehr/connect": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Connect a patient to the EHR
         * @description Links a Hero patient to a patient record in the practice's EHR.
         *
         *     Known only from a request sample showing `ehr_partner_id`; whether it is required, any other
         *     request fields and the success body are not documented.
         */
        readonly post: operations["connectPatientEhr"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/{id}/merge": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Merge two patients
         * @description Merges the patient in the path with another patient (`patient_id`), using the token from
         *     Preview Patient Merging.
         *
         *     Which of the two records survives the merge and the success body are not documented; that
         *     `merge_token` comes from the preview call is inferred from the operation summaries.
         */
        readonly post: operations["mergePatient"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/{id}/merge/preview": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Preview merging two patients
         * @description Shows what merging the patient in the path with another patient (`patient_id`) would do,
         *     and issues the merge token that Merge Patients requires.
         *
         *     Known only from a request sample showing `patient_id`; whether it is required, other
         *     request fields and the response (including the name of the field carrying the merge
         *     token) are not documented.
         */
        readonly post: operations["previewPatientMerge"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/register": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Register a patient
         * @description Creates a patient in the practice group from demographics the caller supplies, with no
         *     Spine (PDS) lookup. If a patient with the same NHS number and date of birth already exists
         *     in the practice group, that patient is updated instead. Returns the Hero `patient_id`.
         *
         *     The request fields come from Hero's older reference, which showed the body as one variant
         *     of a `oneOf`; the newer reference page lists no request fields, so other variants, if any,
         *     are unknown. The format of `dob` is not documented (Hero's examples elsewhere use
         *     `YYYY-MM-DD`). The older reference also lists a 404 "No patient found" without saying when
         *     it occurs.
         */
        readonly post: operations["registerPatient"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/patients/register_pds": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Register a patient using PDS
         * @description Traces a patient against the NHS Spine (PDS, the Personal Demographics Service) and returns
         *     their Hero `patient_id`, which later messaging and booking calls take. Call it before
         *     messaging a patient or creating a booking for them.
         *
         *     Send one of two request forms: the patient's NHS number and date of birth, or their
         *     forename, surname, date of birth and postcode. Either form may also carry `ehr_partner`
         *     and `ehr_partner_id`.
         *
         *     If Hero already knows the patient in this practice group, the existing `patient_id` comes
         *     back; otherwise Hero creates the patient record from the demographics PDS returns (Hero's
         *     messaging guide calls this a temporary patient).
         *
         *     A successful call has one of two bodies: `{patient_id}` when the patient is registered, or
         *     `{message, login_url}` when Hero cannot confirm the patient's identity from PDS alone. In
         *     that case send the patient to `login_url` to verify, then call again. Hero's guide calls
         *     both outcomes success responses; it does not state the status code of the second one
         *     separately, and the reference's own response sample is the `{message, login_url}` form.
         *
         *     Hero documents a body only for 400 (validation error); 401, 403, 404, 429 and 500 are
         *     listed with a cause but no body. `dob` is typed date-time in Hero's reference, but the
         *     reference describes it as an ISO 8601 date and every example is a plain date, so it is a
         *     `date` here.
         */
        readonly post: operations["registerPatientPds"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/pharmacies": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Create Pharmacy
         * @description Saves a pharmacy for a prescriber.
         */
        readonly post: operations["createPharmacy"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/practitioners": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Practitioners
         * @description Lists the practice group's practitioners, optionally only those at given locations,
         *     offering given appointment types, or with availability. Useful for choosing a
         *     practitioner before looking for slots.
         *
         *     Hero's docs show only a request sample for this operation
         *     (`?location_ids=string&appointment_type_ids=string&has_availability=true`); its title
         *     was not fully visible and the response body is not documented. Whether
         *     `location_ids` and `appointment_type_ids` accept several values is not stated; they
         *     are described as arrays, like `location_ids` on List Appointment Types, which also
         *     accepts the single value the sample shows.
         */
        readonly get: operations["listPractitioners"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/practitioners/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Practitioner
         * @description Returns one practitioner of the practice group.
         *
         *     Hero's docs give only the method and path of this operation (its title was not fully
         *     visible): the response body is not documented.
         */
        readonly get: operations["getPractitioner"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/prescriber/{id}/pharmacies": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Prescriber's Pharmacies List
         * @description Lists the pharmacies saved for a prescriber. `id` is the prescriber's ID.
         */
        readonly get: operations["listPrescriberPharmacies"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/slots": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Slots
         * @description Lists bookable slots, filtered by location, practitioner, appointment type and
         *     a `start_date` / `end_date` range. Results are paginated. This is the step
         *     between List Appointment Types and Create an Appointment.
         *
         *     **Unconfirmed:** Hero's archived page for this operation shows its description
         *     but not its curl sample, so the method (GET) and path (`/v1/slots`) are inferred
         *     from Get a Slot and Count Bookable Slots. Only `start_date` and `end_date` are
         *     named in the description; the location filter (which accepts "a single ..." —
         *     cut off), the other filters and the pagination parameters have names that are
         *     not visible, so they are left out. The response is not documented.
         */
        readonly get: operations["listSlots"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/slots/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a Slot
         * @description Returns one bookable slot: who it is with, where, for which appointment type,
         *     and when it starts and finishes.
         *
         *     Hero's docs show only a curl sample and a response sample for this operation
         *     (its title is inferred): field requiredness is unknown.
         */
        readonly get: operations["getSlot"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/slots/count": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Count Bookable Slots
         * @description Counts the bookable slots matching the filters (appointment type, location,
         *     practitioner, date range).
         *
         *     Hero's docs show only a curl sample for this operation: parameter requiredness
         *     and formats are unknown and the response is not documented.
         */
        readonly get: operations["countSlots"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/tasks/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /**
         * Update a task
         * @description Changes a task's status, priority or assignee (an admin or an admin team). Send only
         *     the fields to change.
         *
         *     Hero's title for this operation was not fully visible.
         */
        readonly patch: operations["updateTask"];
        readonly trace?: never;
    };
    readonly "/v1/webhooks": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Webhooks
         * @description Lists the webhooks of the practice group the call acts for, optionally only
         *     those for one event type.
         *
         *     **Unconfirmed:** the curl sample on Hero's archived page is cut off inside the
         *     URL, so the path `/v1/webhooks` is inferred (the method, GET, is shown). The
         *     response is not documented.
         */
        readonly get: operations["listWebhooks"];
        readonly put?: never;
        /**
         * Create a Webhook
         * @description Subscribes a URL to one event type. When the event occurs Hero sends an HTTP
         *     POST to `url`, with any custom `headers` given here.
         *
         *     If `signing_key` is set, every delivery carries `X-Herohealth-Timestamp` and
         *     `X-Herohealth-Signature`: the signature is HMAC-SHA256, keyed with
         *     `signing_key`, over the timestamp, a period, and the raw request body exactly
         *     as sent. Hero's guide does not state the signature encoding (hex or base64),
         *     the timestamp format or a tolerance window.
         *
         *     The `event_type` enum in Hero's schema has six values; the newest description
         *     of this operation also names `write-to-record.succeeded` and
         *     `write-to-record.failed`, which `WebhookEventType` includes.
         */
        readonly post: operations["createWebhook"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v2/automated_messages": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List Automated Messages
         * @description Lists the automated messages Hero sends on the practice's behalf, filtered by
         *     recipient, status and notification type.
         *
         *     Hero's docs show only a curl sample for this operation: its title and tag are
         *     inferred from its place in the sidebar, parameter requiredness and allowed
         *     values are unknown, and the response is not documented.
         */
        readonly get: operations["listAutomatedMessages"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v2/patients": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List patients (v2)
         * @description Lists the practice group's patients using the `field` + `search` format: `field` names the
         *     patient field to match and `search` the term. List Patients (v3) replaces this with named
         *     filters.
         *
         *     Known only from a request sample (`?field=ehr_partner_id&search=string`) and a response
         *     sample of the shape `{data, count}`. The accepted `field` values, whether the parameters
         *     are required, pagination and the fields of each listed patient are unknown; the title of
         *     the operation is also unconfirmed.
         */
        readonly get: operations["listPatientsV2"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v2/patients/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get a patient (v2)
         * @description Returns one patient, read either from Hero's own record or live from the practice's EHR
         *     (`data_source`). Unlike v1, the v2 shape lists the patient's identifiers (NHS number, EHR
         *     id, Hero id) and says whether the patient is registered in the EHR.
         *
         *     Hero's field list stops after `ehr_registered`, so further fields may exist and the schema
         *     stays open. Which source is used when `data_source` is omitted is not documented.
         *     `dob` is typed date-time in Hero's reference.
         */
        readonly get: operations["getPatientByIdV2"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v2/tasks/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Get Task
         * @description Returns one task (an item in the practice's inbox, such as a care navigation request)
         *     with its status, category and patient.
         *
         *     Hero's title for this operation was not fully visible, and its field list is cut off
         *     inside `patient`: the task and its patient may carry more fields than shown (the
         *     patient fields after `dob` are known only from Get Episode).
         */
        readonly get: operations["getTaskV2"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v3/patients": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * List patients (v3)
         * @description Lists the practice group's patients matching named filters (`first_name`, `last_name`,
         *     `dob`, `nhs_number`, `ehr_partner_id`), which can be combined in one request. At least one
         *     filter must be supplied; OpenAPI cannot express that rule, so it is not enforced by this
         *     schema. Results are paged with `page_index` (zero-based) and `page_size`.
         *
         *     Hero's field list for each patient stops after `sex`, so later fields (probably like Get a
         *     Patient (v2)) are unknown and the item schema stays open. `count` was not visible either:
         *     it is listed here as optional, as Hero's other lists carry it. Defaults for `page_index` and
         *     `page_size`, the largest page size and how filters match (exact or partial) are not documented.
         */
        readonly get: operations["listPatientsV3"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A short-lived JWT for Hero Elements. It expires 30 minutes after issue. */
        readonly AccessToken: {
            /** @description The JWT, passed as the `jwt-token` attribute of an Element. */
            readonly access_token: string;
        };
        /** @description A member of practice staff who uses Hero. */
        readonly Admin: {
            readonly email: string;
            /** @description The admin's id at the external prescribing partner, if set. */
            readonly external_prescriber_id: string | null;
            readonly first_name: string;
            /** @description Admin id. */
            readonly id: string;
            readonly last_name: string;
            /** @description Prescriber details, if set. */
            readonly prescriber_details?: components["schemas"]["AdminPrescriberDetails"] | null;
        };
        /**
         * @description Details of an admin as a prescriber. The sub-fields are known only from Hero's Update
         *     an Admin request sample (marked unsure); the object may hold others.
         */
        readonly AdminPrescriberDetails: {
            /**
             * Format: email
             * @description Prescriber's email address.
             */
            readonly email?: string;
            /** @description Prescriber's name. */
            readonly name?: string;
            /** @description Prescriber's professional registration code. */
            readonly registration_code?: string;
        };
        /** @description Prescriber settings to change on an admin. Send `null` to clear a field. */
        readonly AdminUpdate: {
            /** @description The admin's id at the external prescribing partner. */
            readonly external_prescriber_id?: string | null;
            /** @description Prescriber details. */
            readonly prescriber_details?: components["schemas"]["AdminPrescriberDetails"] | null;
        };
        /** @description Result of updating an admin. */
        readonly AdminUpdateResult: {
            /** @description Id of the updated admin. */
            readonly admin_id: string;
        };
        /**
         * @description An appointment: a reservation made with Create an Appointment (held until
         *     `reserved_until`) or, once booked, a confirmed booking (`booking_confirmed_at`
         *     set).
         */
        readonly Appointment: {
            readonly appointment_type_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description When the booking was confirmed; null while it is only a reservation.
             */
            readonly booking_confirmed_at?: string | null;
            /**
             * @description Whether the appointment can still be cancelled (the practice's cancellation policy may forbid it close to the start time).
             * @default false
             */
            readonly can_be_cancelled: boolean;
            /**
             * @description Whether the appointment can still be rescheduled.
             * @default false
             */
            readonly can_be_rescheduled: boolean;
            /** @description The practice's cancellation-policy window in hours before the start time (Hero's product docs give 24 as the default for new practices). */
            readonly cancellation_policy_hours?: number;
            /** @description Length of the appointment. The unit is not stated (presumably minutes). */
            readonly duration?: number;
            readonly id: components["schemas"]["Id"];
            /**
             * @description Held in person.
             * @default false
             */
            readonly in_person: boolean;
            /** @description Not described by Hero (presumably the booking link the appointment was made through). */
            readonly link_id?: string | null;
            readonly location_id: components["schemas"]["Id"];
            /** @description The patient the appointment is for. May be null; Hero does not say when. */
            readonly patient_id?: string | null;
            readonly practitioner_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description When the hold on a reserved (not yet booked) appointment ends.
             */
            readonly reserved_until?: string | null;
            /**
             * Format: date-time
             * @description When the appointment starts.
             */
            readonly start_time: string | null;
            /**
             * @description Whether Hero's emails to the patient about this appointment are suppressed.
             * @default false
             */
            readonly suppress_mail: boolean;
            /**
             * @description Held by telephone.
             * @default false
             */
            readonly telephone: boolean;
            /**
             * @description Held by video.
             * @default false
             */
            readonly video: boolean;
            /** @description Link to the video consultation. Seen only in the newest version of Hero's response sample (unsure). */
            readonly video_url?: string;
        };
        /** @description Body of Cancel an Appointment, as seen in Hero's curl sample only; requiredness is unknown. */
        readonly AppointmentCancelRequest: {
            /** @description Not described by Hero; presumably cancels even inside the practice's cancellation-policy window. */
            readonly suppress_cancellation_policy?: boolean;
            /** @description Do not send Hero's cancellation email to the patient. */
            readonly suppress_mail?: boolean;
        };
        /** @description Body of Create an Appointment. */
        readonly AppointmentCreateRequest: {
            /** @description Appointment type to book (see List Appointment Types). */
            readonly appointment_type_id: string;
            /** @description Who pays for the appointment (private practices). Not described further by Hero. */
            readonly billpayer_id?: string;
            /** @description Length of the appointment. The unit is not stated (presumably minutes). */
            readonly duration: number;
            /** @description Location of the appointment. */
            readonly location_id: string;
            /** @description The patient the appointment is for. */
            readonly patient_id?: string;
            /** @description Practitioner the appointment is with. */
            readonly practitioner_id: string;
            /** @description Reason for the appointment. */
            readonly reason?: string;
            /**
             * Format: date-time
             * @description When the appointment starts. Hero's reference describes this field as
             *     "ISO 8601 date format" with a date-only sample ("1989-04-11") and states no
             *     format; the same field is a date-time on the appointment and on slots, so a
             *     full date-time is expected here (unconfirmed). Required, yet null is allowed.
             */
            readonly start_time: string | null;
            /** @description Skip Hero's check that the slot is free. */
            readonly suppress_availability_check?: boolean;
            /** @description Do not send Hero's email to the patient. */
            readonly suppress_mail?: boolean;
        };
        /** @description Body of Edit an Appointment. Only appointments that are not confirmed can be edited. */
        readonly AppointmentEditRequest: {
            /** @description New length. The unit is not stated (presumably minutes). */
            readonly duration: number;
            readonly practitioner_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description New start time. Hero's reference types it date-time but describes it as
             *     "ISO 8601 date format" with a date-only sample ("1989-04-11"); a full
             *     date-time is expected, as on the appointment itself (unconfirmed). Required,
             *     yet null is allowed.
             */
            readonly start_time: string | null;
            /** @description Skip Hero's check that the new time is free. */
            readonly suppress_availability_check?: boolean;
            /** @description Do not send Hero's email to the patient. */
            readonly suppress_mail?: boolean;
        };
        /** @description Response of Create an Appointment. Fetch the full record with Get an Appointment. */
        readonly AppointmentReservation: {
            /** @description ID of the new appointment (reservation). */
            readonly id: string;
            /**
             * Format: date-time
             * @description When the hold on the slot ends. Hero states no format for it here; it is typed date-time on the appointment itself.
             */
            readonly reserved_until: string | null;
        };
        /**
         * @description A kind of appointment the practice group offers (e.g. a GP telephone consultation),
         *     with its duration, price, channels and next availability. Its `id` is what slot and
         *     appointment operations take as `appointment_type_id`.
         */
        readonly AppointmentType: {
            /** @description Whether an invoice is required when staff book this appointment type. */
            readonly admin_booking_invoice_required?: boolean;
            /** @description Id of the admin or admin team the appointment type is assigned to. Seen only in the newest crawl of Hero's docs (marked required there); kept optional here. */
            readonly assignee_id?: string | null;
            /**
             * @description Whether `assignee_id` is an admin or an admin team. Seen only in the newest crawl of Hero's docs (marked required there); kept optional here.
             * @enum {string|null}
             */
            readonly assignee_type?: "Admin" | "AdminTeam" | null;
            /** @description Length of the appointment. The unit (probably minutes) is not documented. */
            readonly duration: number;
            /** @description Id of the form attached to this appointment type, if any. */
            readonly form_id: string | null;
            /** @description Appointment type id. */
            readonly id: string;
            /**
             * @description Offered in person.
             * @default false
             */
            readonly in_person: boolean;
            /** @description Name shown to practice staff. */
            readonly name: string;
            /**
             * Format: date-time
             * @description Start of the next bookable slot, or null when there is none.
             */
            readonly next_available_at: string | null;
            /** @description Name of the matching slot type for partners. Hero does not describe it further. */
            readonly partner_slot_name: string;
            /**
             * @description Kind of practitioner who sees the patient. Values seen in Hero's docs: `GP`, `Nurse`,
             *     `Psychologist`, `Radiologist`, `Psychiatrist`, `Health and Exercise Consultant`,
             *     `Personal Trainer`, `Cognitive Behavioural Therapist`, `GP – Dermatology Specialist`,
             *     `Rheumatologist`. That list may be cut off, so other values are accepted.
             * @example GP
             * @example Nurse
             */
            readonly practitioner_type: string;
            /** @description Price of the appointment. The unit (pounds or pence) is not documented. */
            readonly price: number;
            /**
             * @description Whether the appointment is NHS-funded or paid (private).
             * @enum {string}
             */
            readonly sector?: "nhs" | "paid";
            /** @description Number of available slots. The period it covers is not documented. */
            readonly slot_count: number;
            /**
             * @description Offered by telephone.
             * @default false
             */
            readonly telephone: boolean;
            /** @description Whether bookings use slots marked as bookable by partners. Hero does not describe it further. */
            readonly use_partner_bookable_slots: boolean;
            /**
             * @description Offered as a video consultation.
             * @default false
             */
            readonly video: boolean;
        };
        /** @description Response of Create an Attachment Link, from Hero's sample; requiredness is unknown. */
        readonly AttachmentLink: {
            /** @description The URL to send to the patient. */
            readonly attachment_link?: string;
            /** @description Identifier of the shared attachment. */
            readonly attachment_uuid?: string;
        };
        /** @description Body of Create an Attachment Link, from Hero's sample; requiredness is unknown. */
        readonly AttachmentLinkCreateRequest: {
            /** @description ID of a file in the patient's record, from List Patient EHR Attachments. If omitted, `file_data` must be given. */
            readonly ehr_file_id?: string;
            /** @description When the link stops working. Hero's sample shows a date ("1989-04-11"); no format is stated. */
            readonly expiry_date?: string;
            /** @description Contents of a file to share instead of an EHR file. The encoding is not documented (presumably base64). */
            readonly file_data?: string;
            /** @description Name of the file given in `file_data`. */
            readonly file_name?: string;
            /** @description How many times the link can be used. */
            readonly maximum_use_count?: number;
            /** @description The patient the file is shared with. */
            readonly patient_id?: string;
        };
        /** @description A batch message. */
        readonly BatchMessage: {
            readonly channel: components["schemas"]["BatchMessageChannel"];
            /** @description Text of the message. */
            readonly content: string;
            /** @description ID of the batch. */
            readonly id: string;
            /** @description Name of the batch. */
            readonly name: string;
            readonly status: components["schemas"]["BatchMessageStatus"];
            /** @description Subject line (email batches). */
            readonly subject?: string;
        };
        /**
         * @description Channel of a batch message.
         * @enum {string}
         */
        readonly BatchMessageChannel: "SMS" | "EMAIL" | "NHS_APP";
        /** @description Body of Create a Batch Message. */
        readonly BatchMessageCreateRequest: {
            readonly channel: components["schemas"]["BatchMessageChannel"];
            /** @description Text of the message. */
            readonly content: string;
            /** @description Name of the batch. */
            readonly name: string;
            /** @description Patients to send to. */
            readonly recipients: readonly components["schemas"]["BatchMessageRecipientInput"][];
            /** @description Subject line. Required when `channel` is `EMAIL`. */
            readonly subject?: string;
        };
        /** @description One recipient of a batch message. Hero's sample shows an empty object, so its fields are unknown. */
        readonly BatchMessageRecipient: {
            readonly [key: string]: unknown;
        };
        /** @description A patient to include in a batch, named by NHS number and date of birth. Hero's reference types `recipients` items as a choice (oneOf) of shapes, but only this one was visible; other accepted shapes are unknown. */
        readonly BatchMessageRecipientInput: {
            /**
             * Format: date-time
             * @description Date of birth. Hero's reference types it as a date-time (sample `2019-08-24T14:15:22Z`) and lets it be null, unlike other operations that take `dob` as a date (`1992-01-01`).
             */
            readonly dob: string | null;
            /** @description NHS number of the patient. Hero's docs give no format for it in this operation. */
            readonly nhs_number: string;
        };
        /**
         * @description Progress of a batch message.
         * @enum {string}
         */
        readonly BatchMessageStatus: "CREATED" | "PENDING" | "SENDING" | "COMPLETED";
        /** @description A link a patient opens to book an appointment themselves. Known from a response sample only; requiredness is unknown. */
        readonly BookingLink: {
            readonly active?: boolean;
            /**
             * Format: date-time
             * @description When the link stops working.
             */
            readonly expiry_date?: string;
            readonly id?: string;
            /** @description How many bookings the link allows. */
            readonly maximum_uses?: number;
            readonly meta?: components["schemas"]["BookingLinkMeta"];
            /** @description How many times it has been used. */
            readonly number_of_uses?: number;
            /** @description How many times it has been opened. */
            readonly open_count?: number;
            readonly practice_group_id?: string;
            /** @description The URL to send to the patient (short links look like `https://bookings.herohealth.net/s/abc123`). */
            readonly short_link?: string;
            /** @description Whether the link can be used any number of times. */
            readonly unlimited_use?: boolean;
        };
        /**
         * @description The booking options the link offers. Hero's sample is cut off after
         *     `location_id` inside a further key starting `pr…` (presumably
         *     `practitioner_id`), so the object is left open.
         */
        readonly BookingLinkMeta: {
            /** @description Appointment types offered. Item type not documented (presumably ID strings). */
            readonly appointment_type_id?: readonly unknown[];
            /** @description Locations offered. Item type not documented (presumably ID strings). */
            readonly location_id?: readonly unknown[];
        } & {
            readonly [key: string]: unknown;
        };
        /**
         * @description Body of Update a Booking Link. Hero's sample is cut off after
         *     `practitioner_id`; the reference also describes two date fields ("show only
         *     slots available after this date" and "before this date", sample "1989-04-11")
         *     whose names are not visible (probably `from_date` and `to_date`, as in the
         *     older booking-link guide), so the object is left open. Requiredness unknown.
         */
        readonly BookingLinkUpdateRequest: {
            /** @description Appointment type the link offers. */
            readonly appointment_type_id?: string;
            /** @description Location the link offers. */
            readonly location_id?: string;
            /** @description Practitioner the link offers. */
            readonly practitioner_id?: string;
        } & {
            readonly [key: string]: unknown;
        };
        /** @description Capabilities enabled for the practice group. Only a sample was documented. */
        readonly Capabilities: {
            /** @description Capability names, e.g. `sms_messaging`. The full list of names is not documented. */
            readonly capabilities?: readonly string[];
        };
        /** @description A Stripe coupon of the practice group. */
        readonly Coupon: {
            /** @description Fixed discount. Hero's docs do not give the unit. */
            readonly amount_off?: number;
            /** @description Restrictions on what the coupon applies to. Its fields are not documented. */
            readonly applies_to?: {
                readonly [key: string]: unknown;
            };
            /** @description Stripe coupon ID. */
            readonly id: string;
            /** @description Display name. */
            readonly name: string;
            /** @description Percentage discount. */
            readonly percent_off?: number;
        };
        /** @description A Stripe customer of the practice group. */
        readonly Customer: {
            /** Format: email */
            readonly email?: string;
            /** @description Stripe customer ID. */
            readonly id: string;
            readonly name: string;
            readonly phone?: string;
            readonly sources?: components["schemas"]["CustomerSources"];
        };
        /** @description Body of Create Customer. */
        readonly CustomerCreateRequest: {
            /** Format: email */
            readonly email?: string;
            readonly name: string;
            readonly phone?: string;
            readonly sources?: components["schemas"]["CustomerSources"];
        };
        /** @description A saved payment source (e.g. a card) of a customer. Fields come from Hero's Create Customer request sample only and are all optional. */
        readonly CustomerSource: {
            readonly brand?: string;
            readonly exp_month?: number;
            readonly exp_year?: number;
            readonly fingerprint?: string;
            readonly id?: string;
            readonly last4?: string;
            /**
             * @description Kind of source; the sample shows `card`.
             * @example card
             */
            readonly type?: string;
        };
        /** @description A customer's payment sources. Hero's reference types this as "array of objects or object"; the shape of the object form is not documented. */
        readonly CustomerSources: readonly components["schemas"]["CustomerSource"][] | {
            readonly [key: string]: unknown;
        };
        /** @description A patient record in the practice's EHR that may match a Hero patient (List EHR Candidates). */
        readonly EhrPatientCandidate: components["schemas"]["PatientV2Base"];
        /**
         * @description An episode of care: a group of tasks about one patient with a shared status, priority
         *     and assignees. Get Episode's field list is cut off inside `tasks`; List Episodes also
         *     shows (and requires) `patient`.
         */
        readonly Episode: {
            /** @default [] */
            readonly assignees: readonly components["schemas"]["EpisodeAssignee"][];
            /** @description Episode id. */
            readonly id: string;
            /** @description The patient the episode is about, if any. Shown on List Episodes. */
            readonly patient?: components["schemas"]["TaskPatient"] | null;
            readonly priority: components["schemas"]["TaskPriority"];
            readonly status: components["schemas"]["TaskStatus"];
            /** @default [] */
            readonly tasks: readonly components["schemas"]["EpisodeTask"][];
        };
        /** @description Someone an episode is assigned to. */
        readonly EpisodeAssignee: {
            /** @description Name of the admin or admin team. */
            readonly name: string | null;
            readonly type: components["schemas"]["EpisodeAssigneeType"] | null;
        };
        /**
         * @description Kind of assignee of an episode.
         * @enum {string}
         */
        readonly EpisodeAssigneeType: "Admin" | "AdminTeam" | "Unassigned";
        /** @description An assignee in an Update an Episode request. Known only from Hero's request sample. */
        readonly EpisodeAssigneeUpdate: {
            /** @description Id of the admin or admin team. */
            readonly id?: string;
            /** @description Name of the admin or admin team. */
            readonly name?: string;
            readonly type?: components["schemas"]["EpisodeAssigneeType"];
        };
        /** @description A task within an episode, as shown by Get Episode. Hero's field list is cut off inside `patient`. */
        readonly EpisodeTask: {
            /** @description Category of the task. The possible values are not documented. */
            readonly category: string;
            /** @description Free-text details, if any. */
            readonly details?: string | null;
            /** @description The patient the task is about. */
            readonly patient: WithRequired<components["schemas"]["TaskPatient"], "sex" | "full_name" | "contact_emails" | "registered_practitioner_name" | "notes" | "membership_scheme_names" | "address">;
            /** @description Human-readable kind of task. */
            readonly type_label: string;
        };
        /**
         * @description Episode fields to change. Known only from Hero's request sample; the allowed values
         *     are assumed to be those of the episode object.
         */
        readonly EpisodeUpdate: {
            /** @description The episode's new assignees. */
            readonly assignees?: readonly components["schemas"]["EpisodeAssigneeUpdate"][];
            readonly priority?: components["schemas"]["TaskPriority"];
            readonly status?: components["schemas"]["TaskStatus"];
        };
        /** @description A form with its fields, as returned by Get Form. Hero's field list is cut off inside `fields`. */
        readonly Form: {
            /** @description Description shown to practice staff. */
            readonly description: string;
            /** @description The form's questions. */
            readonly fields: readonly components["schemas"]["FormField"][];
            readonly form_type: components["schemas"]["FormType"];
            /** @description Form id. */
            readonly id: string;
            /** @description Description shown to the patient, if different. */
            readonly patient_description: string | null;
            /** @description Title shown to the patient, if different. */
            readonly patient_title: string | null;
            /** @description SNOMED CT code recorded with responses, if any. */
            readonly snomed_code: string | null;
            /** @description Title shown to practice staff. */
            readonly title: string;
        };
        /** @description One question of a form. Hero's list of its properties is cut off after `name`. */
        readonly FormField: {
            /** @description Id of the question. */
            readonly form_question_id: string;
            /** @description Name of the question. */
            readonly name: string;
        };
        /**
         * @description A patient's response to a form. Known only from a response sample: types follow the
         *     sample (ids are numbers there); requiredness and nullability are unknown.
         */
        readonly FormResponse: {
            /** @description Id of the admin related to the response. Hero does not describe it further. */
            readonly admin_id?: number;
            /** @description Id of the related appointment. */
            readonly appointment_id?: number;
            /** @description Id of the patient who answered (Hero calls patients clients here). */
            readonly client_id?: number;
            /**
             * Format: date-time
             * @description When the response was submitted.
             */
            readonly created_at?: string;
            /** @description When the response was written to the patient's EMIS record. Hero's sample does not show its format. */
            readonly emis_file_record_at?: string;
            /** @description Id of the form answered. */
            readonly form_id?: number;
            /** @description Whether the response is hidden. Hero does not describe it further. */
            readonly hidden?: boolean;
            /** @description Form response id. */
            readonly id?: number;
            /** @description Id of the related invoice. */
            readonly invoice_id?: number;
            /** @description Id of the practice group. */
            readonly practice_group_id?: number;
            /** @description Id of the short link the response came through. */
            readonly short_link_id?: number;
            /** @description When the response was last changed. Hero's sample does not show its format. */
            readonly updated_at?: string;
            /** @description Error from writing the response to the patient's record. */
            readonly write_to_record_error?: string;
        };
        /** @description A form as listed by List Forms. */
        readonly FormSummary: {
            /** @description Description shown to practice staff. */
            readonly description: string;
            readonly form_type: components["schemas"]["FormType"];
            /** @description Form id. */
            readonly id: string;
            /** @description Description shown to the patient, if different. */
            readonly patient_description: string | null;
            /** @description Title shown to the patient, if different. */
            readonly patient_title: string | null;
            /** @description Whether this is a reply form. Hero does not describe it further. */
            readonly reply_form: boolean;
            /** @description SNOMED CT code recorded with responses, if any. */
            readonly snomed_code: string | null;
            /** @description Title shown to practice staff. */
            readonly title: string;
        };
        /**
         * @description Kind of form.
         * @enum {string}
         */
        readonly FormType: "questionnaire" | "response" | "appointment" | "care_navigation";
        /** @description A token for the Heidi partner integration. */
        readonly HeidiToken: {
            /**
             * Format: date-time
             * @description When the token expires.
             */
            readonly expiration_time: string;
            /** @description The token. Treat it as a secret. */
            readonly token: string;
        };
        /**
         * @description Hero identifiers are strings of digits.
         * @example 12345
         */
        readonly Id: string;
        /** @description An invoice. Returned by Create Invoice (fields documented) and Link Invoice to Appointment (sample only). */
        readonly Invoice: {
            /** @description Amount still to pay. The unit is not documented. */
            readonly amount_due?: number;
            /** @description Appointment the invoice is linked to. */
            readonly appointment_id?: string | null;
            /** @description Creation time. Hero's docs give no format. */
            readonly created_at?: string;
            /** @description Stripe customer billed. */
            readonly customer_id?: string | null;
            /** @description Hero ID of the invoice. */
            readonly id?: string | null;
            /** @description Patient the invoice belongs to. */
            readonly patient_record_id?: string | null;
            /** @description Invoice status. Allowed values are not documented. */
            readonly status?: string;
            /** @description Stripe ID of the invoice. */
            readonly stripe_id: string;
            /** @description Subtotal. The unit is not documented. */
            readonly subtotal?: number;
            /** @description Last update time. Hero's docs give no format. */
            readonly updated_at?: string;
        };
        /** @description A coupon applied to an invoice (see List Coupons). */
        readonly InvoiceCoupon: {
            /** @description Stripe coupon ID. */
            readonly id: string;
            readonly name?: string;
        };
        /** @description Fields of Create Invoice's body, before the rule that `patient_id` or `appointment_id` must be given. */
        readonly InvoiceCreateFields: {
            /** @description Appointment being invoiced; Hero takes the patient from it. */
            readonly appointment_id?: string;
            /** @description Insurer's authorisation code (not explained in Hero's docs). */
            readonly authentication_code?: string;
            /** @enum {string} */
            readonly collection_method?: "request_payment" | "charge_automatically";
            readonly confidential?: boolean;
            readonly coupons?: readonly components["schemas"]["InvoiceCoupon"][];
            /** @description Stripe customer to bill. */
            readonly customer_stripe_id?: string;
            readonly diagnosis?: string;
            /** @description Payment due date. Hero's docs give no format. */
            readonly due_date?: string;
            readonly footer?: string;
            readonly insurer?: string;
            readonly invoice_items_attributes?: readonly components["schemas"]["InvoiceItem"][];
            /** @description Admin ID of the person issuing the invoice. */
            readonly issuer_id: string;
            /** @description Insurance membership number (not explained in Hero's docs). */
            readonly membership_number?: string;
            readonly memo?: string;
            /**
             * @description Leave the invoice as a draft or finalize it.
             * @enum {string}
             */
            readonly mode?: "draft" | "finalize";
            /** @description Hero ID of the patient. Needed unless `appointment_id` is given. */
            readonly patient_id?: string;
            readonly payment_source?: string;
            readonly practitioner_id?: string;
            /** @description Date of the service. Hero's docs give no format. */
            readonly service_date?: string;
            /** @description Make `customer_stripe_id` the patient's default customer (see Get Default Customer). */
            readonly set_default_customer?: boolean;
        };
        /** @description Body of Create Invoice. `patient_id` or `appointment_id` must be given (Hero's description says so). */
        readonly InvoiceCreateRequest: components["schemas"]["InvoiceCreateFields"] & ({
            readonly patient_id: string;
        } | {
            readonly appointment_id: string;
        });
        /** @description A line of an invoice. Hero's docs list these fields without saying which combinations are valid; Stripe prices and products come from List Products, which is not documented. */
        readonly InvoiceItem: {
            /** @description Not explained in Hero's docs. */
            readonly create?: boolean;
            readonly description?: string;
            /** @description Stripe price ID. */
            readonly price?: string;
            /** @description Stripe product ID. */
            readonly product?: string;
            readonly quantity: number;
            /** @description Stripe ID of the item. Not explained in Hero's docs. */
            readonly stripe_id?: string;
            /** @description Unit price as an integer. The unit is not documented (probably pence; compare `unit_amount_in_pounds`). */
            readonly unit_amount?: number;
            /** @description Unit price in pounds. */
            readonly unit_amount_in_pounds?: number;
        };
        /** @description Body of Link Invoice to Appointment, from Hero's request sample. Which fields are required is not documented. */
        readonly InvoiceLinkRequest: {
            /** @description Hero ID of the appointment. */
            readonly appointment_id?: string;
            /** @description Admin ID of the person linking the invoice. */
            readonly issuer_id?: string;
            /** @description Stripe ID of the invoice to link. */
            readonly stripe_invoice_id?: string;
        };
        /** @description Body of Update Invoice. Only the fields named in Hero's description are listed; the schema stays open because the full field list was not visible. */
        readonly InvoiceUpdateRequest: {
            readonly coupons?: readonly components["schemas"]["InvoiceCoupon"][];
            readonly footer?: string;
            /** @description Admin ID of the person updating the invoice. */
            readonly issuer_id: string;
            readonly memo?: string;
        } & {
            readonly [key: string]: unknown;
        };
        /** @description Status of a Hero link, from Hero's response sample; requiredness and the possible values are unknown. */
        readonly LinkStatus: {
            /** @description Related records. Item shape not documented. */
            readonly reference?: readonly Record<string, never>[];
            /** @description Sample value `unused`; other values are not documented. */
            readonly status?: string;
            /** @description Kind of link. Sample value `booking`; other values are not documented. */
            readonly type?: string;
        };
        /** @description Hero's list envelope. Each list operation narrows `data` to its item schema. */
        readonly ListEnvelope: {
            /** @description Number of items matching the query. */
            readonly count: number;
            readonly data: readonly unknown[];
        };
        /** @description A single message, as returned by Get a Message. Hero's docs show only that it starts with `id` and a `patient` object; all other fields are unknown. */
        readonly Message: {
            /** @description ID of the message. */
            readonly id?: string;
            /** @description The patient the message was sent to. Only its `id` is documented. */
            readonly patient?: {
                /** @description Hero ID of the patient. */
                readonly id?: string;
            };
        };
        /**
         * @description Channel for a single message. Hero's newest reference allows
         *     `hero`, `sms`, `email` and `nhs_app`; the older reference listed
         *     only `hero`, `sms` and `email`, so `nhs_app` may be refused by
         *     deployments that predate it.
         * @enum {string}
         */
        readonly MessageType: "hero" | "sms" | "email" | "nhs_app";
        /**
         * @description A note on an episode. Known only from a response sample that is cut off after
         *     `created_at`: types follow the sample (ids are numbers there); requiredness and
         *     nullability are unknown.
         */
        readonly Note: {
            readonly admin?: components["schemas"]["NoteAuthor"];
            /** @description When the note was archived. Hero's sample does not show its format or whether it can be null. */
            readonly archived_at?: string;
            /** @description When the note was created. Hero's sample does not show its format. */
            readonly created_at?: string;
            /** @description Text of the note. */
            readonly description?: string;
            /** @description Note id. */
            readonly id?: number;
            /** @description Id of the practice group. */
            readonly practice_group_id?: number;
        };
        /** @description The admin who wrote a note, as embedded in the note. Ids are numbers in Hero's sample. */
        readonly NoteAuthor: {
            readonly first_name?: string;
            readonly full_name?: string;
            /** @description Admin id. */
            readonly id?: number;
            readonly last_name?: string;
        };
        /** @description A note to add to an episode. Known only from Hero's request sample; requiredness is not documented. */
        readonly NoteCreate: {
            /** @description Text of the note. */
            readonly description?: string;
            /** @description Id of the episode to add the note to. */
            readonly episode_id?: string;
        };
        /**
         * @description A patient as Hero holds it for the practice group (Get a Patient, v1). Every field except
         *     `id`, `dob`, `data_source` and `status` may be absent. Further fields may exist: Hero's
         *     example was cut off.
         */
        readonly Patient: {
            readonly address_line_1?: string | null;
            readonly address_line_2?: string | null;
            readonly address_line_3?: string | null;
            readonly country?: string | null;
            readonly county?: string | null;
            readonly data_source: components["schemas"]["PatientDataSource"];
            /** Format: date-time */
            readonly deceased_at?: string | null;
            /**
             * Format: date-time
             * @description Date of birth. Typed date-time in Hero's reference (other operations describe dob as a date).
             */
            readonly dob: string | null;
            /** @description The patient's id in the practice's EHR. */
            readonly ehr_partner_id?: string | null;
            readonly email?: string | null;
            readonly emails?: readonly string[] | null;
            /** @description The patient's id in EMIS Web, when the practice uses EMIS. */
            readonly emis_id?: string | null;
            readonly first_name?: string | null;
            readonly id: components["schemas"]["Id"];
            readonly last_name?: string | null;
            /**
             * Format: date-time
             * @description When Hero last synchronised the record (meaning inferred from the name).
             */
            readonly last_sync_at?: string | null;
            readonly mobile?: string | null;
            readonly nhs_number?: string | null;
            readonly notes?: string | null;
            readonly postcode?: string | null;
            /**
             * @description Not described in Hero's docs.
             * @default false
             */
            readonly restricted: boolean;
            readonly sex?: components["schemas"]["PatientSex"] | null;
            /** Format: date-time */
            readonly sex_changed_at?: string | null;
            /**
             * @description Whether the patient is archived in Hero.
             * @enum {string}
             */
            readonly status: "archived" | "unarchived";
            /** @description Title; may be empty or null. */
            readonly title?: components["schemas"]["PatientTitle"] | "" | null;
            readonly town?: string | null;
            /** @description Another Hero identifier; its format is not documented. */
            readonly uid?: string | null;
            /** @description Not described in Hero's docs. */
            readonly verification_credentials?: readonly string[] | null;
        };
        /**
         * @description System the patient record came from (`systm_one` is TPP SystmOne; `gha` is not explained in Hero's docs).
         * @enum {string}
         */
        readonly PatientDataSource: "hero" | "emis" | "pds" | "gha" | "systm_one";
        /** @description Body of Connect a Patient to EHR, known only from a request sample. */
        readonly PatientEhrConnectRequest: {
            /** @description The EHR patient to connect to, e.g. one from List EHR Candidates. Seen only in a request sample; requiredness unknown. */
            readonly ehr_partner_id?: string;
        };
        /** @description One identifier of the patient (NHS number, EHR id, Hero id) and the system it belongs to. */
        readonly PatientIdentifier: {
            /**
             * @description Display label of the issuing system.
             * @enum {string}
             */
            readonly label: "NHS" | "GHA" | "EMIS" | "Hero" | "Systm One";
            /** @enum {string} */
            readonly name: "nhs_number" | "gha_number" | "ehr_partner_id" | "hero_id" | "hero_uid";
            /** @enum {string} */
            readonly role: "main" | "secondary";
            /** @enum {string} */
            readonly source: "nhs" | "gha" | "ehr_partner" | "hero";
            readonly value: string;
        };
        /** @description Body of Preview Patient Merging, known only from a request sample. */
        readonly PatientMergePreviewRequest: {
            /** @description The other patient in the merge. Seen only in a request sample; requiredness unknown. */
            readonly patient_id?: string;
        };
        /** @description Body of Merge Patients. */
        readonly PatientMergeRequest: {
            /** @description Token issued by Preview Patient Merging (inferred; the field it comes from is not documented). */
            readonly merge_token: string;
            /** @description The other patient in the merge. */
            readonly patient_id: string;
        };
        /**
         * PatientRegistered
         * @description The patient is registered with Hero for this practice group. Pass `patient_id` to later messaging and booking calls.
         */
        readonly PatientRegistered: {
            /**
             * @description Hero patient id. Hero ids are strings of digits, but the reference gives no pattern for this field.
             * @example 98765
             */
            readonly patient_id: string;
        };
        /**
         * @description Sex as recorded for the patient.
         * @enum {string}
         */
        readonly PatientSex: "Not known" | "Not specified" | "Male" | "Female" | "Other";
        /**
         * @description Title (honorific) as Hero stores it. Patient responses may also hold an empty string or null.
         * @enum {string}
         */
        readonly PatientTitle: "Baron" | "Baroness" | "Brigadier" | "Count" | "Colonel" | "Countess" | "Captain" | "Dame" | "The Dowager Viscountess" | "Dr" | "Duchess" | "Duke" | "Earl" | "His Excellency" | "Father" | "H.E. Ambassador Mr" | "H.E. Mr" | "H.E. Mrs" | "Her Grace" | "His Grace" | "The Hon" | "The Hon Mr" | "The Hon Mrs" | "HRH" | "HRH Prince" | "HRH Princess" | "Insurance" | "HM King" | "Lady" | "Lord" | "Major" | "Master" | "Miss" | "Mr" | "Mrs" | "Ms" | "Mss" | "Mx" | "Pr" | "Professor" | "HM Queen" | "Rabbi" | "Reverend" | "Sheikh" | "Sheikha" | "Sir" | "The" | "Viscount" | "Viscountess";
        /** @description A patient as returned by Get a Patient (v2). Hero's field list stops after `ehr_registered`; further fields may exist. */
        readonly PatientV2: components["schemas"]["PatientV2Base"] & {
            /** @description Whether the patient is registered in the practice's EHR; null when unknown (meaning of null not documented). */
            readonly ehr_registered: boolean | null;
        };
        /**
         * @description Fields shared by Get a Patient (v2) and List EHR Candidates. Addresses use `line_1..3`
         *     (not v1's `address_line_1..3`) and identifiers are listed in `identifiers`.
         */
        readonly PatientV2Base: {
            readonly county?: string | null;
            readonly data_source?: components["schemas"]["PatientDataSource"] | null;
            /** Format: date-time */
            readonly deceased_at?: string | null;
            /**
             * Format: date-time
             * @description Date of birth. Typed date-time in Hero's reference (other operations describe dob as a date).
             */
            readonly dob: string | null;
            /** @description The patient's id in the practice's EHR. */
            readonly ehr_partner_id?: string | null;
            readonly email?: string | null;
            /** @description The patient's id in EMIS Web, when the practice uses EMIS. */
            readonly emis_id?: string | null;
            readonly first_name?: string | null;
            /** @description The patient's Hero id, when the record is known to Hero. */
            readonly hero_id?: string | null;
            readonly hero_uid?: string | null;
            readonly identifiers: readonly components["schemas"]["PatientIdentifier"][];
            readonly last_name?: string | null;
            /** Format: date-time */
            readonly last_sync_at?: string | null;
            readonly line_1?: string | null;
            readonly line_2?: string | null;
            readonly line_3?: string | null;
            readonly mobile?: string | null;
            readonly nhs_number?: string | null;
            readonly postcode?: string | null;
            /**
             * @description Not described in Hero's docs.
             * @default false
             */
            readonly restricted: boolean;
            readonly sex?: components["schemas"]["PatientSex"] | null;
            /** @description Title; may be empty or null. */
            readonly title?: components["schemas"]["PatientTitle"] | "" | null;
            readonly town?: string | null;
        };
        /** @description A patient as listed by List Patients (v3). Hero's field list stops after `sex`; further fields (probably as in Get a Patient (v2)) are not documented. */
        readonly PatientV3: {
            /** @description Date of death. Its format is not documented for this operation (date-time elsewhere). */
            readonly deceased_at?: string | null;
            /**
             * Format: date
             * @description Date of birth, an ISO 8601 date such as `1989-04-11`.
             */
            readonly dob: string | null;
            /** @description The patient's id in the practice's EHR. */
            readonly ehr_partner_id?: string | null;
            /** @description The patient's id in EMIS Web, when the practice uses EMIS. */
            readonly emis_id?: string | null;
            readonly first_name?: string | null;
            readonly last_name?: string | null;
            /** @description ODS code of the patient's practice (meaning inferred from the name). */
            readonly ods_code?: string | null;
            readonly sex?: components["schemas"]["PatientSex"] | null;
            /** @description Title; may be empty or null. */
            readonly title?: components["schemas"]["PatientTitle"] | "" | null;
        };
        /** @description One page of List Patients (v3). `count` was not visible in Hero's docs and is optional here. */
        readonly PatientV3List: {
            /** @description Number of patients matching the filters (not confirmed for this operation). */
            readonly count?: number;
            readonly data: readonly components["schemas"]["PatientV3"][];
        };
        /**
         * PatientVerificationRequired
         * @description Hero could not confirm the patient's identity from PDS alone. Send the patient to `login_url` to verify, then register again.
         */
        readonly PatientVerificationRequired: {
            /**
             * Format: uri
             * @description Page where the patient verifies their identity.
             * @example https://patient.herohealth.net/verify/abc123
             */
            readonly login_url: string;
            /**
             * @description Human-readable explanation.
             * @example Patient must verify their identity before proceeding
             */
            readonly message: string;
        };
        /** @description A pharmacy saved for a prescriber. */
        readonly Pharmacy: {
            /** @description Email address. Hero's docs give no format. */
            readonly email: string;
            readonly id: string;
            /** @description Mobile phone number. */
            readonly mobile: string;
            readonly name: string;
            readonly prescriber_id: string;
        };
        /** @description Body of Create Pharmacy. */
        readonly PharmacyCreateRequest: {
            /** @description Email address. Hero's docs give no format. */
            readonly email: string;
            /** @description Mobile phone number. */
            readonly mobile: string;
            readonly name: string;
            /** @description ID of the prescriber. */
            readonly prescriber_id: string;
        };
        /**
         * @description Postal address of the practice group. Hero's sample is cut off after `postcode`, at a
         *     further field whose name begins with "co" (probably `country`); that field is not
         *     listed here because its name was not visible.
         */
        readonly PracticeGroupAddress: {
            readonly county?: string;
            readonly line_1?: string;
            readonly line_2?: string;
            readonly line_3?: string;
            readonly postcode?: string;
            readonly town?: string;
        };
        /** @description A Hero Element enabled for the practice group. */
        readonly PracticeGroupElement: {
            /** @description The Element's configuration. Its fields are not documented. */
            readonly config?: Record<string, never>;
            /** @description The Element itself. Its fields are not documented. */
            readonly element?: Record<string, never> | null;
            /** @description Version of the Element in use, if pinned. */
            readonly version: string | null;
        };
        /** @description Login for the prescription partner account. Treat the password as a secret. */
        readonly PracticeGroupPrescriptionPartnerCredentials: {
            /** @description Account email address. */
            readonly email?: string;
            /** @description Account password. */
            readonly password?: string;
        };
        /**
         * @description Practice group settings to change. Fields come from Hero's request sample; which are
         *     required is not documented.
         */
        readonly PracticeGroupUpdate: {
            readonly address?: components["schemas"]["PracticeGroupAddress"];
            /** @description Name of the practice group. */
            readonly name?: string;
            /**
             * @description Prescription partner to use. Hero's sample value is `signature_rx`; other values are not documented.
             * @example signature_rx
             */
            readonly prescription_partner?: string;
            readonly prescription_partner_credentials?: components["schemas"]["PracticeGroupPrescriptionPartnerCredentials"];
            /** @description Whether prescribing through a prescription partner is turned on. */
            readonly prescription_partner_enabled?: boolean;
        };
        /**
         * RegisterPatientPdsByDemographics
         * @description Trace the patient on PDS by forename, surname, date of birth and postcode, when the NHS number is not known.
         */
        readonly RegisterPatientPdsByDemographics: {
            /**
             * Format: date
             * @description Date of birth, `YYYY-MM-DD`. Hero's reference types it date-time but describes it as an ISO 8601 date and shows only dates.
             * @example 1989-04-11
             */
            readonly dob: string;
            /** @description Optional, non-empty. Listed in Hero's reference without a description. */
            readonly ehr_partner?: string;
            /** @description Optional, non-empty. Listed without a description; elsewhere in the API `ehr_partner_id` is the patient's identifier in the practice's EHR. */
            readonly ehr_partner_id?: string;
            /**
             * @description The patient's first name.
             * @example Jane
             */
            readonly forename: string;
            /**
             * @description The patient's postcode.
             * @example LS1 4AP
             */
            readonly postcode: string;
            /**
             * @description The patient's family name.
             * @example Smith
             */
            readonly surname: string;
        };
        /**
         * RegisterPatientPdsByNhsNumber
         * @description Trace the patient on PDS by NHS number and date of birth.
         */
        readonly RegisterPatientPdsByNhsNumber: {
            /**
             * Format: date
             * @description Date of birth, `YYYY-MM-DD`. Hero's reference types it date-time but describes it as an ISO 8601 date and shows only dates.
             * @example 1992-01-01
             */
            readonly dob: string;
            /** @description Optional, non-empty. Listed in Hero's reference without a description. */
            readonly ehr_partner?: string;
            /** @description Optional, non-empty. Listed without a description; elsewhere in the API `ehr_partner_id` is the patient's identifier in the practice's EHR. */
            readonly ehr_partner_id?: string;
            /**
             * @description The patient's 10-digit NHS number. Hero asks for a valid NHS number; its getting-started guide writes it with spaces (`123 456 7891`), so the spaced form is accepted as well as plain digits. Hero does not document a pattern.
             * @example 9000000009
             */
            readonly nhs_number: string;
        };
        /** @description Body of Register a Patient using PDS. Send exactly one of the two forms. */
        readonly RegisterPatientPdsRequest: components["schemas"]["RegisterPatientPdsByNhsNumber"] | components["schemas"]["RegisterPatientPdsByDemographics"];
        /** @description Success body of Register a Patient using PDS. Tell the two apart by `patient_id` (registered) or `login_url` (verification required). */
        readonly RegisterPatientPdsResult: components["schemas"]["PatientRegistered"] | components["schemas"]["PatientVerificationRequired"];
        /** @description Body of Register a Patient (no PDS lookup). Fields as listed in Hero's older reference. */
        readonly RegisterPatientRequest: {
            readonly address_line_1?: string;
            readonly address_line_2?: string;
            readonly address_line_3?: string;
            readonly country?: string;
            readonly county?: string;
            /** @description Accepted values are not documented for this request. */
            readonly data_source?: string;
            /**
             * @description Date of birth. Hero documents only a non-empty string; its other examples use `YYYY-MM-DD`.
             * @example 1992-01-01
             */
            readonly dob: string;
            /** @description The patient's identifier in the practice's EHR. */
            readonly ehr_partner_id?: string;
            readonly email?: string;
            readonly first_name: string;
            readonly landline?: string;
            readonly last_name: string;
            /** @description The patient's mobile number. */
            readonly mobile: string;
            /** @description The patient's NHS number. Together with `dob` it decides whether an existing patient is updated. */
            readonly nhs_number?: string;
            readonly postcode?: string;
            readonly sex?: components["schemas"]["PatientSex"];
            readonly title?: components["schemas"]["PatientTitle"];
        };
        /** @description Body of Send a Message. */
        readonly SendMessageRequest: {
            /** @description ID of the Admin or AdminTeam to assign (see `assignee_type`). Hero types it as a number, unlike most IDs. */
            readonly assignee_id?: number;
            /**
             * @description Kind of assignee, `Admin` or `AdminTeam` per Hero's description (not declared as an enum).
             * @example Admin
             */
            readonly assignee_type?: string;
            /** @description UUID of an attachment to include. Must not be empty when given (older reference). */
            readonly attachment_uuid?: string;
            /**
             * @description Write to the record automatically. Honoured only when the API key has permission for it.
             * @default false
             */
            readonly auto_write_to_record: boolean;
            /**
             * @description Hero's reference types this as "boolean or any string" and does not explain its effect.
             * @default false
             */
            readonly encrypted: boolean | string;
            /** @description Contact detail for the fallback channel in `fallback_message_type`. Hero's docs list it without explaining when the fallback is used. */
            readonly fallback_contact_detail?: string;
            /**
             * @description Fallback channel. Hero's docs list it without explaining when the fallback is used.
             * @enum {string}
             */
            readonly fallback_message_type?: "sms" | "email";
            /** @description Text of the message. Must not be empty (older reference). */
            readonly message_string: string;
            readonly message_type: components["schemas"]["MessageType"];
            /** @description Hero ID of the patient. The digits-only pattern is shown in Hero's older reference. */
            readonly patient_id: string;
            /** @description Where to send it (a phone number or email address). When omitted, Hero uses the contact detail on the patient's record for the chosen `message_type`. */
            readonly recipient_contact_detail?: string;
            /** @description When to send the message, for a scheduled send. Hero's reference gives no format for this request field; the response types `send_at` as a date-time, so send an ISO 8601 UTC date-time such as `2024-03-15T14:00:00Z`. */
            readonly send_at?: string;
            /** @description ID of a Hero short link to include. Must not be empty when given (older reference). */
            readonly short_link_id?: string;
            /** @description SNOMED CT code to file the record entry under. */
            readonly snomed_code?: string;
            /** @description SNOMED CT term matching `snomed_code`. */
            readonly snomed_term?: string;
            /** @description ID of a related inbox task. */
            readonly task_id?: string;
            /**
             * @description Write the message to the patient's record in the practice's clinical system.
             * @default false
             */
            readonly write_to_record: boolean;
        };
        /** @description Body of a successful Send a Message. Only `message_id`, `content` and `created_at` are in Hero's reference field list; the other properties come from the sample in Hero's messaging walkthrough and may not always be present. */
        readonly SendMessageResponse: {
            /** @description Seen only in the walkthrough sample; its purpose is not documented. */
            readonly auth_token?: string;
            /** @description Seen only in the walkthrough sample; presumably a URL for confirming the write to the record, but its use is not documented. */
            readonly confirm_write_to_record_url?: string;
            /** @description Text of the message as sent. */
            readonly content: string;
            /** @description When the message was created. Hero's reference gives no format; Hero's timestamps are ISO 8601 UTC. */
            readonly created_at: string;
            /** @description ID of the message. */
            readonly message_id: string;
            /**
             * Format: date-time
             * @description Scheduled send time. Seen only in the walkthrough sample.
             */
            readonly send_at?: string;
            /** @description Seen only in the walkthrough sample. */
            readonly snomed_code?: string;
            /** @description Seen only in the walkthrough sample; its content is not documented. */
            readonly submitted_by?: string;
            /** @description Seen only in the walkthrough sample. */
            readonly write_to_record?: boolean;
        };
        /** @description A bookable time period with a practitioner at a location, for one appointment type. Known from a response sample only; requiredness is unknown. */
        readonly Slot: {
            readonly appointment_type_id?: string;
            /** Format: date-time */
            readonly finish_time?: string;
            readonly id?: string;
            readonly location_id?: string;
            readonly practitioner_id?: string;
            /** Format: date-time */
            readonly start_time?: string;
        };
        /** @description A task in the practice's inbox, as returned by Get Task. Hero's field list is cut off inside `patient`. */
        readonly Task: {
            /** @description Category of the task. The possible values are not documented. */
            readonly category: string;
            /** @description Free-text details, if any. */
            readonly details?: string | null;
            /** @description Task id. */
            readonly id: string;
            /** @description The patient the task is about. */
            readonly patient: WithRequired<components["schemas"]["TaskPatient"], "id">;
            readonly status: components["schemas"]["TaskStatus"];
            /** @description Human-readable kind of task. */
            readonly type_label: string;
        };
        /**
         * @description A patient as embedded in tasks and episodes. Each view of it in Hero's docs is cut off
         *     at a different point (Get Task shows `id` to `dob`, Get Episode's tasks show `uid` to
         *     `address`, List Episodes shows `ehr_partner_id` to `title`); the fields appear in the
         *     same order in all three, so they are read as one shape. Only `dob` is marked required
         *     in every view; each operation adds the fields its view marks required. It differs from
         *     the Patients endpoints' patient: `sex` values are lower-case, and the address is a
         *     nested object.
         */
        readonly TaskPatient: {
            readonly address?: components["schemas"]["TaskPatientAddress"];
            /** @description Contact email addresses. The item type is not documented. */
            readonly contact_emails?: readonly unknown[] | null;
            /**
             * Format: date-time
             * @description Date of death, if any.
             */
            readonly deceased_at?: string | null;
            /**
             * Format: date-time
             * @description Date of birth. Hero types it as a date-time here; no sample value is shown.
             */
            readonly dob: string | null;
            /** @description The patient's id in the practice's clinical system (EHR), if linked. */
            readonly ehr_partner_id?: string | null;
            readonly email?: string | null;
            /** @description The patient's EMIS id, if any. */
            readonly emis_id?: string | null;
            readonly first_name?: string | null;
            readonly full_name?: string;
            /** @description Hero patient id. Shown only on Get Task. */
            readonly id?: string;
            readonly last_name?: string | null;
            /** @description When the patient was last synchronised with the clinical system. Hero shows no format. */
            readonly last_sync_at?: string | null;
            /** @description Names of the membership schemes the patient belongs to. The item type is not documented. */
            readonly membership_scheme_names?: readonly unknown[] | null;
            readonly mobile?: string | null;
            /** @description NHS number, if known. */
            readonly nhs_number?: string | null;
            /** @description Notes about the patient. */
            readonly notes?: string | null;
            /** @description Name of the patient's registered practitioner, if known. */
            readonly registered_practitioner_name?: string | null;
            /**
             * @description Sex, in lower case (unlike the Patients endpoints).
             * @enum {string}
             */
            readonly sex?: "unspecified" | "male" | "female" | "other";
            /**
             * @description Title (honorific). Values as listed on List Episodes; the empty string means none.
             * @enum {string|null}
             */
            readonly title?: "Baron" | "Baroness" | "Brigadier" | "Count" | "Colonel" | "Countess" | "Captain" | "Dame" | "The Dowager Viscountess" | "Dr" | "Duchess" | "Duke" | "Earl" | "His Excellency" | "Father" | "H.E. Ambassador Mr" | "H.E. Mr" | "H.E. Mrs" | "Her Grace" | "His Grace" | "The Hon" | "The Hon Mr" | "The Hon Mrs" | "HRH" | "HRH Prince" | "HRH Princess" | "Insurance" | "HM King" | "Lady" | "Lord" | "Major" | "Master" | "Miss" | "Mr" | "Mrs" | "Ms" | "Mss" | "Mx" | "Pr" | "Professor" | "HM Queen" | "Rabbi" | "Reverend" | "Sheikh" | "Sheikha" | "Sir" | "The" | "" | "Viscount" | "Viscountess" | null;
            /** @description Patient uid. Hero does not describe it further. */
            readonly uid?: string | null;
        };
        /** @description Postal address of a patient embedded in a task or episode. */
        readonly TaskPatientAddress: {
            readonly country: string;
            readonly county?: string | null;
            readonly line1?: string | null;
            readonly line2?: string | null;
            readonly line3?: string | null;
            readonly postcode: string;
            readonly town: string;
        };
        /**
         * @description Priority of a task or an episode.
         * @enum {string}
         */
        readonly TaskPriority: "lowest" | "low" | "medium" | "high" | "highest";
        /**
         * @description Status of a task or an episode.
         * @enum {string}
         */
        readonly TaskStatus: "open" | "closed" | "in_progress";
        /** @description Task fields to change. All are optional. */
        readonly TaskUpdate: {
            /** @description Id of the admin or admin team to assign the task to. */
            readonly assignee_id?: string;
            /**
             * @description Whether `assignee_id` is an admin or an admin team. Note the snake-case values, unlike the `Admin` / `AdminTeam` used on episodes and appointment types.
             * @enum {string}
             */
            readonly assignee_type?: "admin" | "admin_team";
            readonly priority?: components["schemas"]["TaskPriority"];
            readonly status?: components["schemas"]["TaskStatus"];
        };
        /** @description Result of updating a task. */
        readonly TaskUpdateResult: {
            readonly data: {
                /** @description Id of the updated task. */
                readonly id: string;
            };
        };
        /** @description A JSON object whose fields Hero's archived docs do not show. Treat every property as optional and unknown. */
        readonly UndocumentedObject: {
            readonly [key: string]: unknown;
        };
        /** @description Body of a 400 response. */
        readonly ValidationError: {
            /** @example true */
            readonly error: boolean;
            readonly message: readonly components["schemas"]["ValidationIssue"][];
            /** @example 400 */
            readonly statusCode: number;
        };
        /** @description One problem with the request, in the style of a Zod issue. */
        readonly ValidationIssue: {
            /** @description Kind of problem, e.g. `invalid_type`. */
            readonly code: string;
            /** @description What was expected at `path`. */
            readonly expected: string;
            /** @description Location of the offending value (field names and array indexes). Item types are not documented. */
            readonly path: readonly unknown[];
        };
        /** @description A webhook subscription. */
        readonly Webhook: {
            /** @description When the webhook was created. Hero states no format (presumably an ISO 8601 date-time). */
            readonly created_at: string;
            /** @description The subscribed event. Typed as a plain string in Hero's response schema; the known values are those of `WebhookEventType`. */
            readonly event_type: string;
            readonly headers?: components["schemas"]["WebhookHeaders"];
            readonly id: string;
            /**
             * @description The HMAC secret. Hero's response schema lists it as optional; it is
             *     write-only from the partner's side (the partner chose it), so treat any
             *     value returned as a secret and never log it.
             */
            readonly signing_key?: string;
            /** @description When the webhook was last changed. Hero states no format (presumably an ISO 8601 date-time). */
            readonly updated_at: string;
            /** @description Where Hero POSTs the events. */
            readonly url: string;
        };
        /** @description Body of Create a Webhook. */
        readonly WebhookCreateRequest: {
            /** @description Free text to tell webhooks apart. */
            readonly description?: string;
            readonly event_type: components["schemas"]["WebhookEventType"];
            readonly headers?: components["schemas"]["WebhookHeaders"];
            /**
             * @description Secret for HMAC-SHA256 signatures on deliveries (see Create a Webhook).
             *     Write-only from the partner's side: choose it, store it, and never log it.
             *     Without it deliveries are not signed.
             */
            readonly signing_key?: string;
            /**
             * Format: uri
             * @description Where Hero POSTs the events.
             */
            readonly url: string;
        };
        /**
         * @description Events a webhook can subscribe to. Hero's schema enum lists the first six;
         *     `write-to-record.succeeded` and `write-to-record.failed` are named only in the
         *     newest description of Create a Webhook and are included here. One crawl of
         *     Hero's AsyncAPI page also shows a `form-submission.created` channel, which no
         *     version of the enum lists, so it is left out.
         * @enum {string}
         */
        readonly WebhookEventType: "appointment.confirmed" | "appointment.cancelled" | "appointment.rescheduled" | "prescription.issued" | "patient.medical-record-updated" | "patient.added-to-sequence" | "write-to-record.succeeded" | "write-to-record.failed";
        /** @description Custom HTTP headers Hero adds to every delivery of this webhook (header name to value). */
        readonly WebhookHeaders: {
            readonly [key: string]: string;
        };
    };
    responses: {
        /** @description Validation error. The request's parameters or body did not match what the operation expects. */
        readonly BadRequest: {
            headers: {
                readonly [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": true,
                 *       "statusCode": 400,
                 *       "message": [
                 *         {
                 *           "code": "invalid_type",
                 *           "expected": "string",
                 *           "path": [
                 *             "dob"
                 *           ]
                 *         }
                 *       ]
                 *     }
                 */
                readonly "application/json": components["schemas"]["ValidationError"];
            };
        };
        /** @description Forbidden. The key has no access to the practice group in `x-practice-group-id`, or lacks the scope for this operation. Hero does not document a body. */
        readonly Forbidden: {
            headers: {
                readonly [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Not found. Nothing with that identifier exists for this practice group. Hero does not document a body. */
        readonly NotFound: {
            headers: {
                readonly [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Unknown error on Hero's side. Hero does not document a body. */
        readonly ServerError: {
            headers: {
                readonly [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Rate limit exceeded (limits are set in the partner agreement). Retry with exponential backoff, honouring `Retry-After`. Hero does not document a body. */
        readonly TooManyRequests: {
            headers: {
                readonly "Retry-After": components["headers"]["Retry-After"];
                readonly [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Unauthorised. The `x-api-key` header is missing or not valid for this environment. Hero does not document a body. */
        readonly Unauthorized: {
            headers: {
                readonly [name: string]: unknown;
            };
            content?: never;
        };
    };
    parameters: {
        /**
         * @description Filter by status. Hero's docs give only the example value `CREATED`, not the list of allowed values.
         * @example CREATED
         */
        readonly BatchMessageEntryStatus: string;
        /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
        readonly BatchMessagePageIndex: number;
        /** @description Items per page. Default and maximum are not documented. */
        readonly BatchMessagePageSize: number;
        /** @description Numeric identifier, sent as a string. */
        readonly Id: components["schemas"]["Id"];
        /**
         * @description Patient field that `search` is matched against. Hero's samples use `emis_id` and `ehr_partner_id`; the full list of accepted values is not documented.
         * @example ehr_partner_id
         */
        readonly PatientSearchField: string;
        /**
         * @description Term to match against the patient field named in `field`. Whether matching is exact or partial is not documented.
         * @example 500123
         */
        readonly PatientSearchTerm: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description How long to wait before retrying, as delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Hero's guide tells partners to honour it; its presence on every 429 is not confirmed.
         * @example 30
         */
        readonly "Retry-After": string;
    };
    pathItems: never;
}
export type SchemaAccessToken = components['schemas']['AccessToken'];
export type SchemaAdmin = components['schemas']['Admin'];
export type SchemaAdminPrescriberDetails = components['schemas']['AdminPrescriberDetails'];
export type SchemaAdminUpdate = components['schemas']['AdminUpdate'];
export type SchemaAdminUpdateResult = components['schemas']['AdminUpdateResult'];
export type SchemaAppointment = components['schemas']['Appointment'];
export type SchemaAppointmentCancelRequest = components['schemas']['AppointmentCancelRequest'];
export type SchemaAppointmentCreateRequest = components['schemas']['AppointmentCreateRequest'];
export type SchemaAppointmentEditRequest = components['schemas']['AppointmentEditRequest'];
export type SchemaAppointmentReservation = components['schemas']['AppointmentReservation'];
export type SchemaAppointmentType = components['schemas']['AppointmentType'];
export type SchemaAttachmentLink = components['schemas']['AttachmentLink'];
export type SchemaAttachmentLinkCreateRequest = components['schemas']['AttachmentLinkCreateRequest'];
export type SchemaBatchMessage = components['schemas']['BatchMessage'];
export type SchemaBatchMessageChannel = components['schemas']['BatchMessageChannel'];
export type SchemaBatchMessageCreateRequest = components['schemas']['BatchMessageCreateRequest'];
export type SchemaBatchMessageRecipient = components['schemas']['BatchMessageRecipient'];
export type SchemaBatchMessageRecipientInput = components['schemas']['BatchMessageRecipientInput'];
export type SchemaBatchMessageStatus = components['schemas']['BatchMessageStatus'];
export type SchemaBookingLink = components['schemas']['BookingLink'];
export type SchemaBookingLinkMeta = components['schemas']['BookingLinkMeta'];
export type SchemaBookingLinkUpdateRequest = components['schemas']['BookingLinkUpdateRequest'];
export type SchemaCapabilities = components['schemas']['Capabilities'];
export type SchemaCoupon = components['schemas']['Coupon'];
export type SchemaCustomer = components['schemas']['Customer'];
export type SchemaCustomerCreateRequest = components['schemas']['CustomerCreateRequest'];
export type SchemaCustomerSource = components['schemas']['CustomerSource'];
export type SchemaCustomerSources = components['schemas']['CustomerSources'];
export type SchemaEhrPatientCandidate = components['schemas']['EhrPatientCandidate'];
export type SchemaEpisode = components['schemas']['Episode'];
export type SchemaEpisodeAssignee = components['schemas']['EpisodeAssignee'];
export type SchemaEpisodeAssigneeType = components['schemas']['EpisodeAssigneeType'];
export type SchemaEpisodeAssigneeUpdate = components['schemas']['EpisodeAssigneeUpdate'];
export type SchemaEpisodeTask = components['schemas']['EpisodeTask'];
export type SchemaEpisodeUpdate = components['schemas']['EpisodeUpdate'];
export type SchemaForm = components['schemas']['Form'];
export type SchemaFormField = components['schemas']['FormField'];
export type SchemaFormResponse = components['schemas']['FormResponse'];
export type SchemaFormSummary = components['schemas']['FormSummary'];
export type SchemaFormType = components['schemas']['FormType'];
export type SchemaHeidiToken = components['schemas']['HeidiToken'];
export type SchemaId = components['schemas']['Id'];
export type SchemaInvoice = components['schemas']['Invoice'];
export type SchemaInvoiceCoupon = components['schemas']['InvoiceCoupon'];
export type SchemaInvoiceCreateFields = components['schemas']['InvoiceCreateFields'];
export type SchemaInvoiceCreateRequest = components['schemas']['InvoiceCreateRequest'];
export type SchemaInvoiceItem = components['schemas']['InvoiceItem'];
export type SchemaInvoiceLinkRequest = components['schemas']['InvoiceLinkRequest'];
export type SchemaInvoiceUpdateRequest = components['schemas']['InvoiceUpdateRequest'];
export type SchemaLinkStatus = components['schemas']['LinkStatus'];
export type SchemaListEnvelope = components['schemas']['ListEnvelope'];
export type SchemaMessage = components['schemas']['Message'];
export type SchemaMessageType = components['schemas']['MessageType'];
export type SchemaNote = components['schemas']['Note'];
export type SchemaNoteAuthor = components['schemas']['NoteAuthor'];
export type SchemaNoteCreate = components['schemas']['NoteCreate'];
export type SchemaPatient = components['schemas']['Patient'];
export type SchemaPatientDataSource = components['schemas']['PatientDataSource'];
export type SchemaPatientEhrConnectRequest = components['schemas']['PatientEhrConnectRequest'];
export type SchemaPatientIdentifier = components['schemas']['PatientIdentifier'];
export type SchemaPatientMergePreviewRequest = components['schemas']['PatientMergePreviewRequest'];
export type SchemaPatientMergeRequest = components['schemas']['PatientMergeRequest'];
export type SchemaPatientRegistered = components['schemas']['PatientRegistered'];
export type SchemaPatientSex = components['schemas']['PatientSex'];
export type SchemaPatientTitle = components['schemas']['PatientTitle'];
export type SchemaPatientV2 = components['schemas']['PatientV2'];
export type SchemaPatientV2Base = components['schemas']['PatientV2Base'];
export type SchemaPatientV3 = components['schemas']['PatientV3'];
export type SchemaPatientV3List = components['schemas']['PatientV3List'];
export type SchemaPatientVerificationRequired = components['schemas']['PatientVerificationRequired'];
export type SchemaPharmacy = components['schemas']['Pharmacy'];
export type SchemaPharmacyCreateRequest = components['schemas']['PharmacyCreateRequest'];
export type SchemaPracticeGroupAddress = components['schemas']['PracticeGroupAddress'];
export type SchemaPracticeGroupElement = components['schemas']['PracticeGroupElement'];
export type SchemaPracticeGroupPrescriptionPartnerCredentials = components['schemas']['PracticeGroupPrescriptionPartnerCredentials'];
export type SchemaPracticeGroupUpdate = components['schemas']['PracticeGroupUpdate'];
export type SchemaRegisterPatientPdsByDemographics = components['schemas']['RegisterPatientPdsByDemographics'];
export type SchemaRegisterPatientPdsByNhsNumber = components['schemas']['RegisterPatientPdsByNhsNumber'];
export type SchemaRegisterPatientPdsRequest = components['schemas']['RegisterPatientPdsRequest'];
export type SchemaRegisterPatientPdsResult = components['schemas']['RegisterPatientPdsResult'];
export type SchemaRegisterPatientRequest = components['schemas']['RegisterPatientRequest'];
export type SchemaSendMessageRequest = components['schemas']['SendMessageRequest'];
export type SchemaSendMessageResponse = components['schemas']['SendMessageResponse'];
export type SchemaSlot = components['schemas']['Slot'];
export type SchemaTask = components['schemas']['Task'];
export type SchemaTaskPatient = components['schemas']['TaskPatient'];
export type SchemaTaskPatientAddress = components['schemas']['TaskPatientAddress'];
export type SchemaTaskPriority = components['schemas']['TaskPriority'];
export type SchemaTaskStatus = components['schemas']['TaskStatus'];
export type SchemaTaskUpdate = components['schemas']['TaskUpdate'];
export type SchemaTaskUpdateResult = components['schemas']['TaskUpdateResult'];
export type SchemaUndocumentedObject = components['schemas']['UndocumentedObject'];
export type SchemaValidationError = components['schemas']['ValidationError'];
export type SchemaValidationIssue = components['schemas']['ValidationIssue'];
export type SchemaWebhook = components['schemas']['Webhook'];
export type SchemaWebhookCreateRequest = components['schemas']['WebhookCreateRequest'];
export type SchemaWebhookEventType = components['schemas']['WebhookEventType'];
export type SchemaWebhookHeaders = components['schemas']['WebhookHeaders'];
export type ResponseBadRequest = components['responses']['BadRequest'];
export type ResponseForbidden = components['responses']['Forbidden'];
export type ResponseNotFound = components['responses']['NotFound'];
export type ResponseServerError = components['responses']['ServerError'];
export type ResponseTooManyRequests = components['responses']['TooManyRequests'];
export type ResponseUnauthorized = components['responses']['Unauthorized'];
export type ParameterBatchMessageEntryStatus = components['parameters']['BatchMessageEntryStatus'];
export type ParameterBatchMessagePageIndex = components['parameters']['BatchMessagePageIndex'];
export type ParameterBatchMessagePageSize = components['parameters']['BatchMessagePageSize'];
export type ParameterId = components['parameters']['Id'];
export type ParameterPatientSearchField = components['parameters']['PatientSearchField'];
export type ParameterPatientSearchTerm = components['parameters']['PatientSearchTerm'];
export type HeaderRetryAfter = components['headers']['Retry-After'];
export type $defs = Record<string, never>;
export interface operations {
    readonly createAccessToken: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. A new access token. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLWV4YW1wbGU"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["AccessToken"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listAdmins: {
        readonly parameters: {
            readonly query?: {
                /** @description Field to sort by. */
                readonly order_by?: "first_name";
                /** @description When true, sort in descending order. */
                readonly order_descending?: boolean;
                /**
                 * @description Page to return. Typed as a string in Hero's reference; send a whole number.
                 * @example 0
                 */
                readonly page_index?: string;
                /**
                 * @description Number of admins per page. Typed as a string in Hero's reference; send a whole number.
                 * @example 20
                 */
                readonly page_size?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The admins, in Hero's list envelope. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "345",
                     *           "first_name": "Amara",
                     *           "last_name": "Okafor",
                     *           "email": "amara.okafor@riverside.example",
                     *           "external_prescriber_id": "RX-2231",
                     *           "prescriber_details": {
                     *             "name": "Dr Amara Okafor",
                     *             "email": "amara.okafor@riverside.example",
                     *             "registration_code": "7012345"
                     *           }
                     *         },
                     *         {
                     *           "id": "346",
                     *           "first_name": "Ben",
                     *           "last_name": "Hughes",
                     *           "email": "ben.hughes@riverside.example",
                     *           "external_prescriber_id": null,
                     *           "prescriber_details": null
                     *         }
                     *       ],
                     *       "count": 2
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["Admin"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly updateAdmin: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "external_prescriber_id": "RX-2231",
                 *       "prescriber_details": {
                 *         "name": "Dr Amara Okafor",
                 *         "email": "amara.okafor@riverside.example",
                 *         "registration_code": "7012345"
                 *       }
                 *     }
                 */
                readonly "application/json": components["schemas"]["AdminUpdate"];
            };
        };
        readonly responses: {
            /** @description Ok. The id of the updated admin. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "admin_id": "345"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["AdminUpdateResult"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listAppointmentTypes: {
        readonly parameters: {
            readonly query?: {
                /** @description When true, only return appointment types that have bookable availability. */
                readonly has_availability?: boolean;
                /**
                 * @description Only return appointment types offered at these locations.
                 * @example [
                 *       "5"
                 *     ]
                 */
                readonly location_ids?: readonly string[];
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The appointment types, in Hero's list envelope. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "12",
                     *           "name": "GP telephone consultation",
                     *           "partner_slot_name": "GP Telephone",
                     *           "next_available_at": "2024-03-15T14:00:00Z",
                     *           "slot_count": 8,
                     *           "price": 0,
                     *           "assignee_id": null,
                     *           "assignee_type": null,
                     *           "sector": "nhs",
                     *           "duration": 10,
                     *           "video": false,
                     *           "in_person": false,
                     *           "telephone": true,
                     *           "use_partner_bookable_slots": false,
                     *           "admin_booking_invoice_required": false,
                     *           "form_id": null,
                     *           "practitioner_type": "GP"
                     *         },
                     *         {
                     *           "id": "13",
                     *           "name": "Travel vaccination",
                     *           "partner_slot_name": "Nurse Travel Clinic",
                     *           "next_available_at": null,
                     *           "slot_count": 0,
                     *           "price": 45,
                     *           "assignee_id": "345",
                     *           "assignee_type": "Admin",
                     *           "sector": "paid",
                     *           "duration": 20,
                     *           "video": false,
                     *           "in_person": true,
                     *           "telephone": false,
                     *           "use_partner_bookable_slots": false,
                     *           "admin_booking_invoice_required": true,
                     *           "form_id": "77",
                     *           "practitioner_type": "Nurse"
                     *         }
                     *       ],
                     *       "count": 2
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["AppointmentType"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createAppointment: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "appointment_type_id": "1",
                 *       "location_id": "5",
                 *       "practitioner_id": "201",
                 *       "duration": 15,
                 *       "start_time": "2024-03-15T14:00:00Z",
                 *       "patient_id": "98765",
                 *       "reason": "Medication review",
                 *       "suppress_mail": false,
                 *       "suppress_availability_check": false
                 *     }
                 */
                readonly "application/json": components["schemas"]["AppointmentCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The reservation's ID and when the hold on the slot ends. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "reserved_until": "2024-03-15T13:10:00Z"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["AppointmentReservation"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            /** @description Not found. Hero lists this status for the operation without saying when it occurs or documenting a body (presumably an ID in the request does not exist; unconfirmed). */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getAppointment: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "patient_id": "98765",
                     *       "practitioner_id": "201",
                     *       "location_id": "5",
                     *       "appointment_type_id": "1",
                     *       "duration": 15,
                     *       "start_time": "2024-03-15T14:00:00Z",
                     *       "video": false,
                     *       "in_person": true,
                     *       "telephone": false,
                     *       "link_id": null,
                     *       "reserved_until": null,
                     *       "booking_confirmed_at": "2024-03-10T09:30:00Z",
                     *       "can_be_cancelled": true,
                     *       "can_be_rescheduled": true,
                     *       "cancellation_policy_hours": 24,
                     *       "suppress_mail": false
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Appointment"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly editAppointment: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "start_time": "2024-03-15T14:30:00Z",
                 *       "duration": 15,
                 *       "practitioner_id": "201",
                 *       "suppress_availability_check": false,
                 *       "suppress_mail": true
                 *     }
                 */
                readonly "application/json": components["schemas"]["AppointmentEditRequest"];
            };
        };
        readonly responses: {
            /** @description Success. The status code and body are not documented; Hero's page is cut off before its responses. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly cancelAppointment: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: {
            readonly content: {
                /**
                 * @example {
                 *       "suppress_mail": true,
                 *       "suppress_cancellation_policy": false
                 *     }
                 */
                readonly "application/json": components["schemas"]["AppointmentCancelRequest"];
            };
        };
        readonly responses: {
            /** @description Success. The status code and body are not documented; Hero's sample shows only the request. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createAttachmentLink: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "expiry_date": "2024-04-30",
                 *       "ehr_file_id": "55501",
                 *       "patient_id": "98765",
                 *       "maximum_use_count": 1
                 *     }
                 */
                readonly "application/json": components["schemas"]["AttachmentLinkCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "attachment_link": "https://example.org/attachment-link-placeholder",
                     *       "attachment_uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["AttachmentLink"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listBatchMessages: {
        readonly parameters: {
            readonly query?: {
                /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
                readonly page_index?: components["parameters"]["BatchMessagePageIndex"];
                /** @description Items per page. Default and maximum are not documented. */
                readonly page_size?: components["parameters"]["BatchMessagePageSize"];
                /** @description Only batches in this state. These values differ from the `status` values of a batch object (`CREATED`, `PENDING`, `SENDING`, `COMPLETED`); Hero's docs do not explain the difference. */
                readonly status?: "CREATED" | "ENRICHMENT_ERROR" | "ENRICHED" | "INVALID_PAYLOAD" | "QUEUED";
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createBatchMessage: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "name": "Flu clinic invitations",
                 *       "channel": "SMS",
                 *       "content": "Flu vaccination clinics are open. Reply to this message to book.",
                 *       "recipients": [
                 *         {
                 *           "nhs_number": "9434765919",
                 *           "dob": "1992-01-01T00:00:00Z"
                 *         }
                 *       ]
                 *     }
                 */
                readonly "application/json": components["schemas"]["BatchMessageCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The created batch. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "name": "Flu clinic invitations",
                     *       "status": "CREATED",
                     *       "channel": "SMS",
                     *       "content": "Flu vaccination clinics are open. Reply to this message to book."
                     *     }
                     */
                    readonly "application/json": components["schemas"]["BatchMessage"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getBatchMessage: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The batch. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "name": "Flu clinic invitations",
                     *       "status": "SENDING",
                     *       "channel": "SMS",
                     *       "content": "Flu vaccination clinics are open. Reply to this message to book."
                     *     }
                     */
                    readonly "application/json": components["schemas"]["BatchMessage"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listBatchMessageSends: {
        readonly parameters: {
            readonly query?: {
                /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
                readonly page_index?: components["parameters"]["BatchMessagePageIndex"];
                /** @description Items per page. Default and maximum are not documented. */
                readonly page_size?: components["parameters"]["BatchMessagePageSize"];
                /**
                 * @description Filter by status. Hero's docs give only the example value `CREATED`, not the list of allowed values.
                 * @example CREATED
                 */
                readonly status?: components["parameters"]["BatchMessageEntryStatus"];
            };
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listBatchMessageRecipients: {
        readonly parameters: {
            readonly query?: {
                /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
                readonly page_index?: components["parameters"]["BatchMessagePageIndex"];
                /** @description Items per page. Default and maximum are not documented. */
                readonly page_size?: components["parameters"]["BatchMessagePageSize"];
                /**
                 * @description Filter by status. Hero's docs give only the example value `CREATED`, not the list of allowed values.
                 * @example CREATED
                 */
                readonly status?: components["parameters"]["BatchMessageEntryStatus"];
            };
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. One page of recipients. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["BatchMessageRecipient"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly sendBatchMessage: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getBookingLink: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "practice_group_id": "678",
                     *       "short_link": "https://bookings.herohealth.net/s/abc123",
                     *       "active": true,
                     *       "expiry_date": "2024-04-30T23:59:59Z",
                     *       "maximum_uses": 1,
                     *       "number_of_uses": 0,
                     *       "open_count": 2,
                     *       "unlimited_use": false,
                     *       "meta": {
                     *         "appointment_type_id": [
                     *           "1"
                     *         ],
                     *         "location_id": [
                     *           "5"
                     *         ]
                     *       }
                     *     }
                     */
                    readonly "application/json": components["schemas"]["BookingLink"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly updateBookingLink: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "appointment_type_id": "1",
                 *       "location_id": "5",
                 *       "practitioner_id": "201"
                 *     }
                 */
                readonly "application/json": components["schemas"]["BookingLinkUpdateRequest"];
            };
        };
        readonly responses: {
            /** @description Success. The status code and body are not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listEpisodes: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Only return episodes assigned to these admins or admin teams.
                 * @example [
                 *       "345"
                 *     ]
                 */
                readonly "assignee_id[]"?: readonly string[];
                /**
                 * @description Only return episodes whose assignee is of these kinds.
                 * @example [
                 *       "Admin"
                 *     ]
                 */
                readonly "assignee_type[]"?: readonly components["schemas"]["EpisodeAssigneeType"][];
                /**
                 * @description Fields to sort by.
                 * @example [
                 *       "created_at"
                 *     ]
                 */
                readonly "order_by[]"?: readonly ("created_at" | "priority")[];
                /** @description Sort directions matching `order_by[]`. Typed as strings in Hero's reference, which does not list the accepted values. */
                readonly "order_descending[]"?: readonly string[];
                /**
                 * @description Page to return.
                 * @example 0
                 */
                readonly page_index?: number;
                /**
                 * @description Number of episodes per page.
                 * @example 20
                 */
                readonly page_size?: number;
                /**
                 * @description Only return episodes with these priorities.
                 * @example [
                 *       "high"
                 *     ]
                 */
                readonly "priority[]"?: readonly components["schemas"]["TaskPriority"][];
                /**
                 * @description Only return episodes with these statuses.
                 * @example [
                 *       "open"
                 *     ]
                 */
                readonly "status[]"?: readonly components["schemas"]["TaskStatus"][];
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The episodes, in Hero's list envelope. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "310",
                     *           "status": "open",
                     *           "priority": "high",
                     *           "assignees": [
                     *             {
                     *               "type": "Admin",
                     *               "name": "Amara Okafor"
                     *             }
                     *           ],
                     *           "tasks": [],
                     *           "patient": {
                     *             "ehr_partner_id": "5512",
                     *             "emis_id": null,
                     *             "deceased_at": null,
                     *             "dob": "1992-01-01T00:00:00Z",
                     *             "title": "Ms"
                     *           }
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly WithRequired<components["schemas"]["Episode"], "patient">[];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getEpisode: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The episode. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "310",
                     *       "status": "open",
                     *       "priority": "high",
                     *       "assignees": [
                     *         {
                     *           "type": "Admin",
                     *           "name": "Amara Okafor"
                     *         }
                     *       ],
                     *       "tasks": [
                     *         {
                     *           "type_label": "Care navigation request",
                     *           "details": "Patient asks for a call back about repeat medication.",
                     *           "category": "care_navigation",
                     *           "patient": {
                     *             "uid": null,
                     *             "ehr_partner_id": "5512",
                     *             "emis_id": null,
                     *             "deceased_at": null,
                     *             "dob": "1992-01-01T00:00:00Z",
                     *             "title": "Ms",
                     *             "first_name": "Jane",
                     *             "last_name": "Smith",
                     *             "sex": "female",
                     *             "nhs_number": "9434765919",
                     *             "email": "jane.smith@example.com",
                     *             "mobile": "+447700900123",
                     *             "last_sync_at": "2024-03-15T14:00:00Z",
                     *             "full_name": "Jane Smith",
                     *             "contact_emails": [],
                     *             "registered_practitioner_name": "Dr Amara Okafor",
                     *             "notes": null,
                     *             "membership_scheme_names": null,
                     *             "address": {
                     *               "line1": "1 High Street",
                     *               "line2": null,
                     *               "line3": null,
                     *               "town": "Leeds",
                     *               "county": "West Yorkshire",
                     *               "country": "United Kingdom",
                     *               "postcode": "LS1 1AA"
                     *             }
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Episode"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly updateEpisode: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: {
            readonly content: {
                /**
                 * @example {
                 *       "status": "in_progress",
                 *       "priority": "high",
                 *       "assignees": [
                 *         {
                 *           "type": "Admin",
                 *           "id": "345",
                 *           "name": "Amara Okafor"
                 *         }
                 *       ]
                 *     }
                 */
                readonly "application/json": components["schemas"]["EpisodeUpdate"];
            };
        };
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getFormResponse: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The form response. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": 5501,
                     *       "form_id": 77,
                     *       "client_id": 98765,
                     *       "appointment_id": 23001,
                     *       "invoice_id": 610,
                     *       "practice_group_id": 12,
                     *       "created_at": "2024-03-15T14:00:00Z",
                     *       "updated_at": "2024-03-15T14:05:00Z",
                     *       "hidden": false,
                     *       "emis_file_record_at": "2024-03-15T14:10:00Z",
                     *       "short_link_id": 4410,
                     *       "admin_id": 345
                     *     }
                     */
                    readonly "application/json": components["schemas"]["FormResponse"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listForms: {
        readonly parameters: {
            readonly query?: {
                /** @description Only return forms of this type. */
                readonly form_type?: components["schemas"]["FormType"];
                /** @description Filter on whether the form is a reply form. */
                readonly reply_form?: boolean;
                /** @description Text to search forms by. Which fields it matches is not documented. */
                readonly search?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The forms, in Hero's list envelope. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "77",
                     *           "title": "Travel vaccination questionnaire",
                     *           "description": "Pre-appointment questions for travel vaccinations.",
                     *           "patient_title": "Before your travel appointment",
                     *           "patient_description": "Please tell us where and when you are travelling.",
                     *           "reply_form": false,
                     *           "form_type": "appointment",
                     *           "snomed_code": null
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["FormSummary"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getForm: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The form and its fields. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "77",
                     *       "form_type": "appointment",
                     *       "title": "Travel vaccination questionnaire",
                     *       "description": "Pre-appointment questions for travel vaccinations.",
                     *       "patient_title": "Before your travel appointment",
                     *       "patient_description": "Please tell us where and when you are travelling.",
                     *       "snomed_code": null,
                     *       "fields": [
                     *         {
                     *           "form_question_id": "901",
                     *           "name": "Destination country"
                     *         },
                     *         {
                     *           "form_question_id": "902",
                     *           "name": "Departure date"
                     *         }
                     *       ]
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Form"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listCoupons: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The practice group's coupons. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "Z4OV52SU",
                     *           "name": "Staff discount",
                     *           "percent_off": 10
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["Coupon"][];
                    };
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listCustomers: {
        readonly parameters: {
            readonly query: {
                /**
                 * @description Search text.
                 * @example Jane
                 */
                readonly query: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. Matching customers. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "cus_NffrFeUfNV2Hib",
                     *           "name": "Jane Smith",
                     *           "email": "jane.smith@example.com",
                     *           "phone": "07700 900123"
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["Customer"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createCustomer: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "name": "Jane Smith",
                 *       "email": "jane.smith@example.com",
                 *       "phone": "07700 900123"
                 *     }
                 */
                readonly "application/json": components["schemas"]["CustomerCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. Only the `id` of the response sample is documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "cus_NffrFeUfNV2Hib"
                     *     }
                     */
                    readonly "application/json": {
                        /** @description Stripe customer ID. */
                        readonly id?: string;
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getDefaultCustomer: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Hero ID of the patient. Whether it is required is not documented.
                 * @example 98765
                 */
                readonly patient_id?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The patient's default customer. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "cus_NffrFeUfNV2Hib",
                     *       "name": "Jane Smith",
                     *       "email": "jane.smith@example.com",
                     *       "phone": "07700 900123",
                     *       "sources": []
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Customer"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createInvoice: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "issuer_id": "12",
                 *       "patient_id": "98765",
                 *       "service_date": "2024-03-15",
                 *       "collection_method": "request_payment",
                 *       "mode": "draft",
                 *       "invoice_items_attributes": [
                 *         {
                 *           "description": "Private GP consultation",
                 *           "quantity": 1,
                 *           "unit_amount_in_pounds": 50
                 *         }
                 *       ]
                 *     }
                 */
                readonly "application/json": components["schemas"]["InvoiceCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Created. The new invoice. */
            readonly 201: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4521",
                     *       "stripe_id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
                     *       "status": "draft",
                     *       "subtotal": 5000,
                     *       "amount_due": 5000,
                     *       "customer_id": "cus_NffrFeUfNV2Hib",
                     *       "patient_record_id": "98765",
                     *       "appointment_id": null,
                     *       "created_at": "2024-03-15T14:00:00Z",
                     *       "updated_at": "2024-03-15T14:00:00Z"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Invoice"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly updateInvoice: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "issuer_id": "12",
                 *       "memo": "Paid in clinic by card."
                 *     }
                 */
                readonly "application/json": components["schemas"]["InvoiceUpdateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly linkInvoice: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "stripe_invoice_id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
                 *       "appointment_id": "67890",
                 *       "issuer_id": "12"
                 *     }
                 */
                readonly "application/json": components["schemas"]["InvoiceLinkRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The linked invoice. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4521",
                     *       "stripe_id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
                     *       "status": "open",
                     *       "subtotal": 5000,
                     *       "amount_due": 5000,
                     *       "customer_id": "cus_NffrFeUfNV2Hib",
                     *       "patient_record_id": "98765",
                     *       "appointment_id": "67890"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Invoice"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getLinkStatus: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description The link's ID.
                 * @example 12345
                 */
                readonly id?: string;
                /**
                 * @description The link's short URL, URL-encoded (e.g. `https://bookings.herohealth.net/s/abc123`).
                 * @example https://bookings.herohealth.net/s/abc123
                 */
                readonly url?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "unused",
                     *       "type": "booking",
                     *       "reference": []
                     *     }
                     */
                    readonly "application/json": components["schemas"]["LinkStatus"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listLocations: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getPracticeGroupById: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly updatePracticeGroup: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: {
            readonly content: {
                /**
                 * @example {
                 *       "name": "Riverside Medical Practice",
                 *       "prescription_partner_enabled": true,
                 *       "prescription_partner": "signature_rx",
                 *       "prescription_partner_credentials": {
                 *         "email": "prescribing@riverside.example",
                 *         "password": "example-password"
                 *       },
                 *       "address": {
                 *         "line_1": "1 High Street",
                 *         "line_2": "Riverside",
                 *         "line_3": "",
                 *         "town": "Leeds",
                 *         "county": "West Yorkshire",
                 *         "postcode": "LS1 1AA"
                 *       }
                 *     }
                 */
                readonly "application/json": components["schemas"]["PracticeGroupUpdate"];
            };
        };
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getCapabilities: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The practice group's capabilities. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "capabilities": [
                     *         "sms_messaging"
                     *       ]
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Capabilities"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getConfiguration: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPracticeGroupElements: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The practice group's Elements, in Hero's list envelope. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "version": "1.0.0",
                     *           "config": {},
                     *           "element": {}
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["PracticeGroupElement"][];
                    };
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getMessage: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. Only the start of a sample body is documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "patient": {
                     *         "id": "98765"
                     *       }
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Message"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly sendMessage: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "patient_id": "1",
                 *       "message_type": "sms",
                 *       "message_string": "Sample text message",
                 *       "recipient_contact_detail": "07788 123456",
                 *       "write_to_record": true,
                 *       "snomed_code": "123456789"
                 *     }
                 */
                readonly "application/json": components["schemas"]["SendMessageRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The message was accepted (or scheduled, when `send_at` was given). */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "message_id": "12345",
                     *       "content": "Sample text message",
                     *       "created_at": "2024-03-15T14:00:00Z",
                     *       "snomed_code": "123456789",
                     *       "write_to_record": true
                     *     }
                     */
                    readonly "application/json": components["schemas"]["SendMessageResponse"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            /** @description Unauthorised (Hero's older reference lists this status for Send a Message under that name). The key may not send messages for this practice group, e.g. it lacks the messaging scope. Hero does not document a body. */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            readonly 429: components["responses"]["TooManyRequests"];
            /** @description Unknown error (as Hero's older reference names it). Hero does not document a body. */
            readonly 500: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    readonly createEpisodeNote: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: {
            readonly content: {
                /**
                 * @example {
                 *       "episode_id": "310",
                 *       "description": "Patient reported improved symptoms today."
                 *     }
                 */
                readonly "application/json": components["schemas"]["NoteCreate"];
            };
        };
        readonly responses: {
            /** @description Ok. The created note. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": 7301,
                     *       "description": "Patient reported improved symptoms today.",
                     *       "admin": {
                     *         "id": 345,
                     *         "first_name": "Amara",
                     *         "last_name": "Okafor",
                     *         "full_name": "Amara Okafor"
                     *       },
                     *       "practice_group_id": 12,
                     *       "created_at": "2024-03-15T14:00:00Z"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Note"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getHeidiToken: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "token": "heidi-token-example",
                     *       "expiration_time": "2019-08-24T14:15:22Z"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["HeidiToken"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPatients: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Patient field that `search` is matched against. Hero's samples use `emis_id` and `ehr_partner_id`; the full list of accepted values is not documented.
                 * @example ehr_partner_id
                 */
                readonly field?: components["parameters"]["PatientSearchField"];
                /**
                 * @description Term to match against the patient field named in `field`. Whether matching is exact or partial is not documented.
                 * @example 500123
                 */
                readonly search?: components["parameters"]["PatientSearchTerm"];
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. A list of patients; Hero's docs show only the envelope, not the fields of each patient. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["UndocumentedObject"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getPatientById: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "uid": null,
                     *       "emis_id": "500123",
                     *       "ehr_partner_id": "500123",
                     *       "dob": "1992-01-01T00:00:00Z",
                     *       "deceased_at": null,
                     *       "title": "Ms",
                     *       "first_name": "Jane",
                     *       "last_name": "Smith",
                     *       "sex": "Female",
                     *       "nhs_number": "9000000009",
                     *       "email": "jane.smith@example.com",
                     *       "emails": [
                     *         "jane.smith@example.com"
                     *       ],
                     *       "mobile": "07700 900123",
                     *       "last_sync_at": "2024-03-15T14:00:00Z",
                     *       "address_line_1": "1 High Street",
                     *       "address_line_2": null,
                     *       "address_line_3": null,
                     *       "country": "United Kingdom",
                     *       "postcode": "LS1 4AP",
                     *       "town": "Leeds",
                     *       "county": "West Yorkshire",
                     *       "notes": null,
                     *       "verification_credentials": null,
                     *       "data_source": "emis",
                     *       "restricted": false,
                     *       "sex_changed_at": null,
                     *       "status": "unarchived"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Patient"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPatientAttachments: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. A list of attachments; Hero's docs show only the envelope, not the fields of each attachment. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["UndocumentedObject"][];
                    };
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPatientEhrCandidates: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "ehr_partner_id": "500123",
                     *           "emis_id": "500123",
                     *           "deceased_at": null,
                     *           "dob": "1992-01-01T00:00:00Z",
                     *           "title": "Ms",
                     *           "first_name": "Jane",
                     *           "last_name": "Smith",
                     *           "sex": "Female",
                     *           "nhs_number": "9000000009",
                     *           "email": null,
                     *           "mobile": "07700 900123",
                     *           "last_sync_at": null,
                     *           "data_source": "emis",
                     *           "restricted": false,
                     *           "line_1": "1 High Street",
                     *           "line_2": null,
                     *           "line_3": null,
                     *           "town": "Leeds",
                     *           "county": "West Yorkshire",
                     *           "postcode": "LS1 4AP",
                     *           "hero_id": null,
                     *           "hero_uid": null,
                     *           "identifiers": [
                     *             {
                     *               "source": "nhs",
                     *               "name": "nhs_number",
                     *               "role": "main",
                     *               "label": "NHS",
                     *               "value": "9000000009"
                     *             },
                     *             {
                     *               "source": "ehr_partner",
                     *               "name": "ehr_partner_id",
                     *               "role": "secondary",
                     *               "label": "EMIS",
                     *               "value": "500123"
                     *             }
                     *           ]
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["EhrPatientCandidate"][];
                    };
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly connectPatientEhr: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "ehr_partner_id": "500123"
                 *     }
                 */
                readonly "application/json": components["schemas"]["PatientEhrConnectRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. Hero's docs do not show the response body. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly mergePatient: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "merge_token": "token-from-merge-preview",
                 *       "patient_id": "67890"
                 *     }
                 */
                readonly "application/json": components["schemas"]["PatientMergeRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. Hero's docs do not show the response body. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly previewPatientMerge: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "patient_id": "67890"
                 *     }
                 */
                readonly "application/json": components["schemas"]["PatientMergePreviewRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. Hero's docs do not show the response body. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly registerPatient: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "nhs_number": "9000000009",
                 *       "dob": "1992-01-01",
                 *       "first_name": "Jane",
                 *       "last_name": "Smith",
                 *       "sex": "Female",
                 *       "title": "Ms",
                 *       "address_line_1": "1 High Street",
                 *       "postcode": "LS1 4AP",
                 *       "county": "West Yorkshire",
                 *       "country": "United Kingdom",
                 *       "mobile": "07700 900123",
                 *       "email": "jane.smith@example.com"
                 *     }
                 */
                readonly "application/json": components["schemas"]["RegisterPatientRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The patient was created or updated. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "patient_id": "98765"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["PatientRegistered"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            /** @description No patient found. Listed only in Hero's older reference for this operation, which does not say when it is returned. Hero does not document a body. */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly registerPatientPds: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": components["schemas"]["RegisterPatientPdsRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. Either the patient is registered (`patient_id`) or they must verify their identity first (`message` and `login_url`). */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["RegisterPatientPdsResult"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            /** @description Forbidden. The API key has no access to the practice group sent in `x-practice-group-id`; check that it matches the practice configured for the key. Hero does not document a body. */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No patient found. PDS has no patient matching the details sent (NHS number and date of birth, or the demographics); check them and that the patient is registered with the NHS. Hero does not document a body. */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests. The partner's rate limit was exceeded; retry with exponential backoff, waiting as long as the `Retry-After` header says. Hero does not document a body. */
            readonly 429: {
                headers: {
                    readonly "Retry-After": components["headers"]["Retry-After"];
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createPharmacy: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "name": "High Street Pharmacy",
                 *       "email": "dispensary@highstreet-pharmacy.example",
                 *       "mobile": "07700 900456",
                 *       "prescriber_id": "321"
                 *     }
                 */
                readonly "application/json": components["schemas"]["PharmacyCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok. The saved pharmacy. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4411",
                     *       "prescriber_id": "321",
                     *       "name": "High Street Pharmacy",
                     *       "email": "dispensary@highstreet-pharmacy.example",
                     *       "mobile": "07700 900456"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Pharmacy"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPractitioners: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Only return practitioners who offer these appointment types.
                 * @example [
                 *       "12"
                 *     ]
                 */
                readonly appointment_type_ids?: readonly string[];
                /** @description When true, only return practitioners with bookable availability. */
                readonly has_availability?: boolean;
                /**
                 * @description Only return practitioners working at these locations.
                 * @example [
                 *       "5"
                 *     ]
                 */
                readonly location_ids?: readonly string[];
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getPractitioner: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPrescriberPharmacies: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The prescriber's pharmacies. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "id": "4411",
                     *           "prescriber_id": "321",
                     *           "name": "High Street Pharmacy",
                     *           "email": "dispensary@highstreet-pharmacy.example",
                     *           "mobile": "07700 900456"
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["Pharmacy"][];
                    };
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listSlots: {
        readonly parameters: {
            readonly query?: {
                /** @description End of the date range. Named in Hero's description; its format is not documented (presumably an ISO 8601 date). */
                readonly end_date?: string;
                /** @description Start of the date range. Named in Hero's description; its format is not documented (presumably an ISO 8601 date). */
                readonly start_date?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Success. The response body is not documented (Hero says only that results are paginated). */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getSlot: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4321",
                     *       "practitioner_id": "201",
                     *       "appointment_type_id": "1",
                     *       "location_id": "5",
                     *       "start_time": "2024-03-15T14:00:00Z",
                     *       "finish_time": "2024-03-15T14:15:00Z"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Slot"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly countSlots: {
        readonly parameters: {
            readonly query?: {
                /** @description Only slots for this appointment type. */
                readonly appointment_type_id?: string;
                /** @description End of the date range. Its format is not documented (presumably an ISO 8601 date, as in other date filters). */
                readonly end_date?: string;
                /** @description Only slots at this location. */
                readonly location_id?: string;
                /** @description Only slots with this practitioner. */
                readonly practitioner_id?: string;
                /** @description Start of the date range. Its format is not documented (presumably an ISO 8601 date, as in other date filters). */
                readonly start_date?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Success. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly updateTask: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "status": "in_progress",
                 *       "priority": "high",
                 *       "assignee_type": "admin",
                 *       "assignee_id": "345"
                 *     }
                 */
                readonly "application/json": components["schemas"]["TaskUpdate"];
            };
        };
        readonly responses: {
            /** @description Ok. The id of the updated task. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4821"
                     *       }
                     *     }
                     */
                    readonly "application/json": components["schemas"]["TaskUpdateResult"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listWebhooks: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Only webhooks for this event type. Typed as a plain string in Hero's docs; the known values are those of `WebhookEventType`.
                 * @example appointment.confirmed
                 */
                readonly event_type?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Success. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly createWebhook: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                /**
                 * @example {
                 *       "description": "Appointment confirmations for the booking service",
                 *       "event_type": "appointment.confirmed",
                 *       "signing_key": "replace-with-a-long-random-secret",
                 *       "url": "https://partner.example.org/hero/webhooks",
                 *       "headers": {
                 *         "X-Partner-Source": "hero"
                 *       }
                 *     }
                 */
                readonly "application/json": components["schemas"]["WebhookCreateRequest"];
            };
        };
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "event_type": "appointment.confirmed",
                     *       "url": "https://partner.example.org/hero/webhooks",
                     *       "headers": {
                     *         "X-Partner-Source": "hero"
                     *       },
                     *       "created_at": "2024-03-15T14:00:00Z",
                     *       "updated_at": "2024-03-15T14:00:00Z"
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Webhook"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listAutomatedMessages: {
        readonly parameters: {
            readonly query?: {
                /** @description Only messages of this notification type. Allowed values are not documented. */
                readonly notification_type?: string;
                /** @description Sort in descending order. */
                readonly order_descending?: boolean;
                /**
                 * @description Field to sort by. Spelled in camelCase in Hero's sample (unlike `order_by` elsewhere); the sample value is `createdAt` and other values are not documented.
                 * @example createdAt
                 */
                readonly orderBy?: string;
                /** @description Page number. Typed as a string in Hero's sample; whether it is zero-based is not stated here. */
                readonly page_index?: string;
                /** @description Items per page. Typed as a string in Hero's sample; limits are not documented. */
                readonly page_size?: string;
                /** @description Only messages to this recipient (presumably a patient ID; not described). */
                readonly recipient_id?: string;
                /**
                 * @description Only messages in this status. The sample value is `INVALIDATED`; the full list of statuses is not documented.
                 * @example INVALIDATED
                 */
                readonly status?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Success. The response body is not documented. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    readonly "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPatientsV2: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Patient field that `search` is matched against. Hero's samples use `emis_id` and `ehr_partner_id`; the full list of accepted values is not documented.
                 * @example ehr_partner_id
                 */
                readonly field?: components["parameters"]["PatientSearchField"];
                /**
                 * @description Term to match against the patient field named in `field`. Whether matching is exact or partial is not documented.
                 * @example 500123
                 */
                readonly search?: components["parameters"]["PatientSearchTerm"];
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. A list of patients; Hero's docs show only the envelope, not the fields of each patient. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    readonly "application/json": components["schemas"]["ListEnvelope"] & {
                        readonly data?: readonly components["schemas"]["UndocumentedObject"][];
                    };
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getPatientByIdV2: {
        readonly parameters: {
            readonly query?: {
                /** @description Where to read the patient from, Hero's record (`hero`) or the practice's EHR (`ehr`). The default is not documented. */
                readonly data_source?: "hero" | "ehr";
            };
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "ehr_partner_id": "500123",
                     *       "emis_id": "500123",
                     *       "deceased_at": null,
                     *       "dob": "1992-01-01T00:00:00Z",
                     *       "title": "Ms",
                     *       "first_name": "Jane",
                     *       "last_name": "Smith",
                     *       "sex": "Female",
                     *       "nhs_number": "9000000009",
                     *       "email": "jane.smith@example.com",
                     *       "mobile": "07700 900123",
                     *       "last_sync_at": "2024-03-15T14:00:00Z",
                     *       "data_source": "emis",
                     *       "restricted": false,
                     *       "line_1": "1 High Street",
                     *       "line_2": null,
                     *       "line_3": null,
                     *       "town": "Leeds",
                     *       "county": "West Yorkshire",
                     *       "postcode": "LS1 4AP",
                     *       "hero_id": "12345",
                     *       "hero_uid": null,
                     *       "identifiers": [
                     *         {
                     *           "source": "nhs",
                     *           "name": "nhs_number",
                     *           "role": "main",
                     *           "label": "NHS",
                     *           "value": "9000000009"
                     *         },
                     *         {
                     *           "source": "ehr_partner",
                     *           "name": "ehr_partner_id",
                     *           "role": "secondary",
                     *           "label": "EMIS",
                     *           "value": "500123"
                     *         },
                     *         {
                     *           "source": "hero",
                     *           "name": "hero_id",
                     *           "role": "secondary",
                     *           "label": "Hero",
                     *           "value": "12345"
                     *         }
                     *       ],
                     *       "ehr_registered": true
                     *     }
                     */
                    readonly "application/json": components["schemas"]["PatientV2"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly getTaskV2: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Numeric identifier, sent as a string. */
                readonly id: components["parameters"]["Id"];
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. The task. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "4821",
                     *       "type_label": "Care navigation request",
                     *       "status": "open",
                     *       "details": "Patient asks for a call back about repeat medication.",
                     *       "category": "care_navigation",
                     *       "patient": {
                     *         "id": "98765",
                     *         "uid": null,
                     *         "ehr_partner_id": "5512",
                     *         "emis_id": null,
                     *         "deceased_at": null,
                     *         "dob": "1992-01-01T00:00:00Z"
                     *       }
                     *     }
                     */
                    readonly "application/json": components["schemas"]["Task"];
                };
            };
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 404: components["responses"]["NotFound"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
    readonly listPatientsV3: {
        readonly parameters: {
            readonly query?: {
                /**
                 * @description Filter by exact date of birth, `YYYY-MM-DD`.
                 * @example 1990-12-31
                 */
                readonly dob?: string;
                /** @description Filter by the patient's identifier in the practice's EHR. */
                readonly ehr_partner_id?: string;
                /** @description Filter by first name. */
                readonly first_name?: string;
                /** @description Filter by last name. */
                readonly last_name?: string;
                /** @description Filter by NHS number. */
                readonly nhs_number?: string;
                /**
                 * @description Zero-based page number. Hero types it as a string; send digits.
                 * @example 0
                 */
                readonly page_index?: string;
                /**
                 * @description Number of patients per page. Hero types it as a string; send digits. Default and maximum are not documented.
                 * @example 20
                 */
                readonly page_size?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Ok. One page of matching patients. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "ehr_partner_id": "500123",
                     *           "emis_id": "500123",
                     *           "deceased_at": null,
                     *           "ods_code": "B86001",
                     *           "dob": "1989-04-11",
                     *           "title": "Ms",
                     *           "first_name": "Jane",
                     *           "last_name": "Smith",
                     *           "sex": "Female"
                     *         }
                     *       ],
                     *       "count": 1
                     *     }
                     */
                    readonly "application/json": components["schemas"]["PatientV3List"];
                };
            };
            readonly 400: components["responses"]["BadRequest"];
            readonly 401: components["responses"]["Unauthorized"];
            readonly 403: components["responses"]["Forbidden"];
            readonly 429: components["responses"]["TooManyRequests"];
            readonly 500: components["responses"]["ServerError"];
        };
    };
}
type WithRequired<T, K extends keyof T> = T & {
    [P in K]-?: T[P];
};
