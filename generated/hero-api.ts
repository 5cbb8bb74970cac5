// Generated from openapi/hero-public-api.yaml by scripts/generate.ts. Do not edit by hand:
// change the spec and run `npm run generate` (CI fails when this file is stale).

export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description Hero identifiers are strings of digits.
         * @example 12345
         */
        readonly Id: string;
        /** @description Hero's list envelope. Each list operation narrows `data` to its item schema. */
        readonly ListEnvelope: {
            /** @description Number of items matching the query. */
            readonly count: number;
            readonly data: readonly unknown[];
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
        /** @description Numeric identifier, sent as a string. */
        readonly Id: components["schemas"]["Id"];
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
export type SchemaId = components['schemas']['Id'];
export type SchemaListEnvelope = components['schemas']['ListEnvelope'];
export type SchemaUndocumentedObject = components['schemas']['UndocumentedObject'];
export type SchemaValidationError = components['schemas']['ValidationError'];
export type SchemaValidationIssue = components['schemas']['ValidationIssue'];
export type ResponseBadRequest = components['responses']['BadRequest'];
export type ResponseForbidden = components['responses']['Forbidden'];
export type ResponseNotFound = components['responses']['NotFound'];
export type ResponseServerError = components['responses']['ServerError'];
export type ResponseTooManyRequests = components['responses']['TooManyRequests'];
export type ResponseUnauthorized = components['responses']['Unauthorized'];
export type ParameterId = components['parameters']['Id'];
export type HeaderRetryAfter = components['headers']['Retry-After'];
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
