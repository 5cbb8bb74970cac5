import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHeroClient } from './client.js';
import { HeroInputError, HeroResponseParseError } from './errors.js';
import { autoPaginate, readListPage, type ListPage } from './auto-paginate.js';
import { startFaultServer, type FaultServer } from '../test/helpers/fault-server.js';

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
    await expect(autoPaginate(fetchPage).toArray({ limit: 0 })).rejects.toThrow(HeroInputError);
    await expect(autoPaginate(fetchPage).toArray({ limit: 1e9 })).rejects.toThrow(/limit/);
  });

  it('rejects a page size that is not a positive integer, naming the option', () => {
    expect(() => autoPaginate(pagesOf(1).fetchPage, { pageSize: 0 })).toThrow(HeroInputError);
    expect(() => autoPaginate(pagesOf(1).fetchPage, { pageSize: 2.5, startPage: -1 })).toThrow(/pageSize .*; startPage/);
  });

  it('stops with HeroResponseParseError when a server repeats a full page (page_index ignored)', async () => {
    const op = { method: 'GET', path: '/v1/admins', operationId: 'listAdmins' };
    const sameEveryTime = async (): Promise<ListPage<{ id: string }>> => ({ data: [{ id: '1' }, { id: '2' }], count: 1_000 });
    const error = await autoPaginate(sameEveryTime, { pageSize: 2 }, op).toArray({ limit: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroResponseParseError);
    expect((error as Error).message).toMatch(/^GET \/v1\/admins \(listAdmins\) returned the same full page for page_index 0 and 1/);
  });
});

describe('readListPage', () => {
  const op = { method: 'GET', path: '/v1/batch_message', operationId: 'listBatchMessages' };

  it('reads the { data, count } envelope, a bare array, and {} as an empty last page', () => {
    expect(readListPage({ data: [1, 2], count: 7 }, op)).toEqual({ data: [1, 2], count: 7 });
    expect(readListPage({ data: [1] }, op)).toEqual({ data: [1], count: Number.POSITIVE_INFINITY });
    expect(readListPage([1, 2, 3], op)).toEqual({ data: [1, 2, 3], count: Number.POSITIVE_INFINITY });
    expect(readListPage({}, op)).toEqual({ data: [], count: 0 });
  });

  it('refuses any other shape, naming the keys but not the values', () => {
    expect(() => readListPage({ items: [{ nhs_number: '9434765919' }] }, op)).toThrow(HeroResponseParseError);
    expect(() => readListPage({ items: [{ nhs_number: '9434765919' }] }, op)).toThrow(/without a `data` array \(keys: items\)/);
    expect(() => readListPage({ items: ['9434765919'] }, op)).not.toThrow(/9434765919/);
    expect(() => readListPage('text', op)).toThrow(HeroResponseParseError);
  });
});

describe('hero.paginate against a recording server', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const hero = () => createHeroClient({ apiKey: 'hk_test_paginate_secret', practiceGroupId: '4242', baseUrl: server.url, env: {} });

  it('walks every page with numeric page parameters, the filters and the per-call options on each', async () => {
    // 5 recipients in pages of 2, answered from the page_index the client sent.
    server.setFallback((request) => {
      const url = new URL(request.url, server.url);
      const index = Number(url.searchParams.get('page_index'));
      const ids = [1, 2, 3, 4, 5].slice(index * 2, index * 2 + 2).map(String);
      return { type: 'respond', body: { data: ids.map((id) => ({ id })), count: 5 } };
    });
    const items = await hero()
      .paginate('/v1/batch_message/{id}/recipients', { params: { path: { id: '77' }, query: { status: 'CREATED' } }, pageSize: 2, practiceGroupId: '9', headers: { 'x-trace-id': 't1' } })
      .toArray({ limit: 100 });
    expect(items).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }, { id: '5' }]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/batch_message/77/recipients?status=CREATED&page_index=0&page_size=2',
      '/v1/batch_message/77/recipients?status=CREATED&page_index=1&page_size=2',
      '/v1/batch_message/77/recipients?status=CREATED&page_index=2&page_size=2',
    ]);
    expect(server.requests.every((r) => r.headers['x-practice-group-id'] === '9' && r.headers['x-trace-id'] === 't1')).toBe(true);
  });

  it('the resource shortcuts page the same way', async () => {
    server.enqueue({ type: 'respond', body: { data: [{ id: 'a' }], count: 1 } });
    expect(await hero().messages.batches.recipientsAll('5').toArray({ limit: 10 })).toEqual([{ id: 'a' }]);
    expect(server.requests[0]?.url).toBe('/v1/batch_message/5/recipients?page_index=0&page_size=100');
  });

  it('accepts numbers for page parameters on one-page calls, and rejects (not throws) bad ones', async () => {
    await hero().patients.search({ last_name: 'Smith', page_index: 3, page_size: 25 });
    expect(server.requests[0]?.url).toBe('/v3/patients?last_name=Smith&page_index=3&page_size=25');
    const pending = hero().patients.search({ last_name: 'Smith', page_size: 0 });
    await expect(pending).rejects.toBeInstanceOf(HeroInputError);
    expect(server.requests).toHaveLength(1);
  });
});
