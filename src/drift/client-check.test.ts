import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClient } from './client-check.js';
import { parseOpenApiText } from '../openapi/parse.js';

const load = (name: string) => parseOpenApiText(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'), name);

// A miniature client laid out like this repository: src/ importing ../generated/hero-api.js,
// a README with a TypeScript example, and a test file that must not be compiled.
const WIDGET_LABEL = `import type { components } from '../generated/hero-api.js';

/** Reads \`colour\`, so removing it from the spec must break compilation here. */
export function widgetLabel(widget: components['schemas']['Widget']): string {
  return \`\${widget.name} (\${widget.colour})\`;
}
`;
const README = `# Fixture client

\`\`\`ts
import { widgetLabel } from 'fixture-client';

console.log(widgetLabel({ id: '1', name: 'Sprocket', colour: 'red' }));
\`\`\`
`;

describe('checkClient', () => {
  let rootDir: string;
  // This repository's node_modules, as in a real run (@types/node included).
  let options: { label: string; rootDir: string; nodeModulesDir: string };

  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'hero-drift-client-'));
    await mkdir(join(rootDir, 'src'));
    await writeFile(join(rootDir, 'package.json'), JSON.stringify({ name: 'fixture-client', type: 'module' }));
    await writeFile(join(rootDir, 'src', 'widget-label.ts'), WIDGET_LABEL);
    await writeFile(join(rootDir, 'src', 'index.ts'), "export { widgetLabel } from './widget-label.js';\n");
    await writeFile(join(rootDir, 'src', 'widget-label.test.ts'), "const wrong: number = 'tests are not part of the check';\n");
    await writeFile(join(rootDir, 'README.md'), README);
    options = { label: 'new.yaml', rootDir, nodeModulesDir: join(process.cwd(), 'node_modules') };
  });
  afterAll(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  it('reports each place a removed response property breaks, located in the original source and README', async () => {
    const result = await checkClient({ ...options, document: load('removed-response-property.yaml') });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file: 'README.md', line: 6, column: 54, code: 2353 }),
      expect.objectContaining({ file: 'src/widget-label.ts', line: 5, column: 36, code: 2339 }),
    ]);
    expect(result.diagnostics[1]?.message).toMatch(/Property 'colour' does not exist/);
  });

  it('finds nothing when the client still compiles, and leaves test files out', async () => {
    const result = await checkClient({ ...options, document: load('added-optional-property.yaml') });
    expect(result.diagnostics).toEqual([]);
    // index.ts, widget-label.ts and the README example; not widget-label.test.ts.
    expect(result.filesChecked).toBe(3);
  });
});
