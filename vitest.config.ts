import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'contract-tests/**/*.test.ts', 'examples/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'generated/**/*.test-d.ts'] },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Starts the contract target (Prism by default) once per run; test files get it via inject().
    globalSetup: ['contract-tests/setup/global-setup.ts'],
  },
});
