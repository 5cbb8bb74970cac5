import { describe, expectTypeOf, it } from 'vitest';
import type { BulkReport, CampaignReport, HeroClient } from '../index.js';
import { createFileJournal } from '../index.js';

declare const hero: HeroClient;
const patients = [{ rowId: 'r1', heroId: '1' }];

describe('hero.bulk types', () => {
  it('with a journal: a CampaignReport, and key gets the item type', () => {
    const report = hero.bulk(patients, async (p) => p.heroId.length, { journal: createFileJournal('x.journal'), key: (p) => p.rowId });
    expectTypeOf(report).toEqualTypeOf<Promise<CampaignReport<{ rowId: string; heroId: string }, number>>>();
  });

  it('without one: a BulkReport, as before', () => {
    expectTypeOf(hero.bulk(patients, async () => 'x')).toEqualTypeOf<Promise<BulkReport<{ rowId: string; heroId: string }, string>>>();
    expectTypeOf(hero.bulk(patients, async () => 'x', { concurrency: 2 })).toEqualTypeOf<Promise<BulkReport<{ rowId: string; heroId: string }, string>>>();
  });

  it('a key function returning something else is a type error', () => {
    // @ts-expect-error the key must be a string
    void hero.bulk(patients, async () => 1, { journal: createFileJournal('x.journal'), key: (p) => p });
  });

  it('sent results of this run carry the value; earlier ones do not', () => {
    type Result = CampaignReport<string, number>['results'][number];
    expectTypeOf<Extract<Result, { status: 'sent'; thisRun: true }>['value']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<Result, { status: 'sent'; thisRun: false }>>().not.toHaveProperty('value');
  });
});
