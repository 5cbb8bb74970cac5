/**
 * Cold import time of the package, each sample a fresh `node` process:
 * - in-process: `performance.now()` around `await import(entry)` inside the child, so node's
 *   own start-up is not counted;
 * - process delta: wall time of a child that imports the entry minus wall time of the same
 *   child importing nothing, sampled alternately so load drift cancels.
 * Measured for the built package (what users load) and for src/ under tsx. For tsx the
 * baseline child also starts tsx, so the delta is the cost of loading our source (transpile,
 * cached by tsx on disk after the first run), not tsx's own start-up.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median, round } from './stats.js';

/** Medians over the samples, in ms. */
export interface ColdImportResult {
  readonly variant: string;
  readonly samples: number;
  /** Import time measured inside the child. */
  readonly inProcessMs: number;
  /** Wall time of the importing child. */
  readonly processMs: number;
  /** Wall time of the same child importing nothing. */
  readonly baselineProcessMs: number;
  /** Median over samples of (importing child − paired baseline child). */
  readonly processDeltaMs: number;
}

interface Variant {
  readonly name: string;
  readonly nodeArgs: readonly string[];
  readonly specifier: string;
  /** Load with `require()` from a CommonJS script instead of `import()` from a module. */
  readonly require?: boolean;
}

const probe = (specifier: string | undefined, useRequire = false) =>
  specifier === undefined
    ? 'process.stdout.write("0")'
    : useRequire
      ? `const t = performance.now(); require(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`
      : `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;

function runChild(nodeArgs: readonly string[], specifier: string | undefined, cwd: string, useRequire = false): { wallMs: number; importMs: number } {
  const startedAt = performance.now();
  const child = spawnSync(process.execPath, [...nodeArgs, `--input-type=${useRequire ? 'commonjs' : 'module'}`, '-e', probe(specifier, useRequire)], { cwd, encoding: 'utf8' });
  const wallMs = performance.now() - startedAt;
  if (child.status !== 0) throw new Error(`import probe failed (${nodeArgs.join(' ')} ${specifier}): ${child.stderr}`);
  return { wallMs, importMs: Number(child.stdout) };
}

/** Samples each variant `samples` times (after one discarded warm-up), alternating variants and baselines. */
export function measureColdImport(options: { builtEntryPath: string; sourceEntryPath: string; repoRoot: string; samples: number }): ColdImportResult[] {
  const variants: Variant[] = [
    { name: 'built package, ESM (node)', nodeArgs: [], specifier: pathToFileURL(options.builtEntryPath).href },
    // The CommonJS build beside it (index.cjs), loaded with require() as a CJS consumer does.
    { name: 'built package, CJS (node)', nodeArgs: [], specifier: options.builtEntryPath.replace(/\.js$/, '.cjs'), require: true },
    { name: 'src/index.ts (node --import tsx)', nodeArgs: ['--import', 'tsx'], specifier: pathToFileURL(options.sourceEntryPath).href },
  ];
  const samples = variants.map(() => ({ inProcess: [] as number[], wall: [] as number[], baseline: [] as number[], delta: [] as number[] }));
  for (let i = -1; i < options.samples; i++) {
    variants.forEach((variant, v) => {
      // Alternate which child goes first, so neither always runs on a warmer cache.
      const order = (i + v) % 2 === 0 ? [variant.specifier, undefined] : [undefined, variant.specifier];
      const results = order.map((specifier) => ({ specifier, ...runChild(variant.nodeArgs, specifier, options.repoRoot, variant.require === true && specifier !== undefined) }));
      if (i < 0) return;
      const loaded = results.find((r) => r.specifier !== undefined)!;
      const empty = results.find((r) => r.specifier === undefined)!;
      const s = samples[v]!;
      s.inProcess.push(loaded.importMs);
      s.wall.push(loaded.wallMs);
      s.baseline.push(empty.wallMs);
      s.delta.push(loaded.wallMs - empty.wallMs);
    });
  }
  return variants.map((variant, v) => {
    const s = samples[v]!;
    return {
      variant: variant.name,
      samples: options.samples,
      inProcessMs: round(median(s.inProcess)),
      processMs: round(median(s.wall)),
      baselineProcessMs: round(median(s.baseline)),
      processDeltaMs: round(median(s.delta)),
    };
  });
}
