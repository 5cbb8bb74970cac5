import type { NormalizedRetryBudgetOptions } from './types.js';
import type { RetryReason } from './types.js';

/**
 * A client-wide token bucket that limits retries (AWS SDK standard retry mode):
 * when many calls fail at once the bucket empties and further failures are thrown
 * at once, instead of tripling the load on a server that is already struggling.
 */
export interface RetryBudget {
  /** Tokens left now. */
  readonly availableTokens: number;
  /**
   * Takes the cost of one retry for `reason`; returns the tokens taken, or
   * `undefined` (taking nothing) when the bucket holds too few.
   */
  tryAcquire(reason: RetryReason): number | undefined;
  /**
   * Records a successful call: refunds `lastRetryCost` when the call needed
   * retries, else adds `successIncrement`; never above capacity.
   */
  recordSuccess(lastRetryCost: number | undefined): void;
}

// Failures that cost timeoutRetryCost: the AWS SDKs charge "transient" errors
// (timeouts, broken connections) more, as they tie up a connection for longest.
const TRANSIENT_REASONS: ReadonlySet<RetryReason> = new Set(['timeout', 'network-error', 'connection-failed']);

/** Creates a full bucket. One per client: it is the only state shared between calls. */
export function createRetryBudget(options: NormalizedRetryBudgetOptions): RetryBudget {
  let tokens = options.capacity;
  return {
    get availableTokens() {
      return tokens;
    },
    tryAcquire(reason) {
      const cost = TRANSIENT_REASONS.has(reason) ? options.timeoutRetryCost : options.retryCost;
      if (cost > tokens) return undefined;
      tokens -= cost;
      return cost;
    },
    recordSuccess(lastRetryCost) {
      tokens = Math.min(options.capacity, tokens + (lastRetryCost ?? options.successIncrement));
    },
  };
}
