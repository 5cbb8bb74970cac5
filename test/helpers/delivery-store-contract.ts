/**
 * The behaviour every WebhookDeliveryStore must have, run against the memory store (fake
 * clock) and the Redis store (real redis-server, short real expiries).
 */
import { expect, it } from 'vitest';
import type { WebhookDeliveryStore } from '../../src/webhooks/receiver/delivery-store.js';

/** How a contract run makes stores and lets time pass. */
export interface StoreContractSetup {
  /** A fresh store (a fresh key space); the caller closes it. */
  store(): WebhookDeliveryStore;
  /** Lets `ms` pass for the store's expiries. */
  elapse(ms: number): Promise<unknown>;
  /** Lease and done-marker lengths the run uses (real time for Redis, so short). */
  readonly leaseMs: number;
  readonly doneTtlMs: number;
}

let sequence = 0;
const freshKey = () => `contract-${process.pid}-${Date.now()}-${sequence++}`;

export function storeContract(setup: () => StoreContractSetup): void {
  it('gives the lease to the first claimer and tells the others it is processing', async () => {
    const { store, leaseMs } = setup();
    const s = store();
    const key = freshKey();
    expect(await s.claim(key, 'p:a', leaseMs)).toBe('claimed');
    expect(await s.claim(key, 'p:b', leaseMs)).toBe('processing');
    expect(await s.claim(key, 'p:a', leaseMs)).toBe('processing');
  });

  it('turns the holder\'s lease into a done marker, and refuses completion to anyone else', async () => {
    const { store, leaseMs, doneTtlMs } = setup();
    const s = store();
    const key = freshKey();
    await s.claim(key, 'p:a', leaseMs);
    expect(await s.complete(key, 'p:b', doneTtlMs)).toBe(false);
    expect(await s.claim(key, 'p:c', leaseMs)).toBe('processing');
    expect(await s.complete(key, 'p:a', doneTtlMs)).toBe(true);
    expect(await s.claim(key, 'p:c', leaseMs)).toBe('done');
    expect(await s.release(key, 'p:a')).toBe(false);
    expect(await s.claim(key, 'p:c', leaseMs)).toBe('done');
  });

  it('lets only the holder release its lease, after which another receiver can claim it', async () => {
    const { store, leaseMs } = setup();
    const s = store();
    const key = freshKey();
    await s.claim(key, 'p:a', leaseMs);
    expect(await s.release(key, 'p:b')).toBe(false);
    expect(await s.release(key, 'p:a')).toBe(true);
    expect(await s.claim(key, 'p:b', leaseMs)).toBe('claimed');
  });

  it('expires a lease that is not renewed: a crashed holder\'s delivery can be claimed again', async () => {
    const { store, leaseMs, doneTtlMs, elapse } = setup();
    const s = store();
    const key = freshKey();
    await s.claim(key, 'p:crashed', leaseMs);
    await elapse(leaseMs * 2);
    expect(await s.claim(key, 'p:retry', leaseMs)).toBe('claimed');
    expect(await s.renew(key, 'p:crashed', leaseMs)).toBe(false);
    expect(await s.complete(key, 'p:crashed', doneTtlMs)).toBe(false);
    expect(await s.complete(key, 'p:retry', doneTtlMs)).toBe(true);
  });

  it('keeps a renewed lease past its first expiry, for its holder only', async () => {
    const { store, leaseMs, elapse } = setup();
    const s = store();
    const key = freshKey();
    await s.claim(key, 'p:a', leaseMs);
    expect(await s.renew(key, 'p:b', leaseMs)).toBe(false);
    for (let i = 0; i < 4; i++) {
      await elapse(leaseMs / 2);
      expect(await s.renew(key, 'p:a', leaseMs)).toBe(true);
    }
    expect(await s.claim(key, 'p:b', leaseMs)).toBe('processing');
  });

  it('completes a lapsed lease nobody took (the handler did run)', async () => {
    const { store, leaseMs, doneTtlMs, elapse } = setup();
    const s = store();
    const key = freshKey();
    await s.claim(key, 'p:slow', leaseMs);
    await elapse(leaseMs * 2);
    expect(await s.complete(key, 'p:slow', doneTtlMs)).toBe(true);
    expect(await s.claim(key, 'p:b', leaseMs)).toBe('done');
  });

  it('forgets a done marker after doneTtlMs', async () => {
    const { store, leaseMs, doneTtlMs, elapse } = setup();
    const s = store();
    const key = freshKey();
    await s.claim(key, 'p:a', leaseMs);
    await s.complete(key, 'p:a', doneTtlMs);
    await elapse(doneTtlMs / 2);
    expect(await s.claim(key, 'p:b', leaseMs)).toBe('done');
    await elapse(doneTtlMs);
    expect(await s.claim(key, 'p:b', leaseMs)).toBe('claimed');
  });
}
