/**
 * `npm run test:fleet`: the webhook fleet run of issue 27 (4 receiver processes, a real
 * redis-server, 3,000 posts, one SIGKILL). Kept out of `npm test` because its sustained load
 * on a 2-core machine disturbs other files' timing-sensitive tests; .ci/run runs it after them.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.fleet.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
