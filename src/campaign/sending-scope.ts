/**
 * How a campaign records `sending` right before an item's request leaves, rather than when
 * its task starts: the transport calls `onRequest` after the rate limiter's permit and just
 * before each attempt, and awaits it. While a campaign runs on a client, that hook looks up
 * the item whose task made the call (AsyncLocalStorage) and waits for its `sending` record.
 *
 * Why not record before the task starts: with 16 items in flight at 200/s, most of them are
 * waiting for a permit, not on the wire. A crash would leave all 16 `sending`, each one for a
 * person to check; marking at the request leaves only those that had really left.
 *
 * Costs nothing when no campaign or bulk job runs: the hook is the caller's own until one
 * starts (the transport reads `hooks.onRequest` on every attempt), and the AsyncLocalStorage is
 * only made when the first one runs. `hero.bulk` without a journal uses the same seam to count
 * the calls each task sends (bulk-counting-sends.ts). GET, HEAD and OPTIONS change nothing and
 * mark nothing: a task may look a patient up before sending.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NormalizedTransportHooks, RequestHookEvent, TransportHooks } from '../transport/types.js';

/** The item a task works on, as the hook sees it. */
export interface SendingItem {
  /**
   * Records `sending` (once; later calls wait for the same record). Rejects when the item must not be sent.
   * `attempt` is the request's attempt number (1 for a new call), so the item can count the calls that left.
   */
  readonly mark: (attempt?: number) => Promise<void>;
}

/** The marking seam of one client. */
export interface SendingScope {
  /** The transport hooks: the caller's, with marking added while a campaign runs. */
  readonly hooks: NormalizedTransportHooks;
  /** Runs a task with `item` as the item its requests belong to. */
  run<R>(item: SendingItem, task: () => R): R;
  /** Counts a running campaign in; returns the call that counts it out. */
  enter(): () => void;
}

const CHANGES_NOTHING: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The seam for a client whose own hooks are `callerHooks`. */
export function createSendingScope(callerHooks: TransportHooks): SendingScope {
  const callerOnRequest = callerHooks.onRequest;
  let storage: AsyncLocalStorage<SendingItem> | undefined;
  let running = 0;

  const markThenSend = async (event: RequestHookEvent): Promise<void> => {
    if (callerOnRequest !== undefined) await callerOnRequest(event);
    const item = storage?.getStore();
    if (item !== undefined && !CHANGES_NOTHING.has(event.request.method.toUpperCase())) await item.mark(event.attempt);
  };

  const hooks: NormalizedTransportHooks = Object.freeze({
    get onRequest() {
      return running > 0 ? markThenSend : callerOnRequest;
    },
    onResponse: callerHooks.onResponse,
    onRetry: callerHooks.onRetry,
  });

  return {
    hooks,
    run: (item, task) => (storage ??= new AsyncLocalStorage<SendingItem>()).run(item, task),
    enter() {
      running++;
      storage ??= new AsyncLocalStorage<SendingItem>();
      let left = false;
      return () => {
        if (left) return;
        left = true;
        running--;
      };
    },
  };
}
