/**
 * checkConsumerProject on a hand-made install (no npm pack: scripts/drift-consumer.package.test.ts
 * does the real thing): a package whose declarations take their API types from
 * dist/generated/hero-api.d.ts, and a partner project using them.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles } from './client-check.js';
import { checkConsumerProject } from './consumer-check.js';
import { baseSpec, type Spec } from './fixtures/rule-pairs.js';
import { HeroDriftSetupError } from './optional-import.js';

let workDir = '';
let projectDir = '';
let packageDir = '';

const partnerCode = `import type { Widget, WidgetInput } from 'widget-sdk';

export const label = (widget: Widget): string => widget.name;
export const draft: WidgetInput = { name: 'sprocket', size: 2 };
// An error the project already has, whatever Hero does:
export const broken: number = 'not a number';
`;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hero-consumer-check-'));
  projectDir = join(workDir, 'partner');
  packageDir = join(projectDir, 'node_modules', 'widget-sdk');
  await mkdir(join(packageDir, 'dist', 'generated'), { recursive: true });
  await mkdir(join(projectDir, 'src'));
  const generated = (await generateFiles(baseSpec(), 'base')).get('hero-api.ts') ?? '';
  await Promise.all([
    writeFile(join(packageDir, 'package.json'), JSON.stringify({ name: 'widget-sdk', version: '1.0.0', types: './dist/index.d.ts' })),
    writeFile(join(packageDir, 'dist', 'generated', 'hero-api.d.ts'), generated),
    writeFile(
      join(packageDir, 'dist', 'index.d.ts'),
      "import type { components } from './generated/hero-api.js';\n" +
        "export type Widget = components['schemas']['Widget'];\nexport type WidgetInput = components['schemas']['WidgetInput'];\n",
    ),
    writeFile(
      join(projectDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, types: [] },
        include: ['src'],
      }),
    ),
    writeFile(join(projectDir, 'src', 'widgets.ts'), partnerCode),
  ]);
});

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

const check = (spec: Spec, changes = []) =>
  checkConsumerProject({ document: spec, label: 'new.yaml', projectPath: join(projectDir, 'tsconfig.json'), packageDir, changes });

describe('checkConsumerProject', () => {
  it("reports nothing new for an unchanged spec, and counts the project's own error apart", async () => {
    const result = await check(baseSpec());
    expect(result).toEqual({ diagnostics: [], filesChecked: 1, preExisting: 1 });
  });

  it("reports the partner's line that reads a removed response property, and leaves node_modules untouched", async () => {
    const declarations = join(packageDir, 'dist', 'generated', 'hero-api.d.ts');
    const before = await readFile(declarations, 'utf8');
    const spec = baseSpec();
    delete (spec.components.schemas.Widget as { properties: Record<string, unknown> }).properties.name;
    const result = await check(spec);
    expect(result.preExisting).toBe(1);
    expect(result.diagnostics.map(({ file, line, code }) => ({ file, line, code }))).toEqual([{ file: 'src/widgets.ts', line: 3, code: 2339 }]);
    expect(result.diagnostics[0]?.message).toContain("'name'");
    expect(await readFile(declarations, 'utf8')).toBe(before);
  });

  it('names the field and the operations from the spec findings', async () => {
    const spec = baseSpec();
    const input = spec.components.schemas.WidgetInput as { properties: Record<string, unknown> };
    delete input.properties.size;
    const finding = {
      severity: 'warning' as const,
      rule: 'request.property.removed',
      source: 'hero-drift' as const,
      operations: ['POST /widgets (createWidget)'],
      location: '#/components/schemas/WidgetInput/properties/size',
      message: 'WidgetInput.size: removed.',
    };
    const result = await checkConsumerProject({
      document: spec,
      label: 'new.yaml',
      projectPath: join(projectDir, 'tsconfig.json'),
      packageDir,
      changes: [finding],
    });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ file: 'src/widgets.ts', line: 4, fields: ['size'], operations: ['POST /widgets (createWidget)'] });
  });

  it('says what to do when there is no tsconfig, or the package has no generated declarations', async () => {
    await expect(
      checkConsumerProject({ document: baseSpec(), label: 'x', projectPath: join(projectDir, 'missing.json'), packageDir }),
    ).rejects.toThrow(HeroDriftSetupError);
    await expect(
      checkConsumerProject({ document: baseSpec(), label: 'x', projectPath: join(projectDir, 'tsconfig.json'), packageDir: workDir }),
    ).rejects.toThrow(/has no dist\/generated\/hero-api\.d\.ts/);
  });
});
