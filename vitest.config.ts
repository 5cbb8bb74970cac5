import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Examples import the package by name, exactly as the README shows them.
  resolve: {
    alias: [
      { find: /^@hero-sdk\/hero-health\/testing$/, replacement: fromRoot('./src/testing.ts') },
      { find: /^@hero-sdk\/hero-health$/, replacement: fromRoot('./src/index.ts') },
    ],
  },
  test: {
    // The *.test-d.ts type tests are compiled by `npm run typecheck` (tsc over tsconfig.json, which
    // includes them), the step before vitest in `npm test`; vitest's own tsc pass would repeat it
    // (~16 s of CPU). `npx vitest --typecheck` still runs them through vitest.
    typecheck: { enabled: false, include: ['src/**/*.test-d.ts', 'generated/**/*.test-d.ts'] },
    // One worker per core. Vitest's default (cores - 1) is a single worker on a 2-core machine,
    // which ran the suite one file at a time; most files wait on servers and child processes.
    maxWorkers: '100%',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
          // Tests of the packed tarball run with `npm run test:package` (vitest.package.config.ts),
          // the CPU-heavy drift checks with `npm run test:slow` (vitest.slow.config.ts); CI runs both.
          exclude: ['**/node_modules/**', '**/*.package.test.ts', '**/*.slow.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'contract',
          include: ['contract-tests/**/*.test.ts'],
          // Opens the contract target (Prism by default) once per run, only when contract tests run.
          globalSetup: ['contract-tests/setup/global-setup.ts'],
        },
      },
    ],
  },
});
