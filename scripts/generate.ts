/**
 * `npm run generate`: openapi/hero-public-api.yaml → generated/ (types + operation table) and
 * the README's table of operations with undocumented answers (scripts/lib/gaps-table.ts).
 * `npm run generate:check`: exits 1, naming the stale files, when generated/ or that README
 * table is not what the spec produces — CI runs it so a spec edit without regeneration fails the build.
 * Rendering is shared with the drift check (src/drift/render-generated.ts), so a drift run
 * compiles against types made exactly like the committed ones.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import type { OpenApiDocument } from '../src/openapi/document.js';
import { renderGeneratedFiles } from '../src/drift/render-generated.js';
import { renderGapsTable, withGapsTable } from './lib/gaps-table.js';
import { generatedDir, repoRoot, specPath } from './lib/paths.js';

const check = process.argv.includes('--check');
const document = parse(await readFile(specPath, 'utf8')) as OpenApiDocument;
const files = await renderGeneratedFiles(document, basename(specPath));
const readmePath = join(repoRoot, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const readmeWithGaps = withGapsTable(readme, renderGapsTable(document, join(repoRoot, 'src', 'resources')));

if (check) {
  const stale: string[] = [];
  for (const [name, contents] of files) {
    const current = await readFile(join(generatedDir, name), 'utf8').catch(() => undefined);
    if (current !== contents) stale.push(relative(repoRoot, join(generatedDir, name)));
  }
  if (readmeWithGaps !== readme) stale.push('README.md (the table of undocumented answers)');
  if (stale.length > 0) {
    console.error(`generated/ is stale: ${stale.join(', ')} differ from what ${relative(repoRoot, specPath)} produces.`);
    console.error('Run `npm run generate` and commit the result.');
    process.exit(1);
  }
  console.log(`generated/ is up to date with ${relative(repoRoot, specPath)} (${files.size} files).`);
} else {
  await mkdir(generatedDir, { recursive: true });
  for (const [name, contents] of files) await writeFile(join(generatedDir, name), contents);
  if (readmeWithGaps !== readme) await writeFile(readmePath, readmeWithGaps);
  console.log(`wrote ${[...files.keys()].map((n) => `generated/${n}`).join(', ')} and the README's table of undocumented answers`);
}
