import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:slow`: end-to-end checks that are mostly CPU (`src/**\/*.slow.test.ts`: hero-drift
 * compiling what ships against regenerated types, and scoring the whole breaking-change corpus).
 * About 20 s of CPU, which on a 2-core machine is a sixth of `npm test`; .ci/run runs them
 * after it. Run them when you change src/drift/.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    name: 'slow',
    include: ['src/**/*.slow.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
