import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:slow`: end-to-end checks that cost a sixth of `npm test` on a 2-core machine
 * (`src/**\/*.slow.test.ts`): hero-drift compiling what ships against regenerated types and
 * scoring the whole breaking-change corpus, and the small campaign crash and fleet runs
 * (SIGKILLed worker processes; `npm run test:crash` runs them full size). .ci/run runs both.
 * Run them when you change src/drift/ or src/campaign/.
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
