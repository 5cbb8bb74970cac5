/**
 * Walks Hero's paged lists (`page_index` zero-based, `page_size`, `{ data, count }` replies)
 * as an async iterator, fetching one page at a time as the caller consumes items.
 */

/** One page of a Hero list. */
export interface ListPage<T> {
  readonly data: readonly T[];
  readonly count: number;
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

/**
 * Builds an auto-paginating iterable. `fetchPage` is called with a zero-based page index
 * and the page size; iteration stops at an empty page, a short page, or once `count`
 * items have been seen.
 */
export function autoPaginate<T>(
  fetchPage: (pageIndex: number, pageSize: number) => Promise<ListPage<T>>,
  options: PageOptions = {},
): AutoPaginated<T> {
  const pageSize = options.pageSize ?? 100;
  const startPage = options.startPage ?? 0;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  if (!Number.isInteger(startPage) || startPage < 0) throw new RangeError('startPage must be a non-negative integer');

  async function* iterate(): AsyncGenerator<T> {
    let seen = startPage * pageSize;
    for (let pageIndex = startPage; ; pageIndex++) {
      const page = await fetchPage(pageIndex, pageSize);
      yield* page.data;
      seen += page.data.length;
      // `count` is the total for the query; a short page also ends the list in case a
      // server reports `count` as the page length.
      if (page.data.length === 0 || page.data.length < pageSize || seen >= page.count) return;
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    async toArray({ limit }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > maxToArrayLimit) {
        throw new RangeError(`toArray needs a limit between 1 and ${maxToArrayLimit}`);
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
