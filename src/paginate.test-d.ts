/** `hero.paginate` is typed from the spec: which paths page, what each item is, which params are required. */
import { describe, expectTypeOf, it } from 'vitest';
import type { components } from '../generated/hero-api.js';
import type { HeroClient } from './client.js';
import type { PagedPath, PageItem } from './paginate.js';
import type { SuccessBody } from './resources/types.js';

declare const hero: HeroClient;

describe('hero.paginate types', () => {
  it('offers exactly the GET operations with page_index', () => {
    expectTypeOf<'/v3/patients' | '/v1/admins' | '/v1/episodes' | '/v2/automated_messages' | '/v1/batch_message'>().toExtend<PagedPath>();
    expectTypeOf<'/v1/batch_message/{id}/recipients' | '/v1/batch_message/{id}/messages'>().toExtend<PagedPath>();
    expectTypeOf<'/v1/locations'>().not.toExtend<PagedPath>();
    expectTypeOf<'/v1/patients/{id}'>().not.toExtend<PagedPath>();
  });

  it('types items from the data[] of each list', () => {
    expectTypeOf<PageItem<'/v1/admins'>>().toEqualTypeOf<components['schemas']['Admin']>();
    expectTypeOf<PageItem<'/v3/patients'>>().toEqualTypeOf<SuccessBody<'listPatientsV3'>['data'][number]>();
    // Hero does not document this body: items are unknown, not any.
    expectTypeOf<PageItem<'/v1/batch_message'>>().toBeUnknown();
  });

  it('requires path params where the path has them, and filters are typed', () => {
    hero.paginate('/v1/admins');
    hero.paginate('/v1/admins', { pageSize: 50, params: { query: { order_by: 'first_name' } }, timeoutMs: 1000 });
    hero.paginate('/v1/batch_message/{id}/recipients', { params: { path: { id: '1' } } });
    // @ts-expect-error `id` is required
    hero.paginate('/v1/batch_message/{id}/recipients');
    // @ts-expect-error not a paged operation
    hero.paginate('/v1/locations');
    // @ts-expect-error page_index is set by the paginator
    hero.paginate('/v1/admins', { params: { query: { page_index: '2' } } });
    // @ts-expect-error unknown order_by value
    hero.paginate('/v1/admins', { params: { query: { order_by: 'surname' } } });
  });

  it('accepts numbers for page parameters on the resources', () => {
    void hero.patients.search({ last_name: 'Smith', page_index: 2, page_size: 50 });
    void hero.messages.batches.list({ page_index: 0, page_size: 10 });
    void hero.raw.GET('/v1/admins', { params: { query: { page_index: '0' } } });
  });
});
