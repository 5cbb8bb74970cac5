/**
 * `npm run build`: the library (ESM + CommonJS + declarations) and the `hero-drift`,
 * `hero-contract`, `hero-webhooks`, `hero-mock` and `hero-campaign` bins (ESM only). Dependencies and peer dependencies stay external (tsup's
 * default), so the optional drift tools, Prism and ajv are loaded from the consumer's
 * install, never bundled.
 */
import { rmSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { ESBUILD_CHUNK_DIR, rechunkLibrary } from './scripts/build/rechunk-library.js';
import { versionDefine } from './scripts/build/version-define.js';

// The two builds below run in parallel; tsup's `clean` in either could delete the other's
// output, so dist/ is emptied once here, before both start.
rmSync('dist', { recursive: true, force: true });

const shared = {
  platform: 'node',
  target: 'node20',
  // Keep `node:` specifiers as written; every supported Node version understands them.
  removeNodeProtocol: false,
  sourcemap: false,
  // The version in the User-Agent, baked in (src/observability/sdk-version.ts).
  define: versionDefine,
} as const;

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
    format: ['esm', 'cjs'],
    // The generated API types are their own declaration entry, so index.d.ts and testing.d.ts
    // import `paths`/`components`/`operations` from dist/generated/hero-api.d.ts instead of
    // inlining copies. hero-drift's consumer mode swaps that one file for types generated
    // from Hero's new spec and type-checks the partner's code against them (docs/drift.md).
    dts: {
      entry: { index: 'src/index.ts', testing: 'src/testing.ts', 'generated/hero-api': 'generated/hero-api.ts' },
    },
    // Shared chunks in CommonJS too (tsup enables them for ESM only by default): otherwise
    // index.cjs and testing.cjs would each carry their own HeroError class, and
    // `instanceof HeroError` would fail for errors thrown by the testing helpers.
    splitting: true,
    // esbuild's JavaScript is an intermediate: Rollup re-chunks the ESM build and writes both
    // formats (scripts/build/rechunk-library.ts), so the entry loads two files, not ten.
    esbuildOptions(options) {
      options.chunkNames = `${ESBUILD_CHUNK_DIR}/[name]-[hash]`;
    },
    onSuccess: () => rechunkLibrary('dist'),
  },
  {
    ...shared,
    // The bins use top-level await, which CommonJS cannot express.
    entry: {
      'drift/bin': 'src/drift/bin.ts',
      'contract/bin': 'src/contract/bin.ts',
      'webhooks-cli/bin': 'src/webhooks-cli/bin.ts',
      'mock-cli/bin': 'src/mock-cli/bin.ts',
      'campaign/bin': 'src/campaign/bin.ts',
    },
    format: ['esm'],
    // Apart from the library's chunks, which the library build re-chunks (and checks none is left at the top).
    esbuildOptions(options) {
      options.chunkNames = 'tools/[name]-[hash]';
    },
  },
]);
