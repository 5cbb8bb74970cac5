/**
 * hero-drift scored on the oasdiff-style corpus (fixtures/oasdiff-corpus.ts): every breaking
 * change found, no harmless one called breaking, nothing crashes. A rule change that loses a
 * case shows here by name.
 */
import { describe, expect, it } from 'vitest';
import { classifyChanges } from './classify.js';
import { ORACLE_CORPUS, scoreCorpus } from './fixtures/oasdiff-corpus.js';

describe('the oasdiff-style corpus', () => {
  it('has breaking and harmless cases, each a single change', () => {
    expect(ORACLE_CORPUS.filter((entry) => entry.level === 'ERR').length).toBeGreaterThanOrEqual(100);
    expect(ORACLE_CORPUS.filter((entry) => entry.level === 'INFO').length).toBeGreaterThanOrEqual(90);
  });

  it('finds every breaking change and calls no harmless one breaking', async () => {
    const score = await scoreCorpus((before, after) => classifyChanges({ document: before, label: 'before' }, { document: after, label: 'after' }));
    expect(score.crashed).toEqual([]);
    expect(score.breaking.missed).toEqual([]);
    expect(score.harmless.calledBreaking).toEqual([]);
    expect(score.breaking.found).toBe(score.breaking.total);
  }, 120_000);
});
