import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { storeContract } from '../../../test/helpers/delivery-store-contract.js';
import { createMemoryWebhookStore } from './memory-store.js';

describe('memory webhook store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  storeContract(() => ({
    store: createMemoryWebhookStore,
    elapse: (ms) => vi.advanceTimersByTimeAsync(ms),
    leaseMs: 30_000,
    doneTtlMs: 660_000,
  }));

  it('drops expired records on a later call, so memory is bounded by one tolerance window of deliveries', async () => {
    const store = createMemoryWebhookStore();
    for (let i = 0; i < 1_000; i++) {
      await store.claim(`k${i}`, 'p:a', 1_000);
      await store.complete(`k${i}`, 'p:a', 10_000);
    }
    expect(store.size).toBe(1_000);
    await vi.advanceTimersByTimeAsync(70_000);
    await store.claim('new', 'p:a', 1_000);
    expect(store.size).toBe(1);
  });
});
