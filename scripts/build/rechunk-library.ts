/**
 * The library's last build step: Rollup re-chunks esbuild's ESM output (tsup.config.ts) and
 * writes the ESM and CommonJS files the package ships.
 *
 * Why: esbuild gives every set of entry points that share a module its own chunk, and the
 * code the client loads lazily (campaign runner, journals, bulk runner, telemetry, the Redis
 * stores) shares modules with the entry, so `import '@hero-sdk/hero-health'` loaded the entry
 * and nine chunks; each module costs Node's ES loader ~0.3 ms to resolve, read and link.
 * Rollup knows a lazily imported chunk runs after the entry has loaded, so it keeps the shared
 * modules in what the entry loads and has the lazy chunks import them from there: the entry
 * loads two files (measured in docs/performance.md, "Cold import").
 *
 * One Rollup graph writes both formats, so ESM and CommonJS hold the same chunks, and each
 * format has exactly one copy of every class (`instanceof HeroError` holds across entries).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rollup, type RollupLog } from 'rollup';

/** Where esbuild's own library chunks go (tsup.config.ts `chunkNames`); removed once re-chunked. */
export const ESBUILD_CHUNK_DIR = '.esbuild-chunks';

/** The library's entries (tsup.config.ts's first build), by output name. */
const LIBRARY_ENTRIES: readonly string[] = ['index', 'testing'];

/**
 * Re-chunks the library in `distDir`: reads `<entry>.js` (esbuild ESM) with its chunks, writes
 * `<entry>.js` and `<entry>.cjs` and `chunks/*.{js,cjs}`, and deletes esbuild's chunks. Any
 * Rollup warning fails the build: one would mean the output differs from what esbuild wrote.
 */
export async function rechunkLibrary(distDir: string, entries: readonly string[] = LIBRARY_ENTRIES): Promise<void> {
  const warnings: string[] = [];
  const bundle = await rollup({
    input: Object.fromEntries(entries.map((name) => [name, join(distDir, `${name}.js`)])),
    // Dependencies, peers and Node built-ins stay imports, as esbuild left them.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    // esbuild already dropped what is unused; keep every statement of what it wrote.
    treeshake: false,
    // Except esbuild's bare `import "./chunk-….js";` lines, which only order the evaluation of its
    // chunks (declarations: the package says `"sideEffects": false`). Kept, each one makes a
    // consumer's bundler warn that it drops it (esbuild's ignored-bare-import).
    plugins: [{ name: 'drop-bare-chunk-imports', transform: (code) => ({ code: code.replace(/^import "\.\/chunk-[\w-]+\.js";\n/gm, ''), map: null }) }],
    onLog: (level: string, log: RollupLog) => {
      if (level === 'warn') warnings.push(`${log.code ?? ''}: ${log.message}`);
    },
  });
  try {
    if (warnings.length > 0) throw new Error(`rollup warned while re-chunking the library:\n${warnings.join('\n')}`);
    rmSync(join(distDir, 'chunks'), { recursive: true, force: true });
    // No bare `import './chunk.js'` of what a chunk's own imports load anyway: under the package's
    // `"sideEffects": false` a consumer's bundler drops each one with a warning (esbuild's ignored-bare-import).
    const shared = { dir: distDir, hoistTransitiveImports: false } as const;
    await bundle.write({ ...shared, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' });
    await bundle.write({
      ...shared,
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: 'chunks/[name]-[hash].cjs',
      exports: 'named',
      // As esbuild's CommonJS did: a dependency's default export is its `default` or, for a plain CommonJS module, the module.
      interop: 'auto',
      // Optional peers (@opentelemetry/api, ioredis) are `require`d from CommonJS, as before.
      dynamicImportInCjs: false,
    });
  } finally {
    await bundle.close();
  }
  rmSync(join(distDir, ESBUILD_CHUNK_DIR), { recursive: true, force: true });
  const left = readdirSync(distDir).filter((file) => /^chunk-.*\.c?js$/.test(file));
  if (left.length > 0) throw new Error(`esbuild chunks left beside the re-chunked library: ${left.join(', ')}`);
}
