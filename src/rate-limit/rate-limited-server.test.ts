/**
 * The client against a server that enforces a rate limit, in a child process (so its
 * clock and event loop are its own): no call fails, nothing is sent twice, and the
 * client keeps its 429s few without being told the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from '../../test/helpers/spawn-server.js';
import { sendMessageBody } from '../../test/helpers/fixtures.js';
import { createHeroClient } from '../index.js';
import type { LimitedServerStats } from '../../test/helpers/limited-server.js';

let server: ChildServer;
beforeAll(async () => {
  // 40 requests/s, burst 4; 429 with Retry-After: 1 beyond.
  server = await spawnServer(new URL('../../test/helpers/limited-server.ts', import.meta.url).pathname, ['40', '4']);
});
afterAll(() => server.close());

describe('bulk sends against a rate-limited server', () => {
  it('sends 80 messages 16 at a time with default options: all succeed, none twice, few 429s', async () => {
    const hero = createHeroClient({ apiKey: 'test-key-rate', practiceGroupId: '4242', baseUrl: server.url, env: {} });
    const before = await server.ask<LimitedServerStats>('stats');
    let next = 0;
    const failures: unknown[] = [];
    const loop = async (): Promise<void> => {
      while (next < 80) {
        const i = next++;
        await hero.messages.send(sendMessageBody(`it-${i}`)).catch((error: unknown) => failures.push(error));
      }
    };
    await Promise.all(Array.from({ length: 16 }, loop));
    await hero.close();
    const stats = await server.ask<LimitedServerStats>('stats');

    expect(failures).toEqual([]);
    expect(stats.processed - before.processed).toBe(80);
    expect(stats.duplicates).toBe(0);
    // Unpaced, 16 loops against burst 4 answer most attempts with 429 (the issue measured 93%).
    // The client starts unpaced too (nothing says there is a limit): its start window and
    // the slow start after it cost about a dozen, once; then none.
    expect(stats.rejected - before.rejected).toBeLessThanOrEqual(20);
  });
});
