import { describe, expect, it } from 'vitest';
import { autoPaginate, type ListPage } from './pagination.js';

function pagesOf(total: number) {
  const calls: Array<[number, number]> = [];
  const fetchPage = async (pageIndex: number, pageSize: number): Promise<ListPage<number>> => {
    calls.push([pageIndex, pageSize]);
    const start = pageIndex * pageSize;
    const data = Array.from({ length: Math.max(0, Math.min(pageSize, total - start)) }, (_, i) => start + i);
    return { data, count: total };
  };
  return { calls, fetchPage };
}

describe('autoPaginate', () => {
  it('yields every item across pages and stops after the last one', async () => {
    const { calls, fetchPage } = pagesOf(5);
    const items: number[] = [];
    for await (const item of autoPaginate(fetchPage, { pageSize: 2 })) items.push(item);
    expect(items).toEqual([0, 1, 2, 3, 4]);
    expect(calls).toEqual([[0, 2], [1, 2], [2, 2]]);
  });

  it('does not ask for a page past an exact multiple of the page size', async () => {
    const { calls, fetchPage } = pagesOf(4);
    const items: number[] = [];
    for await (const item of autoPaginate(fetchPage, { pageSize: 2 })) items.push(item);
    expect(items).toEqual([0, 1, 2, 3]);
    expect(calls.map(([i]) => i)).toEqual([0, 1]);
  });

  it('fetches lazily: breaking out early requests no further pages', async () => {
    const { calls, fetchPage } = pagesOf(100);
    for await (const item of autoPaginate(fetchPage, { pageSize: 10 })) if (item === 3) break;
    expect(calls).toHaveLength(1);
  });

  it('stops on an empty first page', async () => {
    const { fetchPage } = pagesOf(0);
    expect(await autoPaginate(fetchPage).toArray({ limit: 10 })).toEqual([]);
  });

  it('toArray stops at the limit and refuses a missing or huge limit', async () => {
    const { fetchPage } = pagesOf(50);
    expect(await autoPaginate(fetchPage, { pageSize: 7 }).toArray({ limit: 9 })).toHaveLength(9);
    await expect(autoPaginate(fetchPage).toArray({ limit: 0 })).rejects.toThrow(RangeError);
    await expect(autoPaginate(fetchPage).toArray({ limit: 1e9 })).rejects.toThrow(/limit/);
  });

  it('rejects a page size that is not a positive integer', () => {
    expect(() => autoPaginate(pagesOf(1).fetchPage, { pageSize: 0 })).toThrow(RangeError);
  });
});
