/**
 * Type helpers that read request and response shapes out of the generated `operations`,
 * so resources never re-declare what the spec already says.
 */
import type { operations } from '../../generated/hero-api.js';
import type { NamedRequestBodies } from './request-bodies.js';

type JsonContent<T> = T extends { readonly content: { readonly 'application/json': infer B } } ? B : never;

/** An operationId of the spec. */
export type OperationName = keyof operations;

/** JSON request body of an operation exactly as generated (an anonymous object type). */
export type WireRequestBody<Op extends OperationName> = operations[Op] extends { readonly requestBody?: infer R }
  ? JsonContent<NonNullable<R>>
  : never;

/**
 * JSON request body of an operation, by its schema name where it has one (e.g.
 * `RequestBody<'sendMessage'>` is `SendMessageRequest`), so tsc's errors name the schema
 * instead of printing the expanded object. The same shape as {@link WireRequestBody}.
 */
export type RequestBody<Op extends OperationName> = Op extends keyof NamedRequestBodies ? NamedRequestBodies[Op] : WireRequestBody<Op>;

/** JSON body of an operation's 200 (or 201) response. */
export type SuccessBody<Op extends OperationName> = operations[Op]['responses'] extends infer R
  ? R extends { readonly 200: infer S }
    ? JsonContent<S>
    : R extends { readonly 201: infer S }
      ? JsonContent<S>
      : never
  : never;

/** Page parameter names of Hero's lists. */
export type PageParamName = 'page_index' | 'page_size';

/** Page parameters also take numbers: Hero types some as strings, but a page is a number. */
export type WidenPageParams<Q> = { [K in keyof Q]: K extends PageParamName ? Q[K] | number : Q[K] };

/** Query parameters of an operation (`page_index` / `page_size` accept numbers too). */
export type QueryParams<Op extends OperationName> = WidenPageParams<NonNullable<operations[Op]['parameters']['query']>>;
