import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package`: tests of the package as published (`scripts/**\/*.package.test.ts`):
 * each packs this package once (scripts/lib/consumer-project.ts), installs the tarball into a
 * new project and checks what a partner gets. Slower than `npm test` (npm pack and installs),
 * so they run on their own, in CI after the build.
 */
const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@hero-sdk\/hero-health\/testing$/, replacement: fromRoot('./src/testing.ts') },
      { find: /^@hero-sdk\/hero-health$/, replacement: fromRoot('./src/index.ts') },
    ],
  },
  test: {
    name: 'package',
    include: ['scripts/**/*.package.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
