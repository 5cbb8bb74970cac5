/**
 * `npm run generate`: openapi/hero-public-api.yaml → generated/ (types + operation table).
 * `npm run generate:check`: exits 1, naming the stale files, when generated/ is not what
 * the spec produces — CI runs it so a spec edit without regeneration fails the build.
 * Rendering is shared with the drift check (src/drift/render-generated.ts), so a drift run
 * compiles against types made exactly like the committed ones.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import type { OpenApiDocument } from '../src/openapi/document.js';
import { renderGeneratedFiles } from '../src/drift/render-generated.js';
import { generatedDir, repoRoot, specPath } from './lib/paths.js';

const check = process.argv.includes('--check');
const document = parse(await readFile(specPath, 'utf8')) as OpenApiDocument;
const files = await renderGeneratedFiles(document, basename(specPath));

if (check) {
  const stale: string[] = [];
  for (const [name, contents] of files) {
    const current = await readFile(join(generatedDir, name), 'utf8').catch(() => undefined);
    if (current !== contents) stale.push(relative(repoRoot, join(generatedDir, name)));
  }
  if (stale.length > 0) {
    console.error(`generated/ is stale: ${stale.join(', ')} differ from what ${relative(repoRoot, specPath)} produces.`);
    console.error('Run `npm run generate` and commit the result.');
    process.exit(1);
  }
  console.log(`generated/ is up to date with ${relative(repoRoot, specPath)} (${files.size} files).`);
} else {
  await mkdir(generatedDir, { recursive: true });
  for (const [name, contents] of files) await writeFile(join(generatedDir, name), contents);
  console.log(`wrote ${[...files.keys()].map((n) => `generated/${n}`).join(', ')}`);
}
