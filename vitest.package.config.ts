import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:package`: tests of the package as published (`scripts/**\/*.package.test.ts`):
 * each packs this package once (scripts/lib/consumer-project.ts), installs the tarball into a
 * new project and checks what a partner gets. Slower than `npm test` (npm pack and installs),
 * so they run on their own, in CI after the build.
 */
export default defineConfig({
  // The package name resolves to the sources, as in vitest.config.ts.
  resolve: base.resolve,
  test: {
    name: 'package',
    include: ['scripts/**/*.package.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
