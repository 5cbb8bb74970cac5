/**
 * `hero.paginate(path, options)`: every GET operation of the spec with `page_index` and
 * `page_size` walked to the end, typed from `generated/` (octokit's `paginate`, with the
 * path template in place of the route string). The paged paths are derived from the
 * generated types, so an operation added to the spec is pageable without code here.
 */
import type { paths } from '../generated/hero-api.js';
import { operationIdsFor } from './operation-index.js';
import { autoPaginate, readListPage, type AutoPaginated, type PageOptions, type PagedOperationRef } from './auto-paginate.js';
import type { HeroRawClient } from './raw-client-types.js';
import { callInit } from './resources/request.js';
import type { PageParamName } from './resources/types.js';
import type { HeroCallOptions } from './transport/call-options.js';
import { HeroInputError, type HeroInputIssue } from './errors.js';
import { declaredQueryNames } from './url/parameter-rules.js';
import { isOptionsObject, typeName } from './validation/type-name.js';

type GetOperation<P extends keyof paths> = paths[P] extends { get: infer Op } ? Op : never;
type QueryOf<P extends keyof paths> = GetOperation<P> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type PathParamsOf<P extends keyof paths> = GetOperation<P> extends { parameters: { path?: infer A } } ? NonNullable<A> : never;

/** Path templates of the GET operations that take `page_index` (and `page_size`). */
export type PagedPath = {
  [P in keyof paths]: [QueryOf<P>] extends [never] ? never : 'page_index' extends keyof QueryOf<P> ? P : never;
}[keyof paths];

type PageBody<P extends PagedPath> = GetOperation<P> extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

/** What one item of a paged operation is: its `data[]` item type, `unknown` where Hero does not document the body. */
export type PageItem<P extends PagedPath> = PageBody<P> extends { data?: ReadonlyArray<infer T> } ? T : unknown;

/** The `params` of a paged call: its path parameters (when it has any) and its filters. */
export type PaginateParams<P extends PagedPath> = ([PathParamsOf<P>] extends [never] ? { path?: never } : { path: PathParamsOf<P> }) & {
  /** Filters; `page_index` and `page_size` are set by the paginator. */
  query?: Omit<QueryOf<P>, PageParamName>;
};

/** Options of {@link HeroPaginate}: parameters, page settings and per-call options (applied to every page). */
export type PaginateOptions<P extends PagedPath> = PageOptions & HeroCallOptions & { params?: PaginateParams<P> };

// Options are required exactly when the operation has path parameters.
type PaginateArgs<P extends PagedPath> = [PathParamsOf<P>] extends [never]
  ? [options?: PaginateOptions<P>]
  : [options: PaginateOptions<P> & { params: PaginateParams<P> }];

/**
 * `hero.paginate`: iterates every item of a paged operation, fetching pages as you go.
 *
 * @example
 * for await (const admin of hero.paginate('/v1/admins', { pageSize: 50 })) console.log(admin.id);
 * const recipients = await hero.paginate('/v1/batch_message/{id}/recipients', { params: { path: { id } } }).toArray({ limit: 1000 });
 */
export type HeroPaginate = <P extends PagedPath>(path: P, ...options: PaginateArgs<P>) => AutoPaginated<PageItem<P>>;

type AnyGet = (path: string, init: Record<string, unknown>) => Promise<{ data?: unknown }>;

/** Builds `hero.paginate` over the typed client. */
export function createPaginate(raw: HeroRawClient): HeroPaginate {
  const get = raw.GET as unknown as AnyGet;
  const operationIds = operationIdsFor('GET');
  return ((path: string, options: PaginateOptions<PagedPath> = {}) => {
    checkPaginateArguments(path, options);
    const { params, pageSize, startPage, ...call } = options;
    const operation: PagedOperationRef = { method: 'GET', path, operationId: operationIds.get(path) };
    const init = callInit(call);
    const query = params?.query as Record<string, unknown> | undefined;
    return autoPaginate(
      async (pageIndex, size) => {
        const { data } = await get(path, {
          ...init,
          params: { path: params?.path, query: { ...query, page_index: pageIndex, page_size: size } },
        });
        return readListPage(data, operation);
      },
      { ...(pageSize !== undefined && { pageSize }), ...(startPage !== undefined && { startPage }) },
      operation,
    );
  }) as HeroPaginate;
}

/**
 * Refuses what the types of `hero.paginate` forbid, before anything is built: a path that
 * is not one of the spec's paged GET templates (those that take `page_index`), options or
 * `params` (or their `path` and `query`) that are not objects. Never repeats the path.
 */
function checkPaginateArguments(path: unknown, options: unknown): void {
  const issues: HeroInputIssue[] = [];
  if (typeof path !== 'string' || !declaredQueryNames('GET', path)?.has('page_index')) {
    issues.push({ field: 'path', message: "must be the template of a paged GET operation of the spec (one with page_index), such as '/v1/admins'" });
  }
  if (!isOptionsObject(options)) {
    issues.push({ field: '(options)', message: `must be an object (received ${typeName(options)})` });
  } else if (options.params !== undefined) {
    if (!isOptionsObject(options.params)) issues.push({ field: 'params', message: `must be an object (received ${typeName(options.params)})` });
    else {
      for (const part of ['path', 'query'] as const) {
        const value = options.params[part];
        if (value !== undefined && !isOptionsObject(value)) issues.push({ field: `params.${part}`, message: `must be an object (received ${typeName(value)})` });
      }
    }
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'hero.paginate arguments');
}
