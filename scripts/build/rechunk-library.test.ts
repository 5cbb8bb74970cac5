/**
 * rechunkLibrary on a small library shaped like ours: two entries sharing an errors module,
 * and a lazily imported module that uses code of the main entry. The package says
 * `"sideEffects": false`, so a bundler drops a bare `import './chunk.js'` and warns about it
 * (esbuild: "Ignoring this import because … was marked as having no side effects"): the
 * output must import chunks only for what it uses.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ESBUILD_CHUNK_DIR, rechunkLibrary } from './rechunk-library.js';

let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'hero-rechunk-'));
  const chunks = join(dist, ESBUILD_CHUNK_DIR);
  mkdirSync(chunks);
  // As esbuild writes them: a chunk per set of entries sharing a module, and bare imports that only order evaluation.
  writeFileSync(join(chunks, 'chunk-ERRORS01.js'), 'export class HeroError extends Error {}\n');
  writeFileSync(join(chunks, 'chunk-CORE0001.js'), 'import { HeroError } from "./chunk-ERRORS01.js";\nexport const helper = () => { if (Math.random() > 2) throw new HeroError(); return 1; };\n');
  writeFileSync(join(chunks, 'lazy-LAZY0001.js'), 'import { helper } from "./chunk-CORE0001.js";\nimport "./chunk-ERRORS01.js";\nexport const go = () => helper() + 1;\n');
  writeFileSync(
    join(dist, 'index.js'),
    `import { HeroError } from "./${ESBUILD_CHUNK_DIR}/chunk-ERRORS01.js";\nimport { helper } from "./${ESBUILD_CHUNK_DIR}/chunk-CORE0001.js";\nexport { HeroError, helper };\nexport const run = () => import("./${ESBUILD_CHUNK_DIR}/lazy-LAZY0001.js").then((m) => m.go());\n`,
  );
  writeFileSync(join(dist, 'testing.js'), `import { HeroError } from "./${ESBUILD_CHUNK_DIR}/chunk-ERRORS01.js";\nexport { HeroError };\n`);
  await rechunkLibrary(dist);
});

afterAll(() => rmSync(dist, { recursive: true, force: true }));

it('writes both formats, and the lazy chunk still runs', async () => {
  const index = (await import(join(dist, 'index.js'))) as { run: () => Promise<number> };
  expect(await index.run()).toBe(2);
});

it('no chunk has a bare import of another chunk (a bundler honouring sideEffects: false would drop it, with a warning)', () => {
  const files = [...readdirSync(dist).filter((f) => /\.c?js$/.test(f)), ...readdirSync(join(dist, 'chunks')).map((f) => join('chunks', f))];
  const bare = files.filter((file) => /^(import ['"]\.{1,2}\/[^'"]+['"];|require\(['"]\.{1,2}\/[^'"]+['"]\);)$/m.test(readFileSync(join(dist, file), 'utf8')));
  expect(bare).toEqual([]);
});
