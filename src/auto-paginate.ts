/**
 * Walks Hero's paged lists (`page_index` zero-based, `page_size`, `{ data, count }` replies)
 * as an async iterator, fetching one page at a time as the caller consumes items.
 */
import { HeroInputError, HeroResponseParseError, type HeroInputIssue } from './errors.js';
import { isOptionsObject, typeName } from './validation/type-name.js';

/** One page of a Hero list. */
export interface ListPage<T> {
  readonly data: readonly T[];
  readonly count: number;
}

/** The operation a paginator walks, named in its errors. */
export interface PagedOperationRef {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string | undefined;
}

/** Options of a paged iteration. */
export interface PageOptions {
  /** Items asked for per request. @default 100 */
  pageSize?: number;
  /** Zero-based page to start from. @default 0 */
  startPage?: number;
}

/** An async iterable over every item of a list, with a bounded `toArray`. */
export interface AutoPaginated<T> extends AsyncIterable<T> {
  /**
   * Collects at most `limit` items. A limit is required so that a list larger than
   * expected cannot exhaust memory or the rate limit (stripe-node does the same).
   */
  toArray(options: { limit: number }): Promise<T[]>;
}

/** Largest `limit` accepted by `toArray`. */
export const maxToArrayLimit = 10_000;

/** Largest `pageSize` accepted (Hero documents no maximum; this bounds one response). */
export const maxPageSize = 1_000;

/**
 * Builds an auto-paginating iterable. `fetchPage` is called with a zero-based page index
 * and the page size; iteration stops at an empty page, a short page, or once `count`
 * items have been seen. A full page identical to the one before (a server ignoring
 * `page_index`) throws {@link HeroResponseParseError} instead of looping for ever.
 * Throws {@link HeroInputError} for arguments its types forbid (a bad `pageSize` or
 * `startPage`, no `fetchPage` function), and from iteration when `fetchPage` resolves to
 * something that is not a page.
 */
export function autoPaginate<T>(
  fetchPage: (pageIndex: number, pageSize: number) => Promise<ListPage<T>>,
  options: PageOptions = {},
  operation: PagedOperationRef = { method: 'GET', path: '(list)' },
): AutoPaginated<T> {
  const issues: HeroInputIssue[] = [];
  if (typeof fetchPage !== 'function') issues.push({ field: 'fetchPage', message: `must be a function (received ${typeName(fetchPage)})` });
  if (!isOptionsObject(options)) issues.push({ field: '(options)', message: `must be an object (received ${typeName(options)})` });
  if (!isOptionsObject(operation) || typeof operation.method !== 'string' || typeof operation.path !== 'string') {
    issues.push({ field: 'operation', message: 'must be an object with a string method and path' });
  }
  if (issues.length > 0) throw new HeroInputError(issues, 'autoPaginate arguments');
  const pageSize = options.pageSize ?? 100;
  const startPage = options.startPage ?? 0;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    issues.push({ field: 'pageSize', message: `must be an integer from 1 to ${maxPageSize}` });
  }
  if (!Number.isInteger(startPage) || startPage < 0) issues.push({ field: 'startPage', message: 'must be a non-negative integer' });
  if (issues.length > 0) throw new HeroInputError(issues, 'page options');

  async function* iterate(): AsyncGenerator<T> {
    let seen = startPage * pageSize;
    let previous: string | undefined;
    for (let pageIndex = startPage; ; pageIndex++) {
      const page = await fetchPage(pageIndex, pageSize);
      if (!isOptionsObject(page) || !Array.isArray(page.data)) {
        throw new HeroInputError([{ field: 'fetchPage', message: `must resolve to a page: { data: [...], count } (received ${typeName(page)})` }], 'autoPaginate arguments');
      }
      if (page.data.length === pageSize) {
        // The ends and the length are enough to spot a repeated page without serialising it all.
        const fingerprint = JSON.stringify([page.data[0], page.data[pageSize - 1]]);
        if (fingerprint === previous) {
          throw new HeroResponseParseError({
            ...operation,
            status: 200,
            message: `${operation.method} ${operation.path}${operation.operationId ? ` (${operation.operationId})` : ''} returned the same full page for page_index ${pageIndex - 1} and ${pageIndex}: the server seems to ignore page_index, so paging stopped`,
          });
        }
        previous = fingerprint;
      }
      yield* page.data;
      seen += page.data.length;
      // `count` is the total for the query; a short page also ends the list in case a
      // server reports `count` as the page length.
      if (page.data.length === 0 || page.data.length < pageSize || seen >= page.count) return;
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    async toArray(options) {
      const limit: unknown = isOptionsObject(options) ? options.limit : undefined;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > maxToArrayLimit) {
        throw new HeroInputError([{ field: 'limit', message: `must be an integer from 1 to ${maxToArrayLimit}` }], 'toArray options');
      }
      const out: T[] = [];
      for await (const item of iterate()) {
        out.push(item);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}

/**
 * Reads one page of a list body: Hero's `{ data, count }` envelope, or a bare array.
 * An empty object (what Hero's docs show for lists whose body is undocumented) is an
 * empty last page. Anything else throws {@link HeroResponseParseError} naming the keys
 * found (never their values), rather than silently yielding nothing.
 */
export function readListPage(body: unknown, operation: PagedOperationRef): ListPage<unknown> {
  if (Array.isArray(body)) return { data: body, count: Number.POSITIVE_INFINITY };
  if (typeof body === 'object' && body !== null) {
    const { data, count } = body as { data?: unknown; count?: unknown };
    // Without `count` (Hero's v3 docs were cut off before it), a short page ends the list.
    if (Array.isArray(data)) return { data, count: typeof count === 'number' && Number.isFinite(count) ? count : Number.POSITIVE_INFINITY };
    const keys = Object.keys(body);
    if (keys.length === 0) return { data: [], count: 0 };
    throw new HeroResponseParseError({
      ...operation,
      status: 200,
      message: `${operation.method} ${operation.path}${operation.operationId ? ` (${operation.operationId})` : ''} answered a page without a \`data\` array (keys: ${keys.slice(0, 10).join(', ')}), so it cannot be paged; call it through hero.raw and read the body`,
    });
  }
  throw new HeroResponseParseError({
    ...operation,
    status: 200,
    message: `${operation.method} ${operation.path}${operation.operationId ? ` (${operation.operationId})` : ''} answered a page that is not a JSON object or array`,
  });
}

/**
 * Checks `page_index` / `page_size` given as numbers (strings pass as they are, as Hero
 * types some of them): whole numbers, `page_size` at least 1. Throws {@link HeroInputError}.
 */
export function checkPageQuery(query: Readonly<Record<string, unknown>> | undefined): void {
  if (query === undefined || query === null) return;
  const issues: HeroInputIssue[] = [];
  const { page_index: index, page_size: size } = query;
  if (typeof index === 'number' && !(Number.isInteger(index) && index >= 0)) issues.push({ field: 'page_index', message: 'must be a non-negative integer' });
  if (typeof size === 'number' && !(Number.isInteger(size) && size >= 1)) issues.push({ field: 'page_size', message: 'must be a positive integer' });
  if (issues.length > 0) throw new HeroInputError(issues, 'page parameters');
}
