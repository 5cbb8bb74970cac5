/**
 * Issue 27's fleet run: 4 receiver processes sharing a real redis-server, 1,000 distinct
 * deliveries each posted 3 times at once to random receivers, one receiver SIGKILLed
 * mid-run while it holds leases, and Hero's retries of whatever got no 2xx.
 */
import { describe, expect, it } from 'vitest';
import { redisUnavailableReason } from '../../../test/helpers/redis-server.js';
import { runWebhookFleet } from '../../../test/helpers/webhook-fleet.js';

const skipReason = redisUnavailableReason();
const DELIVERIES = 1_000;

describe.skipIf(skipReason !== undefined)('a fleet of receivers sharing Redis', () => {
  it('handles every delivery exactly once, answers every copy 2xx, and recovers the killed receiver\'s deliveries', { timeout: 90_000 }, async () => {
    const result = await runWebhookFleet({
      receivers: 4,
      deliveries: DELIVERIES,
      copies: 3,
      concurrency: 25,
      killIndex: 3,
      leaseMs: 1_000,
      inProgressWaitMs: 5_000,
      maxAttempts: 10,
      retryDelayMs: 100,
    });
    console.info(
      `fleet: ${DELIVERIES} deliveries x3 in ${Math.round(result.durationMs)} ms; answers ${JSON.stringify(Object.fromEntries(result.statuses))} ` +
        `${JSON.stringify(Object.fromEntries(result.words))}; network errors ${result.networkErrors}, retries ${result.retries}, ` +
        `orphaned leases ${result.orphanedLeases}`,
    );

    // Exactly once: every delivery's side effect ran, none twice.
    expect(result.effects.size).toBe(DELIVERIES);
    const twice = [...result.effects].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
    // Every copy that reached a live receiver was answered 2xx: handled once, duplicates acknowledged.
    expect([...result.statuses.keys()].filter((status) => status < 200 || status > 299)).toEqual([]);
    expect(result.unacknowledged).toBe(0);
    expect(result.words.get('handled')).toBeLessThanOrEqual(DELIVERIES);
    expect((result.words.get('handled') ?? 0) + (result.words.get('duplicate') ?? 0)).toBeGreaterThanOrEqual(DELIVERIES * 3);
    // The kill happened mid-handler (leases orphaned) and Hero had to retry into the fleet.
    expect(result.orphanedLeases).toBeGreaterThan(0);
    expect(result.networkErrors).toBeGreaterThan(0);
  });
});
