// Generated from openapi/hero-public-api.yaml by scripts/generate.ts. Do not edit by hand:
// change the spec and run `npm run generate` (CI fails when this file is stale).

/** Every path of the Hero API: per path and method, its parameters, request body and responses, as openapi-fetch (`hero.raw`) reads them. */
export interface paths {
    "/v1/access_token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an Access Token
         * @description Issues a short-lived JWT for the practice group, to be passed as the `jwt-token`
         *     attribute of Hero Elements (embeddable web components). Call it from your server,
         *     never from a browser, because it needs the API key. The token expires 30 minutes
         *     after issue, so fetch a fresh one shortly before rendering rather than caching it.
         *
         *     Hero's docs show no request body for this operation and no response status other than 200.
         */
        post: operations["createAccessToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Admins
         * @description Lists the practice group's admins (staff users), with their prescriber details.
         *
         *     Hero's title for this operation was not visible. Hero types `page_index` and
         *     `page_size` as strings here and does not say whether `page_index` starts at 0, nor
         *     what the defaults are.
         */
        get: operations["listAdmins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admins/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update an Admin
         * @description Sets an admin's external prescriber id and prescriber details. Send `null` to clear
         *     either.
         *
         *     The sub-fields of `prescriber_details` come from Hero's request sample only.
         */
        patch: operations["updateAdmin"];
        trace?: never;
    };
    "/v1/appointment_types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listAppointmentTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/appointments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an Appointment
         * @description Reserves a slot: creates an appointment that is held until `reserved_until`
         *     and is not yet a confirmed booking. Typical flow: List Appointment Types,
         *     List Slots, Create an Appointment, then Book an Appointment (whose method
         *     and path are not in Hero's archived docs, so it is not in this file).
         */
        post: operations["createAppointment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/appointments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an Appointment
         * @description Returns one appointment (a reservation or a confirmed booking) by its ID.
         */
        get: operations["getAppointment"];
        /**
         * Edit an Appointment
         * @description Changes the start time, duration or practitioner of an appointment that has
         *     not been confirmed yet (a reservation made with Create an Appointment).
         *
         *     Hero's page for this operation is cut off before its responses: the success
         *     status and body are not documented.
         */
        put: operations["editAppointment"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/appointments/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
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
        patch: operations["cancelAppointment"];
        trace?: never;
    };
    "/v1/attachment_links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
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
        post: operations["createAttachmentLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch_message": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listBatchMessages"];
        put?: never;
        /**
         * Create a Batch Message
         * @description Creates one message (SMS, email or NHS App) addressed to a list of
         *     patients, each named by NHS number and date of birth. The batch starts
         *     with status `CREATED`; sending it is a separate call (Send a Batch
         *     Message).
         */
        post: operations["createBatchMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch_message/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a Batch Message
         * @description Returns one batch message. Hero's docs show only a response sample,
         *     with the same fields as Create a Batch Message's response, so the
         *     shared `BatchMessage` schema is used; which fields are always present
         *     here is not documented. Hero's title for this operation was not seen.
         */
        get: operations["getBatchMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch_message/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Batch Message Sends
         * @description Lists the individual messages sent for a batch, a page at a time. Hero's
         *     docs show only the request (method, path and query parameters); the
         *     response is not documented. The title "List Batch Message Sends" is
         *     matched to this path by page order in Hero's sidebar, which is likely
         *     but not certain.
         */
        get: operations["listBatchMessageSends"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch_message/{id}/recipients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Batch Message Recipients
         * @description Lists the recipients of a batch message, a page at a time. Hero's docs
         *     show the query parameters and a sample body in the usual `{data,
         *     count}` envelope, but the sample's items are empty, so the fields of
         *     a recipient are unknown. Hero's title for this operation was not seen.
         */
        get: operations["listBatchMessageRecipients"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch_message/{id}/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Send a Batch Message
         * @description Starts sending a batch message created earlier. Only the method and
         *     path of this operation were seen in Hero's docs: its title, whether it
         *     takes a request body, and its response are unknown, and the purpose is
         *     inferred from the path.
         */
        patch: operations["sendBatchMessage"];
        trace?: never;
    };
    "/v1/booking_links/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getBookingLink"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
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
        patch: operations["updateBookingLink"];
        trace?: never;
    };
    "/v1/episodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listEpisodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Episode
         * @description Returns one episode with its assignees and its tasks, each task with its patient.
         *
         *     Hero's field list is cut off inside `tasks[].patient`, so episodes and their tasks may
         *     carry more fields than shown.
         */
        get: operations["getEpisode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update an Episode
         * @description Changes an episode's status, priority or assignees.
         *
         *     Hero's docs show only a request sample for this operation (its title was not fully
         *     visible): the body fields come from that sample, with the status, priority and
         *     assignee-type values of the episode object; field requiredness, whether the body is
         *     required and the response body are not documented.
         */
        patch: operations["updateEpisode"];
        trace?: never;
    };
    "/v1/form_response/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getFormResponse"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/forms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Forms
         * @description Lists the practice group's forms, optionally filtered by a search term, by whether they
         *     are reply forms, or by form type.
         *
         *     Hero's title for this operation was not visible, and its docs do not say which fields
         *     `search` matches or whether the list is paginated.
         */
        get: operations["listForms"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/forms/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Form
         * @description Returns one form with its fields (questions).
         *
         *     Hero's title for this operation was not visible, and its field list is cut off inside
         *     `fields`: form fields may carry more properties than the two shown.
         */
        get: operations["getForm"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoicing/coupons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Coupons
         * @description Lists the Stripe coupons of the practice group, for use as `coupons` on an invoice.
         */
        get: operations["listCoupons"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoicing/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Customers
         * @description Searches the Stripe customers of the practice group. Hero's docs do not say which customer fields `query` is matched against.
         */
        get: operations["listCustomers"];
        put?: never;
        /**
         * Create Customer
         * @description Creates a Stripe customer for the practice group. The sub-fields of
         *     `sources` come only from Hero's request sample. Only the first field
         *     of the response sample (`id`) was visible, so the rest of the
         *     response is unknown.
         */
        post: operations["createCustomer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoicing/customers/default": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Default Customer
         * @description Returns the Stripe customer used by default for a patient's invoices
         *     (see `set_default_customer` on Create Invoice). Hero's docs show only a
         *     request and a response sample: whether `patient_id` is required, what
         *     happens when the patient has no default customer, and which response
         *     fields are always present are unknown.
         */
        get: operations["getDefaultCustomer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoicing/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
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
        post: operations["createInvoice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invoicing/invoices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
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
        patch: operations["updateInvoice"];
        trace?: never;
    };
    "/v1/invoicing/invoices/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link Invoice to Appointment
         * @description Links an existing Stripe invoice to an appointment. Hero's docs show
         *     only a request sample and the start of a response sample (the same
         *     fields as Create Invoice's response), so which request fields are
         *     required is unknown, and the success status is assumed to be 200 as
         *     for Hero's other operations (it was not visible).
         */
        post: operations["linkInvoice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/links/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getLinkStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/locations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listLocations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Practice Group
         * @description Returns the practice group the call acts for (the one in `x-practice-group-id`).
         *
         *     Hero's docs give only the method, path and summary of this operation: the response
         *     body is not documented.
         */
        get: operations["getPracticeGroupById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update a Practice Group
         * @description Changes settings of the practice group the call acts for: its name, address and
         *     prescription-partner settings.
         *
         *     The body fields come from Hero's request sample only, which is cut off inside
         *     `address`: which fields are required, whether the body itself is required, and the
         *     response body are not documented.
         */
        patch: operations["updatePracticeGroup"];
        trace?: never;
    };
    "/v1/me/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Practice Group Capabilities
         * @description Returns the capabilities enabled for the practice group (for example SMS messaging).
         *
         *     Hero's docs show only a response sample for this operation: field requiredness and the
         *     full list of capability names are unknown.
         */
        get: operations["getCapabilities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Practice Group Configuration
         * @description Returns the configuration settings of the practice group the call acts for.
         *
         *     Hero's docs give only the method, path and summary of this operation: the response
         *     body is not documented.
         */
        get: operations["getConfiguration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/elements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Practice Group Elements
         * @description Lists the Hero Elements (embeddable UI components) enabled for the practice group,
         *     with each one's version and configuration.
         *
         *     Hero's title for this operation was not fully visible, and its response sample was cut
         *     off; the shapes of `config` and `element` are not documented.
         */
        get: operations["listPracticeGroupElements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
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
        post: operations["sendMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
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
        post: operations["createEpisodeNote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/partners/heidi/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a Heidi token
         * @description Issues a token for the Heidi partner integration, for the authenticated admin and practice
         *     group, with its expiry time.
         *
         *     Hero's docs do not say how the admin is identified when calling with an API key, nor how
         *     long the token lives beyond `expiration_time`; the operation title is unconfirmed.
         */
        get: operations["getHeidiToken"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List patients
         * @description Retrieves a list of all patients (Hero's newer wording), narrowed by a search term matched
         *     against one patient field (`field` names the field, `search` gives the term).
         *
         *     Hero's page for this call (`/openapi/patients/listpatients`) survives only in part: a request
         *     sample (`?field=emis_id&search=string`) and a response sample `{"data": [ {…} ], "count": 0}`
         *     whose items are collapsed. The accepted `field` values, whether the parameters are required,
         *     any pagination parameters and the fields of each listed patient are unknown. For structured
         *     search with documented fields see List Patients (v3).
         */
        get: operations["listPatients"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getPatientById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/{id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listPatientAttachments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/{id}/ehr/candidates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listPatientEhrCandidates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/{id}/ehr/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Connect a patient to the EHR
         * @description Links a Hero patient to a patient record in the practice's EHR.
         *
         *     Known only from a request sample showing `ehr_partner_id`; whether it is required, any other
         *     request fields and the success body are not documented.
         */
        post: operations["connectPatientEhr"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/{id}/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Merge two patients
         * @description Merges the patient in the path with another patient (`patient_id`), using the token from
         *     Preview Patient Merging.
         *
         *     Which of the two records survives the merge and the success body are not documented; that
         *     `merge_token` comes from the preview call is inferred from the operation summaries.
         */
        post: operations["mergePatient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/{id}/merge/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Preview merging two patients
         * @description Shows what merging the patient in the path with another patient (`patient_id`) would do,
         *     and issues the merge token that Merge Patients requires.
         *
         *     Known only from a request sample showing `patient_id`; whether it is required, other
         *     request fields and the response (including the name of the field carrying the merge
         *     token) are not documented.
         */
        post: operations["previewPatientMerge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
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
        post: operations["registerPatient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/patients/register_pds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
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
        post: operations["registerPatientPds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pharmacies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create Pharmacy
         * @description Saves a pharmacy for a prescriber.
         */
        post: operations["createPharmacy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/practitioners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listPractitioners"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/practitioners/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Practitioner
         * @description Returns one practitioner of the practice group.
         *
         *     Hero's docs give only the method and path of this operation (its title was not fully
         *     visible): the response body is not documented.
         */
        get: operations["getPractitioner"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/prescriber/{id}/pharmacies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Prescriber's Pharmacies List
         * @description Lists the pharmacies saved for a prescriber. `id` is the prescriber's ID.
         */
        get: operations["listPrescriberPharmacies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/slots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listSlots"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/slots/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a Slot
         * @description Returns one bookable slot: who it is with, where, for which appointment type,
         *     and when it starts and finishes.
         *
         *     Hero's docs show only a curl sample and a response sample for this operation
         *     (its title is inferred): field requiredness is unknown.
         */
        get: operations["getSlot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/slots/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count Bookable Slots
         * @description Counts the bookable slots matching the filters (appointment type, location,
         *     practitioner, date range).
         *
         *     Hero's docs show only a curl sample for this operation: parameter requiredness
         *     and formats are unknown and the response is not documented.
         */
        get: operations["countSlots"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/snomed/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Validate a SNOMED code
         * @description Checks a SNOMED CT code (presumably before writing a message to the patient's record with
         *     a code).
         *
         *     Known only from a curl sample shown just before List Templates in Hero's Messages section
         *     (`POST /v1/snomed/validate` with the body `{"code": "string"}`). Hero's title for it was not
         *     seen (the summary is inferred from the path), the tag is inferred from its place in the
         *     sidebar (Hero's empty Utilities tag is the other candidate), whether `code` is required is
         *     not shown, and the response is not documented.
         */
        post: operations["validateSnomedCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update a task
         * @description Changes a task's status, priority or assignee (an admin or an admin team). Send only
         *     the fields to change.
         *
         *     Hero's title for this operation was not fully visible.
         */
        patch: operations["updateTask"];
        trace?: never;
    };
    "/v1/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Templates
         * @description Lists the practice group's message templates.
         *
         *     Known only from a curl sample (`GET /v1/templates?has_follow_up=true`) on Hero's pages for
         *     this operation and the one after it: the parameter's meaning and requiredness, any other
         *     filters and the response are not documented, so the body is an open object.
         */
        get: operations["listTemplates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listWebhooks"];
        put?: never;
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
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/automated_messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Automated Messages
         * @description Lists the automated messages Hero sends on the practice's behalf, filtered by
         *     recipient, status and notification type.
         *
         *     Hero's docs show only a curl sample for this operation: its title is inferred from its
         *     place in the sidebar, parameter requiredness and allowed values are unknown, and the
         *     response is not documented. The sample sits on a Booking page, but Hero files Get
         *     Automated Message under Messages (`/openapi/messages/getautomatedmessage`), so the
         *     automated-message operations are tagged Messages here.
         */
        get: operations["listAutomatedMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/automated_messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Automated Message
         * @description Returns one automated message (see List Automated Messages).
         *
         *     Known only from Hero's page for this operation (`/openapi/messages/getautomatedmessage`),
         *     whose archived copy shows the path and the start of a GET curl sample: the response is not
         *     documented, so the body is an open object.
         */
        get: operations["getAutomatedMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/patients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listPatientsV2"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/patients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getPatientByIdV2"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["getTaskV2"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v3/patients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
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
        get: operations["listPatientsV3"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
/** The spec's reusable parts: `components['schemas']['Patient']` and the other schemas, parameters, responses and headers. */
export interface components {
    schemas: {
        /** @description A short-lived JWT for Hero Elements. It expires 30 minutes after issue. */
        AccessToken: {
            /** @description The JWT, passed as the `jwt-token` attribute of an Element. */
            access_token: string;
        };
        /** @description A member of practice staff who uses Hero. */
        Admin: {
            email: string;
            /** @description The admin's id at the external prescribing partner, if set. */
            external_prescriber_id: string | null;
            first_name: string;
            /** @description Admin id. */
            id: string;
            last_name: string;
            /** @description Prescriber details, if set. */
            prescriber_details?: components["schemas"]["AdminPrescriberDetails"] | null;
        };
        /**
         * @description Details of an admin as a prescriber. The sub-fields are known only from Hero's Update
         *     an Admin request sample (marked unsure); the object may hold others.
         */
        AdminPrescriberDetails: {
            /**
             * Format: email
             * @description Prescriber's email address.
             */
            email?: string;
            /** @description Prescriber's name. */
            name?: string;
            /** @description Prescriber's professional registration code. */
            registration_code?: string;
        };
        /** @description Prescriber settings to change on an admin. Send `null` to clear a field. */
        AdminUpdate: {
            /** @description The admin's id at the external prescribing partner. */
            external_prescriber_id?: string | null;
            /** @description Prescriber details. */
            prescriber_details?: components["schemas"]["AdminPrescriberDetails"] | null;
        };
        /** @description Result of updating an admin. */
        AdminUpdateResult: {
            /** @description Id of the updated admin. */
            admin_id: string;
        };
        /**
         * @description An appointment: a reservation made with Create an Appointment (held until
         *     `reserved_until`) or, once booked, a confirmed booking (`booking_confirmed_at`
         *     set).
         */
        Appointment: {
            appointment_type_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description When the booking was confirmed; null while it is only a reservation.
             */
            booking_confirmed_at?: string | null;
            /**
             * @description Whether the appointment can still be cancelled (the practice's cancellation policy may forbid it close to the start time).
             * @default false
             */
            can_be_cancelled?: boolean;
            /**
             * @description Whether the appointment can still be rescheduled.
             * @default false
             */
            can_be_rescheduled?: boolean;
            /** @description The practice's cancellation-policy window in hours before the start time (Hero's product docs give 24 as the default for new practices). */
            cancellation_policy_hours?: number;
            /** @description Length of the appointment. The unit is not stated (presumably minutes). */
            duration?: number;
            id: components["schemas"]["Id"];
            /**
             * @description Held in person.
             * @default false
             */
            in_person?: boolean;
            /** @description Not described by Hero (presumably the booking link the appointment was made through). */
            link_id?: string | null;
            location_id: components["schemas"]["Id"];
            /** @description The patient the appointment is for. May be null; Hero does not say when. */
            patient_id?: string | null;
            practitioner_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description When the hold on a reserved (not yet booked) appointment ends.
             */
            reserved_until?: string | null;
            /**
             * Format: date-time
             * @description When the appointment starts.
             */
            start_time: string | null;
            /**
             * @description Whether Hero's emails to the patient about this appointment are suppressed.
             * @default false
             */
            suppress_mail?: boolean;
            /**
             * @description Held by telephone.
             * @default false
             */
            telephone?: boolean;
            /**
             * @description Held by video.
             * @default false
             */
            video?: boolean;
            /** @description Link to the video consultation. Seen only in the newest version of Hero's response sample (unsure). */
            video_url?: string;
        };
        /** @description Body of Cancel an Appointment, as seen in Hero's curl sample only; requiredness is unknown. */
        AppointmentCancelRequest: {
            /** @description Not described by Hero; presumably cancels even inside the practice's cancellation-policy window. */
            suppress_cancellation_policy?: boolean;
            /** @description Do not send Hero's cancellation email to the patient. */
            suppress_mail?: boolean;
        };
        /** @description Body of Create an Appointment. */
        AppointmentCreateRequest: {
            /** @description Appointment type to book (see List Appointment Types). */
            appointment_type_id: string;
            /** @description Who pays for the appointment (private practices). Not described further by Hero. */
            billpayer_id?: string;
            /** @description Length of the appointment. The unit is not stated (presumably minutes). */
            duration: number;
            /** @description Location of the appointment. */
            location_id: string;
            /** @description The patient the appointment is for. */
            patient_id?: string;
            /** @description Practitioner the appointment is with. */
            practitioner_id: string;
            /** @description Reason for the appointment. */
            reason?: string;
            /**
             * Format: date-time
             * @description When the appointment starts. Hero's reference describes this field as
             *     "ISO 8601 date format" with a date-only sample ("1989-04-11") and states no
             *     format; the same field is a date-time on the appointment and on slots, so a
             *     full date-time is expected here (unconfirmed). Required, yet null is allowed.
             */
            start_time: string | null;
            /** @description Skip Hero's check that the slot is free. */
            suppress_availability_check?: boolean;
            /** @description Do not send Hero's email to the patient. */
            suppress_mail?: boolean;
        };
        /** @description Body of Edit an Appointment. Only appointments that are not confirmed can be edited. */
        AppointmentEditRequest: {
            /** @description New length. The unit is not stated (presumably minutes). */
            duration: number;
            practitioner_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description New start time. Hero's reference types it date-time but describes it as
             *     "ISO 8601 date format" with a date-only sample ("1989-04-11"); a full
             *     date-time is expected, as on the appointment itself (unconfirmed). Required,
             *     yet null is allowed.
             */
            start_time: string | null;
            /** @description Skip Hero's check that the new time is free. */
            suppress_availability_check?: boolean;
            /** @description Do not send Hero's email to the patient. */
            suppress_mail?: boolean;
        };
        /** @description Response of Create an Appointment. Fetch the full record with Get an Appointment. */
        AppointmentReservation: {
            /** @description ID of the new appointment (reservation). */
            id: string;
            /**
             * Format: date-time
             * @description When the hold on the slot ends. Hero states no format for it here; it is typed date-time on the appointment itself.
             */
            reserved_until: string | null;
        };
        /**
         * @description A kind of appointment the practice group offers (e.g. a GP telephone consultation),
         *     with its duration, price, channels and next availability. Its `id` is what slot and
         *     appointment operations take as `appointment_type_id`.
         */
        AppointmentType: {
            /** @description Whether an invoice is required when staff book this appointment type. */
            admin_booking_invoice_required?: boolean;
            /** @description Id of the admin or admin team the appointment type is assigned to. Seen only in the newest crawl of Hero's docs (marked required there); kept optional here. */
            assignee_id?: string | null;
            /**
             * @description Whether `assignee_id` is an admin or an admin team. Seen only in the newest crawl of Hero's docs (marked required there); kept optional here.
             * @enum {string|null}
             */
            assignee_type?: "Admin" | "AdminTeam" | null;
            /** @description Length of the appointment. The unit (probably minutes) is not documented. */
            duration: number;
            /** @description Id of the form attached to this appointment type, if any. */
            form_id: string | null;
            /** @description Appointment type id. */
            id: string;
            /**
             * @description Offered in person.
             * @default false
             */
            in_person?: boolean;
            /** @description Name shown to practice staff. */
            name: string;
            /**
             * Format: date-time
             * @description Start of the next bookable slot, or null when there is none.
             */
            next_available_at: string | null;
            /** @description Name of the matching slot type for partners. Hero does not describe it further. */
            partner_slot_name: string;
            /**
             * @description Kind of practitioner who sees the patient. Values seen in Hero's docs: `GP`, `Nurse`,
             *     `Psychologist`, `Radiologist`, `Psychiatrist`, `Health and Exercise Consultant`,
             *     `Personal Trainer`, `Cognitive Behavioural Therapist`, `GP – Dermatology Specialist`,
             *     `Rheumatologist`. That list may be cut off, so other values are accepted.
             * @example GP
             * @example Nurse
             */
            practitioner_type: string;
            /** @description Price of the appointment. The unit (pounds or pence) is not documented. */
            price: number;
            /**
             * @description Whether the appointment is NHS-funded or paid (private).
             * @enum {string}
             */
            sector?: "nhs" | "paid";
            /** @description Number of available slots. The period it covers is not documented. */
            slot_count: number;
            /**
             * @description Offered by telephone.
             * @default false
             */
            telephone?: boolean;
            /** @description Whether bookings use slots marked as bookable by partners. Hero does not describe it further. */
            use_partner_bookable_slots: boolean;
            /**
             * @description Offered as a video consultation.
             * @default false
             */
            video?: boolean;
        };
        /** @description Response of Create an Attachment Link, from Hero's sample; requiredness is unknown. */
        AttachmentLink: {
            /** @description The URL to send to the patient. */
            attachment_link?: string;
            /** @description Identifier of the shared attachment. */
            attachment_uuid?: string;
        };
        /** @description Body of Create an Attachment Link, from Hero's sample; requiredness is unknown. */
        AttachmentLinkCreateRequest: {
            /** @description ID of a file in the patient's record, from List Patient EHR Attachments. If omitted, `file_data` must be given. */
            ehr_file_id?: string;
            /** @description When the link stops working. Hero's sample shows a date ("1989-04-11"); no format is stated. */
            expiry_date?: string;
            /** @description Contents of a file to share instead of an EHR file. The encoding is not documented (presumably base64). */
            file_data?: string;
            /** @description Name of the file given in `file_data`. */
            file_name?: string;
            /** @description How many times the link can be used. */
            maximum_use_count?: number;
            /** @description The patient the file is shared with. */
            patient_id?: string;
        };
        /** @description A batch message. */
        BatchMessage: {
            channel: components["schemas"]["BatchMessageChannel"];
            /** @description Text of the message. */
            content: string;
            /** @description ID of the batch. */
            id: string;
            /** @description Name of the batch. */
            name: string;
            status: components["schemas"]["BatchMessageStatus"];
            /** @description Subject line (email batches). */
            subject?: string;
        };
        /**
         * @description Channel of a batch message.
         * @enum {string}
         */
        BatchMessageChannel: "SMS" | "EMAIL" | "NHS_APP";
        /** @description Body of Create a Batch Message. */
        BatchMessageCreateRequest: {
            channel: components["schemas"]["BatchMessageChannel"];
            /** @description Text of the message. */
            content: string;
            /** @description Name of the batch. */
            name: string;
            /** @description Patients to send to. */
            recipients: components["schemas"]["BatchMessageRecipientInput"][];
            /** @description Subject line. Required when `channel` is `EMAIL`. */
            subject?: string;
        };
        /** @description One recipient of a batch message. Hero's sample shows an empty object, so its fields are unknown. */
        BatchMessageRecipient: {
            [key: string]: unknown;
        };
        /** @description A patient to include in a batch, named by NHS number and date of birth. Hero's reference types `recipients` items as a choice (oneOf) of shapes, but only this one was visible; other accepted shapes are unknown. */
        BatchMessageRecipientInput: {
            /**
             * Format: date-time
             * @description Date of birth. Hero's reference types it as a date-time (sample `2019-08-24T14:15:22Z`) and lets it be null, unlike other operations that take `dob` as a date (`1992-01-01`).
             */
            dob: string | null;
            /** @description NHS number of the patient. Hero's docs give no format for it in this operation. */
            nhs_number: string;
        };
        /**
         * @description Progress of a batch message.
         * @enum {string}
         */
        BatchMessageStatus: "CREATED" | "PENDING" | "SENDING" | "COMPLETED";
        /** @description A link a patient opens to book an appointment themselves. Known from a response sample only; requiredness is unknown. */
        BookingLink: {
            active?: boolean;
            /**
             * Format: date-time
             * @description When the link stops working.
             */
            expiry_date?: string;
            id?: string;
            /** @description How many bookings the link allows. */
            maximum_uses?: number;
            meta?: components["schemas"]["BookingLinkMeta"];
            /** @description How many times it has been used. */
            number_of_uses?: number;
            /** @description How many times it has been opened. */
            open_count?: number;
            practice_group_id?: string;
            /** @description The URL to send to the patient (short links look like `https://bookings.herohealth.net/s/abc123`). */
            short_link?: string;
            /** @description Whether the link can be used any number of times. */
            unlimited_use?: boolean;
        };
        /**
         * @description The booking options the link offers. Hero's sample is cut off after
         *     `location_id` inside a further key starting `pr…` (presumably
         *     `practitioner_id`), so the object is left open.
         */
        BookingLinkMeta: {
            /** @description Appointment types offered. Item type not documented (presumably ID strings). */
            appointment_type_id?: unknown[];
            /** @description Locations offered. Item type not documented (presumably ID strings). */
            location_id?: unknown[];
        } & {
            [key: string]: unknown;
        };
        /**
         * @description Body of Update a Booking Link. Hero's sample is cut off after
         *     `practitioner_id`; the reference also describes two date fields ("show only
         *     slots available after this date" and "before this date", sample "1989-04-11")
         *     whose names are not visible (probably `from_date` and `to_date`, as in the
         *     older booking-link guide), so the object is left open. Requiredness unknown.
         */
        BookingLinkUpdateRequest: {
            /** @description Appointment type the link offers. */
            appointment_type_id?: string;
            /** @description Location the link offers. */
            location_id?: string;
            /** @description Practitioner the link offers. */
            practitioner_id?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description Capabilities enabled for the practice group. Only a sample was documented. */
        Capabilities: {
            /** @description Capability names, e.g. `sms_messaging`. The full list of names is not documented. */
            capabilities?: string[];
        };
        /** @description A Stripe coupon of the practice group. */
        Coupon: {
            /** @description Fixed discount. Hero's docs do not give the unit. */
            amount_off?: number;
            /** @description Restrictions on what the coupon applies to. Its fields are not documented. */
            applies_to?: {
                [key: string]: unknown;
            };
            /** @description Stripe coupon ID. */
            id: string;
            /** @description Display name. */
            name: string;
            /** @description Percentage discount. */
            percent_off?: number;
        };
        /** @description A Stripe customer of the practice group. */
        Customer: {
            /** Format: email */
            email?: string;
            /** @description Stripe customer ID. */
            id: string;
            name: string;
            phone?: string;
            sources?: components["schemas"]["CustomerSources"];
        };
        /** @description Body of Create Customer. */
        CustomerCreateRequest: {
            /** Format: email */
            email?: string;
            name: string;
            phone?: string;
            sources?: components["schemas"]["CustomerSources"];
        };
        /** @description A saved payment source (e.g. a card) of a customer. Fields come from Hero's Create Customer request sample only and are all optional. */
        CustomerSource: {
            brand?: string;
            exp_month?: number;
            exp_year?: number;
            fingerprint?: string;
            id?: string;
            last4?: string;
            /**
             * @description Kind of source; the sample shows `card`.
             * @example card
             */
            type?: string;
        };
        /** @description A customer's payment sources. Hero's reference types this as "array of objects or object"; the shape of the object form is not documented. */
        CustomerSources: components["schemas"]["CustomerSource"][] | {
            [key: string]: unknown;
        };
        /** @description A patient record in the practice's EHR that may match a Hero patient (List EHR Candidates). */
        EhrPatientCandidate: components["schemas"]["PatientV2Base"];
        /**
         * @description An episode of care: a group of tasks about one patient with a shared status, priority
         *     and assignees. Get Episode's field list is cut off inside `tasks`; List Episodes also
         *     shows (and requires) `patient`.
         */
        Episode: {
            /** @default [] */
            assignees?: components["schemas"]["EpisodeAssignee"][];
            /** @description Episode id. */
            id: string;
            /** @description The patient the episode is about, if any. Shown on List Episodes. */
            patient?: components["schemas"]["TaskPatient"] | null;
            priority: components["schemas"]["TaskPriority"];
            status: components["schemas"]["TaskStatus"];
            /** @default [] */
            tasks?: components["schemas"]["EpisodeTask"][];
        };
        /** @description Someone an episode is assigned to. */
        EpisodeAssignee: {
            /** @description Name of the admin or admin team. */
            name: string | null;
            type: components["schemas"]["EpisodeAssigneeType"] | null;
        };
        /**
         * @description Kind of assignee of an episode.
         * @enum {string}
         */
        EpisodeAssigneeType: "Admin" | "AdminTeam" | "Unassigned";
        /** @description An assignee in an Update an Episode request. Known only from Hero's request sample. */
        EpisodeAssigneeUpdate: {
            /** @description Id of the admin or admin team. */
            id?: string;
            /** @description Name of the admin or admin team. */
            name?: string;
            type?: components["schemas"]["EpisodeAssigneeType"];
        };
        /** @description A task within an episode, as shown by Get Episode. Hero's field list is cut off inside `patient`. */
        EpisodeTask: {
            /** @description Category of the task. The possible values are not documented. */
            category: string;
            /** @description Free-text details, if any. */
            details?: string | null;
            /** @description The patient the task is about. */
            patient: WithRequired<components["schemas"]["TaskPatient"], "sex" | "full_name" | "contact_emails" | "registered_practitioner_name" | "notes" | "membership_scheme_names" | "address">;
            /** @description Human-readable kind of task. */
            type_label: string;
        };
        /**
         * @description Episode fields to change. Known only from Hero's request sample; the allowed values
         *     are assumed to be those of the episode object.
         */
        EpisodeUpdate: {
            /** @description The episode's new assignees. */
            assignees?: components["schemas"]["EpisodeAssigneeUpdate"][];
            priority?: components["schemas"]["TaskPriority"];
            status?: components["schemas"]["TaskStatus"];
        };
        /** @description A form with its fields, as returned by Get Form. Hero's field list is cut off inside `fields`. */
        Form: {
            /** @description Description shown to practice staff. */
            description: string;
            /** @description The form's questions. */
            fields: components["schemas"]["FormField"][];
            form_type: components["schemas"]["FormType"];
            /** @description Form id. */
            id: string;
            /** @description Description shown to the patient, if different. */
            patient_description: string | null;
            /** @description Title shown to the patient, if different. */
            patient_title: string | null;
            /** @description SNOMED CT code recorded with responses, if any. */
            snomed_code: string | null;
            /** @description Title shown to practice staff. */
            title: string;
        };
        /** @description One question of a form. Hero's list of its properties is cut off after `name`. */
        FormField: {
            /** @description Id of the question. */
            form_question_id: string;
            /** @description Name of the question. */
            name: string;
        };
        /**
         * @description A patient's response to a form. Known only from a response sample: types follow the
         *     sample (ids are numbers there); requiredness and nullability are unknown.
         */
        FormResponse: {
            /** @description Id of the admin related to the response. Hero does not describe it further. */
            admin_id?: number;
            /** @description Id of the related appointment. */
            appointment_id?: number;
            /** @description Id of the patient who answered (Hero calls patients clients here). */
            client_id?: number;
            /**
             * Format: date-time
             * @description When the response was submitted.
             */
            created_at?: string;
            /** @description When the response was written to the patient's EMIS record. Hero's sample does not show its format. */
            emis_file_record_at?: string;
            /** @description Id of the form answered. */
            form_id?: number;
            /** @description Whether the response is hidden. Hero does not describe it further. */
            hidden?: boolean;
            /** @description Form response id. */
            id?: number;
            /** @description Id of the related invoice. */
            invoice_id?: number;
            /** @description Id of the practice group. */
            practice_group_id?: number;
            /** @description Id of the short link the response came through. */
            short_link_id?: number;
            /** @description When the response was last changed. Hero's sample does not show its format. */
            updated_at?: string;
            /** @description Error from writing the response to the patient's record. */
            write_to_record_error?: string;
        };
        /** @description A form as listed by List Forms. */
        FormSummary: {
            /** @description Description shown to practice staff. */
            description: string;
            form_type: components["schemas"]["FormType"];
            /** @description Form id. */
            id: string;
            /** @description Description shown to the patient, if different. */
            patient_description: string | null;
            /** @description Title shown to the patient, if different. */
            patient_title: string | null;
            /** @description Whether this is a reply form. Hero does not describe it further. */
            reply_form: boolean;
            /** @description SNOMED CT code recorded with responses, if any. */
            snomed_code: string | null;
            /** @description Title shown to practice staff. */
            title: string;
        };
        /**
         * @description Kind of form.
         * @enum {string}
         */
        FormType: "questionnaire" | "response" | "appointment" | "care_navigation";
        /** @description A token for the Heidi partner integration. */
        HeidiToken: {
            /**
             * Format: date-time
             * @description When the token expires.
             */
            expiration_time: string;
            /** @description The token. Treat it as a secret. */
            token: string;
        };
        /**
         * @description Hero identifiers are strings of digits.
         * @example 12345
         */
        Id: string;
        /** @description An invoice. Returned by Create Invoice (fields documented) and Link Invoice to Appointment (sample only). */
        Invoice: {
            /** @description Amount still to pay. The unit is not documented. */
            amount_due?: number;
            /** @description Appointment the invoice is linked to. */
            appointment_id?: string | null;
            /** @description Creation time. Hero's docs give no format. */
            created_at?: string;
            /** @description Stripe customer billed. */
            customer_id?: string | null;
            /** @description Hero ID of the invoice. */
            id?: string | null;
            /** @description Patient the invoice belongs to. */
            patient_record_id?: string | null;
            /** @description Invoice status. Allowed values are not documented. */
            status?: string;
            /** @description Stripe ID of the invoice. */
            stripe_id: string;
            /** @description Subtotal. The unit is not documented. */
            subtotal?: number;
            /** @description Last update time. Hero's docs give no format. */
            updated_at?: string;
        };
        /** @description A coupon applied to an invoice (see List Coupons). */
        InvoiceCoupon: {
            /** @description Stripe coupon ID. */
            id: string;
            name?: string;
        };
        /** @description Fields of Create Invoice's body, before the rule that `patient_id` or `appointment_id` must be given. */
        InvoiceCreateFields: {
            /** @description Appointment being invoiced; Hero takes the patient from it. */
            appointment_id?: string;
            /** @description Insurer's authorisation code (not explained in Hero's docs). */
            authentication_code?: string;
            /** @enum {string} */
            collection_method?: "request_payment" | "charge_automatically";
            confidential?: boolean;
            coupons?: components["schemas"]["InvoiceCoupon"][];
            /** @description Stripe customer to bill. */
            customer_stripe_id?: string;
            diagnosis?: string;
            /** @description Payment due date. Hero's docs give no format. */
            due_date?: string;
            footer?: string;
            insurer?: string;
            invoice_items_attributes?: components["schemas"]["InvoiceItem"][];
            /** @description Admin ID of the person issuing the invoice. */
            issuer_id: string;
            /** @description Insurance membership number (not explained in Hero's docs). */
            membership_number?: string;
            memo?: string;
            /**
             * @description Leave the invoice as a draft or finalize it.
             * @enum {string}
             */
            mode?: "draft" | "finalize";
            /** @description Hero ID of the patient. Needed unless `appointment_id` is given. */
            patient_id?: string;
            payment_source?: string;
            practitioner_id?: string;
            /** @description Date of the service. Hero's docs give no format. */
            service_date?: string;
            /** @description Make `customer_stripe_id` the patient's default customer (see Get Default Customer). */
            set_default_customer?: boolean;
        };
        /** @description Body of Create Invoice. `patient_id` and `appointment_id` are each optional in Hero's field list, but Hero's description says one of them must be given; the `anyOf` states only that rule and declares no field of its own. The generated TypeScript type cannot express it (ajv and Prism enforce it). */
        InvoiceCreateRequest: components["schemas"]["InvoiceCreateFields"] & (unknown | unknown);
        /** @description A line of an invoice. Hero's docs list these fields without saying which combinations are valid; Stripe prices and products come from List Products, which is not documented. */
        InvoiceItem: {
            /** @description Not explained in Hero's docs. */
            create?: boolean;
            description?: string;
            /** @description Stripe price ID. */
            price?: string;
            /** @description Stripe product ID. */
            product?: string;
            quantity: number;
            /** @description Stripe ID of the item. Not explained in Hero's docs. */
            stripe_id?: string;
            /** @description Unit price as an integer. The unit is not documented (probably pence; compare `unit_amount_in_pounds`). */
            unit_amount?: number;
            /** @description Unit price in pounds. */
            unit_amount_in_pounds?: number;
        };
        /** @description Body of Link Invoice to Appointment, from Hero's request sample. Which fields are required is not documented. */
        InvoiceLinkRequest: {
            /** @description Hero ID of the appointment. */
            appointment_id?: string;
            /** @description Admin ID of the person linking the invoice. */
            issuer_id?: string;
            /** @description Stripe ID of the invoice to link. */
            stripe_invoice_id?: string;
        };
        /** @description Body of Update Invoice. Only the fields named in Hero's description are listed; the schema stays open because the full field list was not visible. */
        InvoiceUpdateRequest: {
            coupons?: components["schemas"]["InvoiceCoupon"][];
            footer?: string;
            /** @description Admin ID of the person updating the invoice. */
            issuer_id: string;
            memo?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description Status of a Hero link, from Hero's response sample; requiredness and the possible values are unknown. */
        LinkStatus: {
            /** @description Related records. Item shape not documented. */
            reference?: Record<string, never>[];
            /** @description Sample value `unused`; other values are not documented. */
            status?: string;
            /** @description Kind of link. Sample value `booking`; other values are not documented. */
            type?: string;
        };
        /** @description Hero's list envelope. Each list operation narrows `data` to its item schema. */
        ListEnvelope: {
            /** @description Number of items matching the query. */
            count: number;
            data: unknown[];
        };
        /** @description A single message, as returned by Get a Message. Hero's docs show only that it starts with `id` and a `patient` object; all other fields are unknown. */
        Message: {
            /** @description ID of the message. */
            id?: string;
            /** @description The patient the message was sent to. Only its `id` is documented. */
            patient?: {
                /** @description Hero ID of the patient. */
                id?: string;
            };
        };
        /**
         * @description Channel for a single message. Hero's newest reference allows
         *     `hero`, `sms`, `email` and `nhs_app`; the older reference listed
         *     only `hero`, `sms` and `email`, so `nhs_app` may be refused by
         *     deployments that predate it.
         * @enum {string}
         */
        MessageType: "hero" | "sms" | "email" | "nhs_app";
        /**
         * @description A note on an episode. Known only from a response sample that is cut off after
         *     `created_at`: types follow the sample (ids are numbers there); requiredness and
         *     nullability are unknown.
         */
        Note: {
            admin?: components["schemas"]["NoteAuthor"];
            /** @description When the note was archived. Hero's sample does not show its format or whether it can be null. */
            archived_at?: string;
            /** @description When the note was created. Hero's sample does not show its format. */
            created_at?: string;
            /** @description Text of the note. */
            description?: string;
            /** @description Note id. */
            id?: number;
            /** @description Id of the practice group. */
            practice_group_id?: number;
        };
        /** @description The admin who wrote a note, as embedded in the note. Ids are numbers in Hero's sample. */
        NoteAuthor: {
            first_name?: string;
            full_name?: string;
            /** @description Admin id. */
            id?: number;
            last_name?: string;
        };
        /** @description A note to add to an episode. Known only from Hero's request sample; requiredness is not documented. */
        NoteCreate: {
            /** @description Text of the note. */
            description?: string;
            /** @description Id of the episode to add the note to. */
            episode_id?: string;
        };
        /**
         * @description A patient as Hero holds it for the practice group (Get a Patient, v1). Every field except
         *     `id`, `dob`, `data_source` and `status` may be absent. Further fields may exist: Hero's
         *     example was cut off.
         */
        Patient: {
            address_line_1?: string | null;
            address_line_2?: string | null;
            address_line_3?: string | null;
            country?: string | null;
            county?: string | null;
            data_source: components["schemas"]["PatientDataSource"];
            /** Format: date-time */
            deceased_at?: string | null;
            /**
             * Format: date-time
             * @description Date of birth. Typed date-time in Hero's reference (other operations describe dob as a date).
             */
            dob: string | null;
            /** @description The patient's id in the practice's EHR. */
            ehr_partner_id?: string | null;
            email?: string | null;
            emails?: string[] | null;
            /** @description The patient's id in EMIS Web, when the practice uses EMIS. */
            emis_id?: string | null;
            first_name?: string | null;
            id: components["schemas"]["Id"];
            last_name?: string | null;
            /**
             * Format: date-time
             * @description When Hero last synchronised the record (meaning inferred from the name).
             */
            last_sync_at?: string | null;
            mobile?: string | null;
            nhs_number?: string | null;
            notes?: string | null;
            postcode?: string | null;
            /**
             * @description Not described in Hero's docs.
             * @default false
             */
            restricted?: boolean;
            sex?: components["schemas"]["PatientSex"] | null;
            /** Format: date-time */
            sex_changed_at?: string | null;
            /**
             * @description Whether the patient is archived in Hero.
             * @enum {string}
             */
            status: "archived" | "unarchived";
            /** @description Title; may be empty or null. */
            title?: components["schemas"]["PatientTitle"] | "" | null;
            town?: string | null;
            /** @description Another Hero identifier; its format is not documented. */
            uid?: string | null;
            /** @description Not described in Hero's docs. */
            verification_credentials?: string[] | null;
        };
        /**
         * @description System the patient record came from (`systm_one` is TPP SystmOne; `gha` is not explained in Hero's docs).
         * @enum {string}
         */
        PatientDataSource: "hero" | "emis" | "pds" | "gha" | "systm_one";
        /** @description Body of Connect a Patient to EHR, known only from a request sample. */
        PatientEhrConnectRequest: {
            /** @description The EHR patient to connect to, e.g. one from List EHR Candidates. Seen only in a request sample; requiredness unknown. */
            ehr_partner_id?: string;
        };
        /** @description One identifier of the patient (NHS number, EHR id, Hero id) and the system it belongs to. */
        PatientIdentifier: {
            /**
             * @description Display label of the issuing system.
             * @enum {string}
             */
            label: "NHS" | "GHA" | "EMIS" | "Hero" | "Systm One";
            /** @enum {string} */
            name: "nhs_number" | "gha_number" | "ehr_partner_id" | "hero_id" | "hero_uid";
            /** @enum {string} */
            role: "main" | "secondary";
            /** @enum {string} */
            source: "nhs" | "gha" | "ehr_partner" | "hero";
            value: string;
        };
        /** @description Body of Preview Patient Merging, known only from a request sample. */
        PatientMergePreviewRequest: {
            /** @description The other patient in the merge. Seen only in a request sample; requiredness unknown. */
            patient_id?: string;
        };
        /** @description Body of Merge Patients. */
        PatientMergeRequest: {
            /** @description Token issued by Preview Patient Merging (inferred; the field it comes from is not documented). */
            merge_token: string;
            /** @description The other patient in the merge. */
            patient_id: string;
        };
        /**
         * PatientRegistered
         * @description The patient is registered with Hero for this practice group. Pass `patient_id` to later messaging and booking calls.
         */
        PatientRegistered: {
            /**
             * @description Hero patient id. Hero ids are strings of digits, but the reference gives no pattern for this field.
             * @example 98765
             */
            patient_id: string;
        };
        /**
         * @description Sex as recorded for the patient.
         * @enum {string}
         */
        PatientSex: "Not known" | "Not specified" | "Male" | "Female" | "Other";
        /**
         * @description Title (honorific) as Hero stores it. Patient responses may also hold an empty string or null.
         * @enum {string}
         */
        PatientTitle: "Baron" | "Baroness" | "Brigadier" | "Count" | "Colonel" | "Countess" | "Captain" | "Dame" | "The Dowager Viscountess" | "Dr" | "Duchess" | "Duke" | "Earl" | "His Excellency" | "Father" | "H.E. Ambassador Mr" | "H.E. Mr" | "H.E. Mrs" | "Her Grace" | "His Grace" | "The Hon" | "The Hon Mr" | "The Hon Mrs" | "HRH" | "HRH Prince" | "HRH Princess" | "Insurance" | "HM King" | "Lady" | "Lord" | "Major" | "Master" | "Miss" | "Mr" | "Mrs" | "Ms" | "Mss" | "Mx" | "Pr" | "Professor" | "HM Queen" | "Rabbi" | "Reverend" | "Sheikh" | "Sheikha" | "Sir" | "The" | "Viscount" | "Viscountess";
        /** @description A patient as returned by Get a Patient (v2). Hero's field list stops after `ehr_registered`; further fields may exist. */
        PatientV2: components["schemas"]["PatientV2Base"] & {
            /** @description Whether the patient is registered in the practice's EHR; null when unknown (meaning of null not documented). */
            ehr_registered: boolean | null;
        };
        /**
         * @description Fields shared by Get a Patient (v2) and List EHR Candidates. Addresses use `line_1..3`
         *     (not v1's `address_line_1..3`) and identifiers are listed in `identifiers`.
         */
        PatientV2Base: {
            county?: string | null;
            data_source?: components["schemas"]["PatientDataSource"] | null;
            /** Format: date-time */
            deceased_at?: string | null;
            /**
             * Format: date-time
             * @description Date of birth. Typed date-time in Hero's reference (other operations describe dob as a date).
             */
            dob: string | null;
            /** @description The patient's id in the practice's EHR. */
            ehr_partner_id?: string | null;
            email?: string | null;
            /** @description The patient's id in EMIS Web, when the practice uses EMIS. */
            emis_id?: string | null;
            first_name?: string | null;
            /** @description The patient's Hero id, when the record is known to Hero. */
            hero_id?: string | null;
            hero_uid?: string | null;
            identifiers: components["schemas"]["PatientIdentifier"][];
            last_name?: string | null;
            /** Format: date-time */
            last_sync_at?: string | null;
            line_1?: string | null;
            line_2?: string | null;
            line_3?: string | null;
            mobile?: string | null;
            nhs_number?: string | null;
            postcode?: string | null;
            /**
             * @description Not described in Hero's docs.
             * @default false
             */
            restricted?: boolean;
            sex?: components["schemas"]["PatientSex"] | null;
            /** @description Title; may be empty or null. */
            title?: components["schemas"]["PatientTitle"] | "" | null;
            town?: string | null;
        };
        /** @description A patient as listed by List Patients (v3). Hero's field list stops after `sex`; further fields (probably as in Get a Patient (v2)) are not documented. */
        PatientV3: {
            /** @description Date of death. Its format is not documented for this operation (date-time elsewhere). */
            deceased_at?: string | null;
            /**
             * Format: date
             * @description Date of birth, an ISO 8601 date such as `1989-04-11`.
             */
            dob: string | null;
            /** @description The patient's id in the practice's EHR. */
            ehr_partner_id?: string | null;
            /** @description The patient's id in EMIS Web, when the practice uses EMIS. */
            emis_id?: string | null;
            first_name?: string | null;
            last_name?: string | null;
            /** @description ODS code of the patient's practice (meaning inferred from the name). */
            ods_code?: string | null;
            sex?: components["schemas"]["PatientSex"] | null;
            /** @description Title; may be empty or null. */
            title?: components["schemas"]["PatientTitle"] | "" | null;
        };
        /** @description One page of List Patients (v3). `count` was not visible in Hero's docs and is optional here. */
        PatientV3List: {
            /** @description Number of patients matching the filters (not confirmed for this operation). */
            count?: number;
            data: components["schemas"]["PatientV3"][];
        };
        /**
         * PatientVerificationRequired
         * @description Hero could not confirm the patient's identity from PDS alone. Send the patient to `login_url` to verify, then register again.
         */
        PatientVerificationRequired: {
            /**
             * Format: uri
             * @description Page where the patient verifies their identity.
             * @example https://patient.herohealth.net/verify/abc123
             */
            login_url: string;
            /**
             * @description Human-readable explanation.
             * @example Patient must verify their identity before proceeding
             */
            message: string;
        };
        /** @description A pharmacy saved for a prescriber. */
        Pharmacy: {
            /** @description Email address. Hero's docs give no format. */
            email: string;
            id: string;
            /** @description Mobile phone number. */
            mobile: string;
            name: string;
            prescriber_id: string;
        };
        /** @description Body of Create Pharmacy. */
        PharmacyCreateRequest: {
            /** @description Email address. Hero's docs give no format. */
            email: string;
            /** @description Mobile phone number. */
            mobile: string;
            name: string;
            /** @description ID of the prescriber. */
            prescriber_id: string;
        };
        /**
         * @description Postal address of the practice group. Hero's sample is cut off after `postcode`, at a
         *     further field whose name begins with "co" (probably `country`); that field is not
         *     listed here because its name was not visible.
         */
        PracticeGroupAddress: {
            county?: string;
            line_1?: string;
            line_2?: string;
            line_3?: string;
            postcode?: string;
            town?: string;
        };
        /** @description A Hero Element enabled for the practice group. */
        PracticeGroupElement: {
            /** @description The Element's configuration. Its fields are not documented. */
            config?: Record<string, never>;
            /** @description The Element itself. Its fields are not documented. */
            element?: Record<string, never> | null;
            /** @description Version of the Element in use, if pinned. */
            version: string | null;
        };
        /** @description Login for the prescription partner account. Treat the password as a secret. */
        PracticeGroupPrescriptionPartnerCredentials: {
            /** @description Account email address. */
            email?: string;
            /** @description Account password. */
            password?: string;
        };
        /**
         * @description Practice group settings to change. Fields come from Hero's request sample; which are
         *     required is not documented.
         */
        PracticeGroupUpdate: {
            address?: components["schemas"]["PracticeGroupAddress"];
            /** @description Name of the practice group. */
            name?: string;
            /**
             * @description Prescription partner to use. Hero's sample value is `signature_rx`; other values are not documented.
             * @example signature_rx
             */
            prescription_partner?: string;
            prescription_partner_credentials?: components["schemas"]["PracticeGroupPrescriptionPartnerCredentials"];
            /** @description Whether prescribing through a prescription partner is turned on. */
            prescription_partner_enabled?: boolean;
        };
        /**
         * RegisterPatientPdsByDemographics
         * @description Trace the patient on PDS by forename, surname, date of birth and postcode, when the NHS number is not known.
         */
        RegisterPatientPdsByDemographics: {
            /**
             * Format: date
             * @description Date of birth, `YYYY-MM-DD`. Required, and "string or null" in Hero's reference, which types it date-time but describes it as an ISO 8601 date and shows only dates. Hero does not say what `null` does; PDS cannot trace without a date of birth, so the SDK's `registerPds` rejects it before sending.
             * @example 1989-04-11
             */
            dob: string | null;
            /** @description Optional, non-empty. Listed in Hero's reference without a description. */
            ehr_partner?: string;
            /** @description Optional, non-empty. Listed without a description; elsewhere in the API `ehr_partner_id` is the patient's identifier in the practice's EHR. */
            ehr_partner_id?: string;
            /**
             * @description The patient's first name.
             * @example Jane
             */
            forename: string;
            /**
             * @description The patient's postcode.
             * @example LS1 4AP
             */
            postcode: string;
            /**
             * @description The patient's family name.
             * @example Smith
             */
            surname: string;
        };
        /**
         * RegisterPatientPdsByNhsNumber
         * @description Trace the patient on PDS by NHS number and date of birth.
         */
        RegisterPatientPdsByNhsNumber: {
            /**
             * Format: date
             * @description Date of birth, `YYYY-MM-DD`. Required, and "string or null" in Hero's reference, which types it date-time but describes it as an ISO 8601 date and shows only dates. Hero does not say what `null` does; PDS cannot trace without a date of birth, so the SDK's `registerPds` rejects it before sending.
             * @example 1992-01-01
             */
            dob: string | null;
            /** @description Optional, non-empty. Listed in Hero's reference without a description. */
            ehr_partner?: string;
            /** @description Optional, non-empty. Listed without a description; elsewhere in the API `ehr_partner_id` is the patient's identifier in the practice's EHR. */
            ehr_partner_id?: string;
            /**
             * @description The patient's 10-digit NHS number. Hero asks for a valid NHS number; its getting-started guide writes it with spaces (`123 456 7891`), so the spaced form is accepted as well as plain digits. Hero does not document a pattern.
             * @example 9000000009
             */
            nhs_number: string;
        };
        /** @description Body of Register a Patient using PDS. Send exactly one of the two forms. */
        RegisterPatientPdsRequest: components["schemas"]["RegisterPatientPdsByNhsNumber"] | components["schemas"]["RegisterPatientPdsByDemographics"];
        /** @description Success body of Register a Patient using PDS. Tell the two apart by `patient_id` (registered) or `login_url` (verification required). */
        RegisterPatientPdsResult: components["schemas"]["PatientRegistered"] | components["schemas"]["PatientVerificationRequired"];
        /** @description Body of Register a Patient (no PDS lookup). Fields as listed in Hero's older reference. */
        RegisterPatientRequest: {
            address_line_1?: string;
            address_line_2?: string;
            address_line_3?: string;
            country?: string;
            county?: string;
            /** @description Accepted values are not documented for this request. */
            data_source?: string;
            /**
             * @description Date of birth. Hero documents only a non-empty string; its other examples use `YYYY-MM-DD`.
             * @example 1992-01-01
             */
            dob: string;
            /** @description The patient's identifier in the practice's EHR. */
            ehr_partner_id?: string;
            email?: string;
            first_name: string;
            landline?: string;
            last_name: string;
            /** @description The patient's mobile number. */
            mobile: string;
            /** @description The patient's NHS number. Together with `dob` it decides whether an existing patient is updated. */
            nhs_number?: string;
            postcode?: string;
            sex?: components["schemas"]["PatientSex"];
            title?: components["schemas"]["PatientTitle"];
        };
        /** @description Body of Send a Message. */
        SendMessageRequest: {
            /** @description ID of the Admin or AdminTeam to assign (see `assignee_type`). Hero types it as a number, unlike most IDs. */
            assignee_id?: number;
            /**
             * @description Kind of assignee, `Admin` or `AdminTeam` per Hero's description (not declared as an enum).
             * @example Admin
             */
            assignee_type?: string;
            /** @description UUID of an attachment to include. Must not be empty when given (older reference). */
            attachment_uuid?: string;
            /**
             * @description Write to the record automatically. Honoured only when the API key has permission for it.
             * @default false
             */
            auto_write_to_record?: boolean;
            /**
             * @description Hero's reference types this as "boolean or any string" and does not explain its effect.
             * @default false
             */
            encrypted?: boolean | string;
            /** @description Contact detail for the fallback channel in `fallback_message_type`. Hero's docs list it without explaining when the fallback is used. */
            fallback_contact_detail?: string;
            /**
             * @description Fallback channel. Hero's docs list it without explaining when the fallback is used.
             * @enum {string}
             */
            fallback_message_type?: "sms" | "email";
            /** @description Text of the message. Must not be empty (older reference). */
            message_string: string;
            message_type: components["schemas"]["MessageType"];
            /** @description Hero ID of the patient. The digits-only pattern is shown in Hero's older reference. */
            patient_id: string;
            /** @description Where to send it (a phone number or email address). When omitted, Hero uses the contact detail on the patient's record for the chosen `message_type`. */
            recipient_contact_detail?: string;
            /** @description When to send the message, for a scheduled send. Hero's reference gives no format for this request field; the response types `send_at` as a date-time, so send an ISO 8601 UTC date-time such as `2024-03-15T14:00:00Z`. */
            send_at?: string;
            /** @description ID of a Hero short link to include. Must not be empty when given (older reference). */
            short_link_id?: string;
            /** @description SNOMED CT code to file the record entry under. */
            snomed_code?: string;
            /** @description SNOMED CT term matching `snomed_code`. */
            snomed_term?: string;
            /** @description ID of a related inbox task. */
            task_id?: string;
            /**
             * @description Write the message to the patient's record in the practice's clinical system.
             * @default false
             */
            write_to_record?: boolean;
        };
        /** @description Body of a successful Send a Message. Only `message_id`, `content` and `created_at` are in Hero's reference field list; the other properties come from the sample in Hero's messaging walkthrough and may not always be present. */
        SendMessageResponse: {
            /** @description Seen only in the walkthrough sample; its purpose is not documented. */
            auth_token?: string;
            /** @description Seen only in the walkthrough sample; presumably a URL for confirming the write to the record, but its use is not documented. */
            confirm_write_to_record_url?: string;
            /** @description Text of the message as sent. */
            content: string;
            /** @description When the message was created. Hero's reference gives no format; Hero's timestamps are ISO 8601 UTC. */
            created_at: string;
            /** @description ID of the message. */
            message_id: string;
            /**
             * Format: date-time
             * @description Scheduled send time. Seen only in the walkthrough sample.
             */
            send_at?: string;
            /** @description Seen only in the walkthrough sample. */
            snomed_code?: string;
            /** @description Seen only in the walkthrough sample; its content is not documented. */
            submitted_by?: string;
            /** @description Seen only in the walkthrough sample. */
            write_to_record?: boolean;
        };
        /** @description A bookable time period with a practitioner at a location, for one appointment type. Known from a response sample only; requiredness is unknown. */
        Slot: {
            appointment_type_id?: string;
            /** Format: date-time */
            finish_time?: string;
            id?: string;
            location_id?: string;
            practitioner_id?: string;
            /** Format: date-time */
            start_time?: string;
        };
        /** @description Body of Validate a SNOMED code. Hero's only sample is `{"code": "string"}`; whether `code` is required, and which other fields exist, is not shown. */
        SnomedValidateRequest: {
            /** @description The SNOMED CT code to check (a concept ID such as `38341003`). Format rules are not documented. */
            code?: string;
        };
        /** @description A task in the practice's inbox, as returned by Get Task. Hero's field list is cut off inside `patient`. */
        Task: {
            /** @description Category of the task. The possible values are not documented. */
            category: string;
            /** @description Free-text details, if any. */
            details?: string | null;
            /** @description Task id. */
            id: string;
            /** @description The patient the task is about. */
            patient: WithRequired<components["schemas"]["TaskPatient"], "id">;
            status: components["schemas"]["TaskStatus"];
            /** @description Human-readable kind of task. */
            type_label: string;
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
        TaskPatient: {
            address?: components["schemas"]["TaskPatientAddress"];
            /** @description Contact email addresses. The item type is not documented. */
            contact_emails?: unknown[] | null;
            /**
             * Format: date-time
             * @description Date of death, if any.
             */
            deceased_at?: string | null;
            /**
             * Format: date-time
             * @description Date of birth. Hero types it as a date-time here; no sample value is shown.
             */
            dob: string | null;
            /** @description The patient's id in the practice's clinical system (EHR), if linked. */
            ehr_partner_id?: string | null;
            email?: string | null;
            /** @description The patient's EMIS id, if any. */
            emis_id?: string | null;
            first_name?: string | null;
            full_name?: string;
            /** @description Hero patient id. Shown only on Get Task. */
            id?: string;
            last_name?: string | null;
            /** @description When the patient was last synchronised with the clinical system. Hero shows no format. */
            last_sync_at?: string | null;
            /** @description Names of the membership schemes the patient belongs to. The item type is not documented. */
            membership_scheme_names?: unknown[] | null;
            mobile?: string | null;
            /** @description NHS number, if known. */
            nhs_number?: string | null;
            /** @description Notes about the patient. */
            notes?: string | null;
            /** @description Name of the patient's registered practitioner, if known. */
            registered_practitioner_name?: string | null;
            /**
             * @description Sex, in lower case (unlike the Patients endpoints).
             * @enum {string}
             */
            sex?: "unspecified" | "male" | "female" | "other";
            /**
             * @description Title (honorific). Values as listed on List Episodes; the empty string means none.
             * @enum {string|null}
             */
            title?: "Baron" | "Baroness" | "Brigadier" | "Count" | "Colonel" | "Countess" | "Captain" | "Dame" | "The Dowager Viscountess" | "Dr" | "Duchess" | "Duke" | "Earl" | "His Excellency" | "Father" | "H.E. Ambassador Mr" | "H.E. Mr" | "H.E. Mrs" | "Her Grace" | "His Grace" | "The Hon" | "The Hon Mr" | "The Hon Mrs" | "HRH" | "HRH Prince" | "HRH Princess" | "Insurance" | "HM King" | "Lady" | "Lord" | "Major" | "Master" | "Miss" | "Mr" | "Mrs" | "Ms" | "Mss" | "Mx" | "Pr" | "Professor" | "HM Queen" | "Rabbi" | "Reverend" | "Sheikh" | "Sheikha" | "Sir" | "The" | "" | "Viscount" | "Viscountess" | null;
            /** @description Patient uid. Hero does not describe it further. */
            uid?: string | null;
        };
        /** @description Postal address of a patient embedded in a task or episode. */
        TaskPatientAddress: {
            country: string;
            county?: string | null;
            line1?: string | null;
            line2?: string | null;
            line3?: string | null;
            postcode: string;
            town: string;
        };
        /**
         * @description Priority of a task or an episode.
         * @enum {string}
         */
        TaskPriority: "lowest" | "low" | "medium" | "high" | "highest";
        /**
         * @description Status of a task or an episode.
         * @enum {string}
         */
        TaskStatus: "open" | "closed" | "in_progress";
        /** @description Task fields to change. All are optional. */
        TaskUpdate: {
            /** @description Id of the admin or admin team to assign the task to. */
            assignee_id?: string;
            /**
             * @description Whether `assignee_id` is an admin or an admin team. Note the snake-case values, unlike the `Admin` / `AdminTeam` used on episodes and appointment types.
             * @enum {string}
             */
            assignee_type?: "admin" | "admin_team";
            priority?: components["schemas"]["TaskPriority"];
            status?: components["schemas"]["TaskStatus"];
        };
        /** @description Result of updating a task. */
        TaskUpdateResult: {
            data: {
                /** @description Id of the updated task. */
                id: string;
            };
        };
        /** @description A JSON object whose fields Hero's archived docs do not show. Treat every property as optional and unknown. */
        UndocumentedObject: {
            [key: string]: unknown;
        };
        /** @description Body of a 400 response. */
        ValidationError: {
            /** @example true */
            error: boolean;
            message: components["schemas"]["ValidationIssue"][];
            /** @example 400 */
            statusCode: number;
        };
        /** @description One problem with the request, in the style of a Zod issue. */
        ValidationIssue: {
            /** @description Kind of problem, e.g. `invalid_type`. */
            code: string;
            /** @description What was expected at `path`. */
            expected: string;
            /** @description Location of the offending value (field names and array indexes). Item types are not documented. */
            path: unknown[];
        };
        /** @description A webhook subscription. */
        Webhook: {
            /** @description When the webhook was created. Hero states no format (presumably an ISO 8601 date-time). */
            created_at: string;
            /** @description The subscribed event. Typed as a plain string in Hero's response schema; the known values are those of `WebhookEventType`. */
            event_type: string;
            headers?: components["schemas"]["WebhookHeaders"];
            id: string;
            /**
             * @description The HMAC secret. Hero's response schema lists it as optional; it is
             *     write-only from the partner's side (the partner chose it), so treat any
             *     value returned as a secret and never log it.
             */
            signing_key?: string;
            /** @description When the webhook was last changed. Hero states no format (presumably an ISO 8601 date-time). */
            updated_at: string;
            /** @description Where Hero POSTs the events. */
            url: string;
        };
        /** @description Body of Create a Webhook. */
        WebhookCreateRequest: {
            /** @description Free text to tell webhooks apart. */
            description?: string;
            event_type: components["schemas"]["WebhookEventType"];
            headers?: components["schemas"]["WebhookHeaders"];
            /**
             * @description Secret for HMAC-SHA256 signatures on deliveries (see Create a Webhook).
             *     Write-only from the partner's side: choose it, store it, and never log it.
             *     Without it deliveries are not signed.
             */
            signing_key?: string;
            /**
             * Format: uri
             * @description Where Hero POSTs the events.
             */
            url: string;
        };
        /**
         * @description Events a webhook can subscribe to. Hero's schema enum lists the first six;
         *     `write-to-record.succeeded` and `write-to-record.failed` are named only in the
         *     newest description of Create a Webhook and are included here. One crawl of
         *     Hero's AsyncAPI page also shows a `form-submission.created` channel, which no
         *     version of the enum lists, so it is left out.
         * @enum {string}
         */
        WebhookEventType: "appointment.confirmed" | "appointment.cancelled" | "appointment.rescheduled" | "prescription.issued" | "patient.medical-record-updated" | "patient.added-to-sequence" | "write-to-record.succeeded" | "write-to-record.failed";
        /** @description Custom HTTP headers Hero adds to every delivery of this webhook (header name to value). */
        WebhookHeaders: {
            [key: string]: string;
        };
    };
    responses: {
        /** @description Validation error. The request's parameters or body did not match what the operation expects. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
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
                "application/json": components["schemas"]["ValidationError"];
            };
        };
        /** @description Forbidden. The key has no access to the practice group in `x-practice-group-id`, or lacks the scope for this operation. Hero does not document a body. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Not found. Nothing with that identifier exists for this practice group. Hero does not document a body. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Unknown error on Hero's side. Hero does not document a body. */
        ServerError: {
            headers: {
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Rate limit exceeded (limits are set in the partner agreement). Retry with exponential backoff, honouring `Retry-After`. Hero does not document a body. */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description Unauthorised. The `x-api-key` header is missing or not valid for this environment. Hero does not document a body. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content?: never;
        };
    };
    parameters: {
        /**
         * @description Filter by status. Hero's docs give only the example value `CREATED`, not the list of allowed values.
         * @example CREATED
         */
        BatchMessageEntryStatus: string;
        /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
        BatchMessagePageIndex: number;
        /** @description Items per page. Default and maximum are not documented. */
        BatchMessagePageSize: number;
        /** @description Numeric identifier, sent as a string. */
        Id: components["schemas"]["Id"];
        /**
         * @description Patient field that `search` is matched against. Hero's samples use `emis_id` and `ehr_partner_id`; the full list of accepted values is not documented.
         * @example ehr_partner_id
         */
        PatientSearchField: string;
        /**
         * @description Term to match against the patient field named in `field`. Whether matching is exact or partial is not documented.
         * @example 500123
         */
        PatientSearchTerm: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description How long to wait before retrying, as delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Hero's guide tells partners to honour it; its presence on every 429 is not confirmed.
         * @example 30
         */
        "Retry-After": string;
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
export type SchemaSnomedValidateRequest = components['schemas']['SnomedValidateRequest'];
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
/** Every operation by operationId: its parameters, request body and responses (`operations['sendMessage']`). */
export interface operations {
    createAccessToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. A new access token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLWV4YW1wbGU"
                     *     }
                     */
                    "application/json": components["schemas"]["AccessToken"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listAdmins: {
        parameters: {
            query?: {
                /** @description Field to sort by. */
                order_by?: "first_name";
                /** @description When true, sort in descending order. */
                order_descending?: boolean;
                /**
                 * @description Page to return. Typed as a string in Hero's reference; send a whole number.
                 * @example 0
                 */
                page_index?: string;
                /**
                 * @description Number of admins per page. Typed as a string in Hero's reference; send a whole number.
                 * @example 20
                 */
                page_size?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The admins, in Hero's list envelope. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["Admin"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    updateAdmin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["AdminUpdate"];
            };
        };
        responses: {
            /** @description Ok. The id of the updated admin. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "admin_id": "345"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminUpdateResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listAppointmentTypes: {
        parameters: {
            query?: {
                /** @description When true, only return appointment types that have bookable availability. */
                has_availability?: boolean;
                /**
                 * @description Only return appointment types offered at these locations.
                 * @example [
                 *       "5"
                 *     ]
                 */
                location_ids?: string[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The appointment types, in Hero's list envelope. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["AppointmentType"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    createAppointment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["AppointmentCreateRequest"];
            };
        };
        responses: {
            /** @description Ok. The reservation's ID and when the hold on the slot ends. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "12345",
                     *       "reserved_until": "2024-03-15T13:10:00Z"
                     *     }
                     */
                    "application/json": components["schemas"]["AppointmentReservation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description Not found. Hero lists this status for the operation without saying when it occurs or documenting a body (presumably an ID in the request does not exist; unconfirmed). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getAppointment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Appointment"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    editAppointment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "start_time": "2024-03-15T14:30:00Z",
                 *       "duration": 15,
                 *       "practitioner_id": "201",
                 *       "suppress_availability_check": false,
                 *       "suppress_mail": true
                 *     }
                 */
                "application/json": components["schemas"]["AppointmentEditRequest"];
            };
        };
        responses: {
            /** @description Success. The status code and body are not documented; Hero's page is cut off before its responses. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    cancelAppointment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "suppress_mail": true,
                 *       "suppress_cancellation_policy": false
                 *     }
                 */
                "application/json": components["schemas"]["AppointmentCancelRequest"];
            };
        };
        responses: {
            /** @description Success. The status code and body are not documented; Hero's sample shows only the request. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    createAttachmentLink: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "expiry_date": "2024-04-30",
                 *       "ehr_file_id": "55501",
                 *       "patient_id": "98765",
                 *       "maximum_use_count": 1
                 *     }
                 */
                "application/json": components["schemas"]["AttachmentLinkCreateRequest"];
            };
        };
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "attachment_link": "https://example.org/attachment-link-placeholder",
                     *       "attachment_uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6"
                     *     }
                     */
                    "application/json": components["schemas"]["AttachmentLink"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listBatchMessages: {
        parameters: {
            query?: {
                /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
                page_index?: components["parameters"]["BatchMessagePageIndex"];
                /** @description Items per page. Default and maximum are not documented. */
                page_size?: components["parameters"]["BatchMessagePageSize"];
                /** @description Only batches in this state. These values differ from the `status` values of a batch object (`CREATED`, `PENDING`, `SENDING`, `COMPLETED`); Hero's docs do not explain the difference. */
                status?: "CREATED" | "ENRICHMENT_ERROR" | "ENRICHED" | "INVALID_PAYLOAD" | "QUEUED";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    createBatchMessage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["BatchMessageCreateRequest"];
            };
        };
        responses: {
            /** @description Ok. The created batch. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["BatchMessage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getBatchMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The batch. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["BatchMessage"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listBatchMessageSends: {
        parameters: {
            query?: {
                /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
                page_index?: components["parameters"]["BatchMessagePageIndex"];
                /** @description Items per page. Default and maximum are not documented. */
                page_size?: components["parameters"]["BatchMessagePageSize"];
                /**
                 * @description Filter by status. Hero's docs give only the example value `CREATED`, not the list of allowed values.
                 * @example CREATED
                 */
                status?: components["parameters"]["BatchMessageEntryStatus"];
            };
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listBatchMessageRecipients: {
        parameters: {
            query?: {
                /** @description Which page to return. Whether it counts from 0 or 1 is not documented for batch messages (Hero's v3 patient list counts from 0). */
                page_index?: components["parameters"]["BatchMessagePageIndex"];
                /** @description Items per page. Default and maximum are not documented. */
                page_size?: components["parameters"]["BatchMessagePageSize"];
                /**
                 * @description Filter by status. Hero's docs give only the example value `CREATED`, not the list of allowed values.
                 * @example CREATED
                 */
                status?: components["parameters"]["BatchMessageEntryStatus"];
            };
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. One page of recipients. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["BatchMessageRecipient"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    sendBatchMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getBookingLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["BookingLink"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    updateBookingLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "appointment_type_id": "1",
                 *       "location_id": "5",
                 *       "practitioner_id": "201"
                 *     }
                 */
                "application/json": components["schemas"]["BookingLinkUpdateRequest"];
            };
        };
        responses: {
            /** @description Success. The status code and body are not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listEpisodes: {
        parameters: {
            query?: {
                /**
                 * @description Only return episodes assigned to these admins or admin teams.
                 * @example [
                 *       "345"
                 *     ]
                 */
                "assignee_id[]"?: string[];
                /**
                 * @description Only return episodes whose assignee is of these kinds.
                 * @example [
                 *       "Admin"
                 *     ]
                 */
                "assignee_type[]"?: components["schemas"]["EpisodeAssigneeType"][];
                /**
                 * @description Fields to sort by.
                 * @example [
                 *       "created_at"
                 *     ]
                 */
                "order_by[]"?: ("created_at" | "priority")[];
                /** @description Sort directions matching `order_by[]`. Typed as strings in Hero's reference, which does not list the accepted values. */
                "order_descending[]"?: string[];
                /**
                 * @description Page to return.
                 * @example 0
                 */
                page_index?: number;
                /**
                 * @description Number of episodes per page.
                 * @example 20
                 */
                page_size?: number;
                /**
                 * @description Only return episodes with these priorities.
                 * @example [
                 *       "high"
                 *     ]
                 */
                "priority[]"?: components["schemas"]["TaskPriority"][];
                /**
                 * @description Only return episodes with these statuses.
                 * @example [
                 *       "open"
                 *     ]
                 */
                "status[]"?: components["schemas"]["TaskStatus"][];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The episodes, in Hero's list envelope. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: WithRequired<components["schemas"]["Episode"], "patient">[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getEpisode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The episode. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Episode"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    updateEpisode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
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
                "application/json": components["schemas"]["EpisodeUpdate"];
            };
        };
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getFormResponse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The form response. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["FormResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listForms: {
        parameters: {
            query?: {
                /** @description Only return forms of this type. */
                form_type?: components["schemas"]["FormType"];
                /** @description Filter on whether the form is a reply form. */
                reply_form?: boolean;
                /** @description Text to search forms by. Which fields it matches is not documented. */
                search?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The forms, in Hero's list envelope. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["FormSummary"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getForm: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The form and its fields. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Form"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listCoupons: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The practice group's coupons. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["Coupon"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listCustomers: {
        parameters: {
            query: {
                /**
                 * @description Search text.
                 * @example Jane
                 */
                query: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. Matching customers. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["Customer"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    createCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Jane Smith",
                 *       "email": "jane.smith@example.com",
                 *       "phone": "07700 900123"
                 *     }
                 */
                "application/json": components["schemas"]["CustomerCreateRequest"];
            };
        };
        responses: {
            /** @description Ok. Only the `id` of the response sample is documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "cus_NffrFeUfNV2Hib"
                     *     }
                     */
                    "application/json": {
                        /** @description Stripe customer ID. */
                        id?: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getDefaultCustomer: {
        parameters: {
            query?: {
                /**
                 * @description Hero ID of the patient. Whether it is required is not documented.
                 * @example 98765
                 */
                patient_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The patient's default customer. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Customer"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    createInvoice: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["InvoiceCreateRequest"];
            };
        };
        responses: {
            /** @description Created. The new invoice. */
            201: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    updateInvoice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "issuer_id": "12",
                 *       "memo": "Paid in clinic by card."
                 *     }
                 */
                "application/json": components["schemas"]["InvoiceUpdateRequest"];
            };
        };
        responses: {
            /** @description Ok. The body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    linkInvoice: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "stripe_invoice_id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
                 *       "appointment_id": "67890",
                 *       "issuer_id": "12"
                 *     }
                 */
                "application/json": components["schemas"]["InvoiceLinkRequest"];
            };
        };
        responses: {
            /** @description Ok. The linked invoice. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getLinkStatus: {
        parameters: {
            query?: {
                /**
                 * @description The link's ID.
                 * @example 12345
                 */
                id?: string;
                /**
                 * @description The link's short URL, URL-encoded (e.g. `https://bookings.herohealth.net/s/abc123`).
                 * @example https://bookings.herohealth.net/s/abc123
                 */
                url?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "unused",
                     *       "type": "booking",
                     *       "reference": []
                     *     }
                     */
                    "application/json": components["schemas"]["LinkStatus"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listLocations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getPracticeGroupById: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    updatePracticeGroup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
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
                "application/json": components["schemas"]["PracticeGroupUpdate"];
            };
        };
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getCapabilities: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The practice group's capabilities. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "capabilities": [
                     *         "sms_messaging"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Capabilities"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPracticeGroupElements: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The practice group's Elements, in Hero's list envelope. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["PracticeGroupElement"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. Only the start of a sample body is documented. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Message"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    sendMessage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["SendMessageRequest"];
            };
        };
        responses: {
            /** @description Ok. The message was accepted (or scheduled, when `send_at` was given). */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["SendMessageResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description Unauthorised (Hero's older reference lists this status for Send a Message under that name). The key may not send messages for this practice group, e.g. it lacks the messaging scope. Hero does not document a body. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            429: components["responses"]["TooManyRequests"];
            /** @description Unknown error (as Hero's older reference names it). Hero does not document a body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    createEpisodeNote: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "episode_id": "310",
                 *       "description": "Patient reported improved symptoms today."
                 *     }
                 */
                "application/json": components["schemas"]["NoteCreate"];
            };
        };
        responses: {
            /** @description Ok. The created note. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Note"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getHeidiToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "token": "heidi-token-example",
                     *       "expiration_time": "2019-08-24T14:15:22Z"
                     *     }
                     */
                    "application/json": components["schemas"]["HeidiToken"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPatients: {
        parameters: {
            query?: {
                /**
                 * @description Patient field that `search` is matched against. Hero's samples use `emis_id` and `ehr_partner_id`; the full list of accepted values is not documented.
                 * @example ehr_partner_id
                 */
                field?: components["parameters"]["PatientSearchField"];
                /**
                 * @description Term to match against the patient field named in `field`. Whether matching is exact or partial is not documented.
                 * @example 500123
                 */
                search?: components["parameters"]["PatientSearchTerm"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. A list of patients; Hero's docs show only the envelope, not the fields of each patient. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["UndocumentedObject"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getPatientById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Patient"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPatientAttachments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. A list of attachments; Hero's docs show only the envelope, not the fields of each attachment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["UndocumentedObject"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPatientEhrCandidates: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["EhrPatientCandidate"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    connectPatientEhr: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "ehr_partner_id": "500123"
                 *     }
                 */
                "application/json": components["schemas"]["PatientEhrConnectRequest"];
            };
        };
        responses: {
            /** @description Ok. Hero's docs do not show the response body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    mergePatient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "merge_token": "token-from-merge-preview",
                 *       "patient_id": "67890"
                 *     }
                 */
                "application/json": components["schemas"]["PatientMergeRequest"];
            };
        };
        responses: {
            /** @description Ok. Hero's docs do not show the response body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    previewPatientMerge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "patient_id": "67890"
                 *     }
                 */
                "application/json": components["schemas"]["PatientMergePreviewRequest"];
            };
        };
        responses: {
            /** @description Ok. Hero's docs do not show the response body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    registerPatient: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["RegisterPatientRequest"];
            };
        };
        responses: {
            /** @description Ok. The patient was created or updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "patient_id": "98765"
                     *     }
                     */
                    "application/json": components["schemas"]["PatientRegistered"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No patient found. Listed only in Hero's older reference for this operation, which does not say when it is returned. Hero does not document a body. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    registerPatientPds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterPatientPdsRequest"];
            };
        };
        responses: {
            /** @description Ok. Either the patient is registered (`patient_id`) or they must verify their identity first (`message` and `login_url`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterPatientPdsResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description Forbidden. The API key has no access to the practice group sent in `x-practice-group-id`; check that it matches the practice configured for the key. Hero does not document a body. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No patient found. PDS has no patient matching the details sent (NHS number and date of birth, or the demographics); check them and that the patient is registered with the NHS. Hero does not document a body. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests. The partner's rate limit was exceeded; retry with exponential backoff, waiting as long as the `Retry-After` header says. Hero does not document a body. */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            500: components["responses"]["ServerError"];
        };
    };
    createPharmacy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "High Street Pharmacy",
                 *       "email": "dispensary@highstreet-pharmacy.example",
                 *       "mobile": "07700 900456",
                 *       "prescriber_id": "321"
                 *     }
                 */
                "application/json": components["schemas"]["PharmacyCreateRequest"];
            };
        };
        responses: {
            /** @description Ok. The saved pharmacy. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Pharmacy"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPractitioners: {
        parameters: {
            query?: {
                /**
                 * @description Only return practitioners who offer these appointment types.
                 * @example [
                 *       "12"
                 *     ]
                 */
                appointment_type_ids?: string[];
                /** @description When true, only return practitioners with bookable availability. */
                has_availability?: boolean;
                /**
                 * @description Only return practitioners working at these locations.
                 * @example [
                 *       "5"
                 *     ]
                 */
                location_ids?: string[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getPractitioner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPrescriberPharmacies: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The prescriber's pharmacies. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["Pharmacy"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listSlots: {
        parameters: {
            query?: {
                /** @description End of the date range. Named in Hero's description; its format is not documented (presumably an ISO 8601 date). */
                end_date?: string;
                /** @description Start of the date range. Named in Hero's description; its format is not documented (presumably an ISO 8601 date). */
                start_date?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. The response body is not documented (Hero says only that results are paginated). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getSlot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Slot"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    countSlots: {
        parameters: {
            query?: {
                /** @description Only slots for this appointment type. */
                appointment_type_id?: string;
                /** @description End of the date range. Its format is not documented (presumably an ISO 8601 date, as in other date filters). */
                end_date?: string;
                /** @description Only slots at this location. */
                location_id?: string;
                /** @description Only slots with this practitioner. */
                practitioner_id?: string;
                /** @description Start of the date range. Its format is not documented (presumably an ISO 8601 date, as in other date filters). */
                start_date?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    validateSnomedCode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "38341003"
                 *     }
                 */
                "application/json": components["schemas"]["SnomedValidateRequest"];
            };
        };
        responses: {
            /** @description Ok. The body is not documented (Hero's docs show no response for this operation; 200 is assumed as for every other operation but Create Invoice). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    updateTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "status": "in_progress",
                 *       "priority": "high",
                 *       "assignee_type": "admin",
                 *       "assignee_id": "345"
                 *     }
                 */
                "application/json": components["schemas"]["TaskUpdate"];
            };
        };
        responses: {
            /** @description Ok. The id of the updated task. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": {
                     *         "id": "4821"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["TaskUpdateResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listTemplates: {
        parameters: {
            query?: {
                /**
                 * @description Shown in Hero's sample with the value `true`; typed boolean from that example. Its meaning (presumably templates that carry a follow-up) is not documented.
                 * @example true
                 */
                has_follow_up?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                /**
                 * @description Only webhooks for this event type. Typed as a plain string in Hero's docs; the known values are those of `WebhookEventType`.
                 * @example appointment.confirmed
                 */
                event_type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
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
                "application/json": components["schemas"]["WebhookCreateRequest"];
            };
        };
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listAutomatedMessages: {
        parameters: {
            query?: {
                /** @description Only messages of this notification type. Allowed values are not documented. */
                notification_type?: string;
                /** @description Sort in descending order. */
                order_descending?: boolean;
                /**
                 * @description Field to sort by. Spelled in camelCase in Hero's sample (unlike `order_by` elsewhere); the sample value is `createdAt` and other values are not documented.
                 * @example createdAt
                 */
                orderBy?: string;
                /** @description Page number. Typed as a string in Hero's sample; whether it is zero-based is not stated here. */
                page_index?: string;
                /** @description Items per page. Typed as a string in Hero's sample; limits are not documented. */
                page_size?: string;
                /** @description Only messages to this recipient (presumably a patient ID; not described). */
                recipient_id?: string;
                /**
                 * @description Only messages in this status. The sample value is `INVALIDATED`; the full list of statuses is not documented.
                 * @example INVALIDATED
                 */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. The response body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getAutomatedMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The body is not documented. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example {} */
                    "application/json": components["schemas"]["UndocumentedObject"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPatientsV2: {
        parameters: {
            query?: {
                /**
                 * @description Patient field that `search` is matched against. Hero's samples use `emis_id` and `ehr_partner_id`; the full list of accepted values is not documented.
                 * @example ehr_partner_id
                 */
                field?: components["parameters"]["PatientSearchField"];
                /**
                 * @description Term to match against the patient field named in `field`. Whether matching is exact or partial is not documented.
                 * @example 500123
                 */
                search?: components["parameters"]["PatientSearchTerm"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. A list of patients; Hero's docs show only the envelope, not the fields of each patient. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [],
                     *       "count": 0
                     *     }
                     */
                    "application/json": components["schemas"]["ListEnvelope"] & {
                        data?: components["schemas"]["UndocumentedObject"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getPatientByIdV2: {
        parameters: {
            query?: {
                /** @description Where to read the patient from, Hero's record (`hero`) or the practice's EHR (`ehr`). The default is not documented. */
                data_source?: "hero" | "ehr";
            };
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["PatientV2"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    getTaskV2: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric identifier, sent as a string. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. The task. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["Task"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
    listPatientsV3: {
        parameters: {
            query?: {
                /**
                 * @description Filter by exact date of birth, `YYYY-MM-DD`.
                 * @example 1990-12-31
                 */
                dob?: string;
                /** @description Filter by the patient's identifier in the practice's EHR. */
                ehr_partner_id?: string;
                /** @description Filter by first name. */
                first_name?: string;
                /** @description Filter by last name. */
                last_name?: string;
                /** @description Filter by NHS number. */
                nhs_number?: string;
                /**
                 * @description Zero-based page number. Hero types it as a string; send digits.
                 * @example 0
                 */
                page_index?: string;
                /**
                 * @description Number of patients per page. Hero types it as a string; send digits. Default and maximum are not documented.
                 * @example 20
                 */
                page_size?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ok. One page of matching patients. */
            200: {
                headers: {
                    [name: string]: unknown;
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
                    "application/json": components["schemas"]["PatientV3List"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["ServerError"];
        };
    };
}
type WithRequired<T, K extends keyof T> = T & {
    [P in K]-?: T[P];
};
