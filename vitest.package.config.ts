/**
 * `npm run test:package`: the packed-tarball tests. Each builds and packs this package once
 * per run (scripts/lib/consumer-project.ts), installs it in a fresh project and runs it as a
 * partner would: ESM and CJS loads, consumer type-checks, the three bins. They take about a
 * minute of CPU, so `npm test` runs a fast check of the package's shape instead
 * (scripts/package-shape.test.ts) and .ci/run runs these after it.
 */
import { defineConfig } from 'vitest/config';

export const PACKAGE_TESTS = ['scripts/consumer-smoke.test.ts', 'scripts/drift-consumer.test.ts', 'scripts/webhooks-bin.test.ts'];

export default defineConfig({
  test: {
    include: PACKAGE_TESTS,
    testTimeout: 20_000,
    hookTimeout: 240_000,
  },
});
