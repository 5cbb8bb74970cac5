/**
 * `runBulk` and `hero.bulk`'s way in: the runner (bulk-runner.ts) loads with the first job,
 * so importing the client stays cheap for the many that never run one. Options, report
 * types, errors and argument checks are in bulk.ts.
 */
// HeroBulkInterruptedError for the {@link} in runBulk's documentation.
import type { BulkOptions, BulkReport, BulkTaskContext, HeroBulkInterruptedError } from './bulk.js';
import type { HeroError } from './errors.js';
import { lazyLoadFailed } from './lazy-load.js';

/**
 * Runs `task` once per item, `concurrency` at a time, and reports every outcome.
 * Never rejects because an item failed. Rejects with `HeroInputError` (nothing started) for
 * arguments its types forbid, and with {@link HeroBulkInterruptedError} (every started item in
 * its `report`) when the item iterator or a progress callback throws.
 */
export function runBulk<I, T>(
  items: Iterable<I> | AsyncIterable<I>,
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: BulkOptions = {},
): Promise<BulkReport<I, T>> {
  return startBulkJob(items, task, options, undefined);
}

/**
 * {@link runBulk}, with `actedBeforeFailure(index, error)` saying whether an item whose error
 * alone says "Hero did nothing" made an earlier call that may have been acted on (hero.bulk
 * counts the calls each task sends).
 */
export function startBulkJob<I, T>(
  items: Iterable<I> | AsyncIterable<I>,
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: BulkOptions,
  actedBeforeFailure: ((index: number, error: HeroError) => boolean) | undefined,
): Promise<BulkReport<I, T>> {
  return import('./bulk-runner.js')
    .catch(lazyLoadFailed('the bulk runner'))
    .then(({ runBulkJudged }) => runBulkJudged(items, task, options, actedBeforeFailure));
}
