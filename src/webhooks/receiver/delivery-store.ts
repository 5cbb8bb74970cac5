/**
 * Where receivers record which deliveries they are handling and which they have handled.
 * One record per delivery key, in one of two states: a processing lease (owned by one
 * receiver, by token, expiring unless renewed) or a done marker (expiring after the
 * tolerance window, when verification would refuse a replay anyway).
 *
 * Why a lease and then a marker, not one `SET NX` for the whole window: a receiver that is
 * SIGKILLed mid-handler never releases its claim. With one long claim, Hero's retry of that
 * delivery would be acknowledged as a duplicate and the event lost; with a short lease it
 * runs once the lease expires.
 */

/** What {@link WebhookDeliveryStore.claim} found. */
export type DeliveryClaim =
  /** The caller now holds the processing lease. */
  | 'claimed'
  /** Another receiver holds a live lease: wait, or let the sender retry later. */
  | 'processing'
  /** Handled already (a done marker): acknowledge without running the handler. */
  | 'done';

/**
 * A shared record of deliveries, for `createWebhookHandler({ store })`. Every method is one
 * atomic step; `token` is unique per claim, so a receiver whose lease expired cannot renew,
 * complete or release a lease another receiver has taken since. Implementations must bound
 * every wait (reject rather than hang) so a slow store cannot hold a delivery open.
 * Keys are opaque digests (never the signing key or the body).
 */
export interface WebhookDeliveryStore {
  /** Takes the lease for `leaseMs` when there is no record; otherwise says which record there is. */
  claim(key: string, token: string, leaseMs: number): Promise<DeliveryClaim>;
  /** Extends the caller's lease to `leaseMs` from now; `false` when it is no longer the caller's. */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /**
   * Replaces the caller's lease (or no record, if the lease lapsed and nobody took it) with a
   * done marker kept for `doneTtlMs`; `false` when another receiver holds the record now.
   */
  complete(key: string, token: string, doneTtlMs: number): Promise<boolean>;
  /** Deletes the caller's lease so a retry can run the handler; `false` when it was not the caller's. */
  release(key: string, token: string): Promise<boolean>;
  /** Frees what the store opened (connections, timers). */
  close?(): Promise<void>;
}
