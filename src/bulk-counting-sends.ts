/**
 * `hero.bulk` without a journal. The bulk helper judges an item from the error its task
 * ended with, but a task may send a message and then fail on a later call that changed
 * nothing (a GET 404, an input error): that error alone says "safe to send again". So the
 * calls each task sends through this client are counted (the campaign's sending scope,
 * marking nothing), and such an item is `outcome-unknown`, as a campaign records it.
 */
import { mayHaveBeenProcessed, type BulkOptions, type BulkReport, type BulkTaskContext } from './bulk.js';
import { startBulkJob } from './run-bulk.js';
import { mayHaveActedBeforeFailure } from './campaign/outcome.js';
import type { SendingScope } from './campaign/sending-scope.js';
import { HeroError } from './errors.js';

const MARKED = Promise.resolve();

/** Runs the job with every call a task sends through `scope`'s client counted. */
export function runBulkCountingSends<I, T>(
  scope: SendingScope,
  items: Iterable<I> | AsyncIterable<I>,
  task: (item: I, context: BulkTaskContext) => Promise<T>,
  options: BulkOptions,
): Promise<BulkReport<I, T>> {
  // Not a function: refused there, before anything starts.
  if (typeof task !== 'function') return startBulkJob(items, task, options, undefined);
  // Items that failed with "Hero did nothing" after an earlier call of theirs left; read once, by the helper.
  const actedBefore = new Set<number>();
  const counted = async (item: I, context: BulkTaskContext): Promise<T> => {
    let callsSent = 0;
    const mark = (attempt?: number): Promise<void> => {
      if (attempt === 1) callsSent++;
      return MARKED;
    };
    try {
      return await scope.run({ mark }, () => task(item, context));
    } catch (thrown) {
      if (thrown instanceof HeroError && !mayHaveBeenProcessed(thrown) && mayHaveActedBeforeFailure(thrown, callsSent)) actedBefore.add(context.index);
      throw thrown;
    }
  };
  const leave = scope.enter();
  return startBulkJob(items, counted, options, (index) => actedBefore.delete(index)).finally(leave);
}
