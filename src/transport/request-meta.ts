import type { Middleware } from 'openapi-fetch';
import type { CallOverrides } from './call-options.js';

/** What the transport knows about a request beyond the `Request` itself. */
export interface RequestMeta {
  /** Path template from the spec, e.g. `/v1/patients/{id}`. */
  readonly schemaPath: string;
  /** True when the caller marked the call safe to repeat whatever its method. */
  readonly idempotent: boolean;
  /** Spec operationId, when the facade passed one. */
  readonly operationId?: string | undefined;
  /** This call's own time limits and retry settings (see call-options.ts); `undefined` = the client's. */
  readonly overrides?: CallOverrides | undefined;
}

/**
 * Extra keys the facade may put in an openapi-fetch call's init. openapi-fetch
 * copies unknown init keys onto the `Request` it builds, where
 * {@link requestMetaMiddleware} picks them up.
 */
export interface HeroRequestInitExtras {
  /** Mark a POST/PATCH safe to retry after the server may have acted on it. @default false */
  heroIdempotent?: boolean;
  /** operationId to name in errors. @default undefined */
  heroOperationId?: string;
  /**
   * Path template to name in errors, for callers not using {@link requestMetaMiddleware}
   * (which records openapi-fetch's `schemaPath` itself). @default the URL pathname
   */
  heroSchemaPath?: string;
  /** Per-call transport overrides, already checked by `normalizeCallInit`. @default undefined */
  heroCallOverrides?: CallOverrides;
}

// Keyed by the Request object so nothing outlives it and nothing is shared by URL.
const metaByRequest = new WeakMap<Request, RequestMeta>();

/** Attaches transport metadata to a request (the middleware does this for client calls). */
export function setRequestMeta(request: Request, meta: RequestMeta): void {
  metaByRequest.set(request, meta);
}

/**
 * Metadata of a request: what {@link setRequestMeta} or the middleware recorded,
 * else what the {@link HeroRequestInitExtras} keys on the Request say, else `undefined`
 * (the transport then names the URL pathname and treats the call as not idempotent).
 */
export function getRequestMeta(request: Request): RequestMeta | undefined {
  const recorded = metaByRequest.get(request);
  if (recorded !== undefined) return recorded;
  const extras = request as Request & HeroRequestInitExtras;
  if (
    extras.heroSchemaPath === undefined &&
    extras.heroIdempotent === undefined &&
    extras.heroOperationId === undefined &&
    extras.heroCallOverrides === undefined
  ) {
    return undefined;
  }
  return metaFromExtras(extras, typeof extras.heroSchemaPath === 'string' ? extras.heroSchemaPath : new URL(request.url).pathname);
}

function metaFromExtras(extras: HeroRequestInitExtras, schemaPath: string): RequestMeta {
  return {
    schemaPath,
    idempotent: extras.heroIdempotent === true,
    operationId: typeof extras.heroOperationId === 'string' ? extras.heroOperationId : undefined,
    overrides: typeof extras.heroCallOverrides === 'object' && extras.heroCallOverrides !== null ? extras.heroCallOverrides : undefined,
  };
}

/**
 * openapi-fetch middleware recording each request's path template (openapi-fetch's
 * `schemaPath`) and the `heroIdempotent` / `heroOperationId` init keys for the
 * transport. It only reads: retries stay in the transport fetch, not in middleware
 * (openapi-ts #1558). Register it last, so a request replaced by an earlier
 * middleware is the one recorded. Optional: passing `heroSchemaPath` in the init
 * gives the transport the same facts without openapi-fetch's per-call middleware cost.
 */
export const requestMetaMiddleware: Middleware = {
  onRequest({ request, schemaPath }) {
    metaByRequest.set(request, metaFromExtras(request as Request & HeroRequestInitExtras, schemaPath));
    return undefined;
  },
};
