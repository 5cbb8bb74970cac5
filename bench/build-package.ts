/**
 * Builds the package entry (src/index.ts) the way a release would (tsup: esbuild, then
 * Rollup's re-chunking; ESM and CommonJS; dependencies left external) into a scratch
 * folder, so the bench measures the code users run. Running src/ under tsx is not the
 * same: tsx compiles with esbuild's `keepNames`, which wraps every function created per
 * call in a `__name()` call, a cost shipped code does not have.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ESBUILD_CHUNK_DIR, rechunkLibrary } from '../scripts/build/rechunk-library.js';
import { versionDefine } from '../scripts/build/version-define.js';

/** Repo root (the folder holding package.json and node_modules). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where the scratch build goes; under reports/ (git-ignored) so `openapi-fetch` resolves from node_modules. */
export const scratchBuildDir = fileURLToPath(new URL('../reports/.bench-build/', import.meta.url));

/** The built entry module, and whether it came from an existing `dist/` or a scratch build. */
export interface BuiltPackage {
  readonly entryPath: string;
  readonly source: 'scratch build';
}

/**
 * Builds src/ with tsup into {@link scratchBuildDir}, always: an existing `dist/` may be
 * stale (the tests rebuild it, a checkout does not), and a bench of old code is worse
 * than none. Call {@link removeScratchBuild} when done.
 */
export async function buildPackage(): Promise<BuiltPackage> {
  const { build } = await import('tsup');
  await build({
    entry: { index: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
    outDir: scratchBuildDir,
    // Both builds: the throughput bench loads the ESM one, the cold-import bench both (index.cjs beside it).
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: false,
    sourcemap: false,
    // As tsup.config.ts builds the library: esbuild's chunks, then Rollup's re-chunking.
    splitting: true,
    esbuildOptions(options) {
      options.chunkNames = `${ESBUILD_CHUNK_DIR}/[name]-[hash]`;
    },
    clean: true,
    silent: true,
    config: false,
    define: { ...versionDefine },
  });
  await rechunkLibrary(scratchBuildDir, ['index']);
  return { entryPath: `${scratchBuildDir}index.js`, source: 'scratch build' };
}

/** Deletes the scratch build (never touches `dist/`). */
export async function removeScratchBuild(): Promise<void> {
  await rm(scratchBuildDir, { recursive: true, force: true });
}
