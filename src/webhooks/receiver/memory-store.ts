import type { DeliveryClaim, WebhookDeliveryStore } from './delivery-store.js';

interface DeliveryRecord {
  /** A claim's token while processing, or `DONE`. */
  readonly value: string;
  /** `Date.now()` at which the record no longer counts. */
  readonly expiresAt: number;
}

const DONE = 'done';
// Expired records are dropped by a sweep at most this often, on the next call.
const SWEEP_EVERY_MS = 60_000;

/** The in-memory store, with the number of records it holds (for metrics and tests). */
export interface MemoryWebhookStore extends WebhookDeliveryStore {
  /** Records held, expired ones included until the next sweep. */
  readonly size: number;
}

/**
 * A {@link WebhookDeliveryStore} in this process's memory: the default of
 * `createWebhookHandler`. It deduplicates deliveries that reach this process only; a
 * fleet of receivers needs a shared store (`redisUrl`). Records live as long as the
 * lease or done marker says, so memory is bounded by the deliveries of one tolerance
 * window (a few hundred bytes each); only authentic deliveries are recorded.
 */
export function createMemoryWebhookStore(): MemoryWebhookStore {
  const records = new Map<string, DeliveryRecord>();
  let nextSweepAt = 0;

  /** The live record of `key`, dropping expired ones on the way. */
  function live(key: string, now: number): DeliveryRecord | undefined {
    if (now >= nextSweepAt) {
      for (const [k, record] of records) if (record.expiresAt <= now) records.delete(k);
      nextSweepAt = now + SWEEP_EVERY_MS;
    }
    const record = records.get(key);
    if (record !== undefined && record.expiresAt <= now) {
      records.delete(key);
      return undefined;
    }
    return record;
  }

  return {
    get size() {
      return records.size;
    },
    async claim(key, token, leaseMs): Promise<DeliveryClaim> {
      const now = Date.now();
      const record = live(key, now);
      if (record === undefined) {
        records.set(key, { value: token, expiresAt: now + leaseMs });
        return 'claimed';
      }
      return record.value === DONE ? 'done' : 'processing';
    },
    async renew(key, token, leaseMs) {
      const now = Date.now();
      if (live(key, now)?.value !== token) return false;
      records.set(key, { value: token, expiresAt: now + leaseMs });
      return true;
    },
    async complete(key, token, doneTtlMs) {
      const now = Date.now();
      const record = live(key, now);
      if (record !== undefined && record.value !== token) return false;
      records.set(key, { value: DONE, expiresAt: now + doneTtlMs });
      return true;
    },
    async release(key, token) {
      if (live(key, Date.now())?.value !== token) return false;
      records.delete(key);
      return true;
    },
    async close() {
      records.clear();
    },
  };
}
