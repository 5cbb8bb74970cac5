/**
 * Every TypeScript block in the README is a copy of a file (or a marked region of one) under
 * examples/, which `npm run typecheck` compiles and examples/*.test.ts run against the mock.
 * This test fails when a README block and its file disagree, so no README code goes untested.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './lib/paths.js';

interface Block {
  readonly line: number;
  readonly code: string;
  readonly source: string | undefined;
}

const EXAMPLE_MARKER = /^<!-- example: (\S+?) -->$/;

function typeScriptBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue;
    // The example marker sits just above the fence (a drift skip marker may sit between).
    let source: string | undefined;
    for (let j = i - 1; j >= Math.max(0, i - 2); j--) {
      const match = EXAMPLE_MARKER.exec(lines[j]?.trim() ?? '');
      if (match) source = match[1];
    }
    const end = lines.indexOf('```', i + 1);
    blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), source });
    i = end;
  }
  return blocks;
}

function readExample(source: string): string {
  const [file, region] = source.split('#');
  const text = readFileSync(join(repoRoot, file!), 'utf8');
  if (!region) return text.replace(/\n$/, '');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${region}`);
  if (start < 0 || end < start) throw new Error(`${file} has no region ${region}`);
  return lines.slice(start + 1, end).join('\n');
}

const blocks = typeScriptBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'));

describe('README code blocks', () => {
  it('has TypeScript examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  for (const block of blocks) {
    it(`block at README.md:${block.line} is a copy of ${block.source ?? '(no example marker)'}`, () => {
      expect(block.source, 'every ```ts block needs <!-- example: examples/<file>[#region] --> above it').toBeDefined();
      expect(block.code).toBe(readExample(block.source!));
    });
  }
});
