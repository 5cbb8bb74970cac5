import { describe, expect, it } from 'vitest';
import { extractTypeScriptExamples, SKIP_MARKER } from './readme-examples.js';

describe('extractTypeScriptExamples', () => {
  it('returns ts and typescript blocks with the line of their first code line', () => {
    const markdown = ['# Title', '', '```ts', 'const a = 1;', '```', '', '```typescript', 'const b = 2;', 'const c = 3;', '```'].join('\n');
    expect(extractTypeScriptExamples(markdown)).toEqual([
      { startLine: 4, code: 'const a = 1;' },
      { startLine: 8, code: 'const b = 2;\nconst c = 3;' },
    ]);
  });

  it('ignores blocks in other languages and blocks after the skip marker', () => {
    const markdown = ['```bash', 'npm i', '```', SKIP_MARKER, '```ts', 'not checked', '```', '```ts', 'checked', '```'].join('\n');
    expect(extractTypeScriptExamples(markdown)).toEqual([{ startLine: 9, code: 'checked' }]);
  });

  it('keeps a shorter fence inside a longer one as code', () => {
    const markdown = ['````ts', 'const s = `', '```', '`;', '````'].join('\n');
    expect(extractTypeScriptExamples(markdown)).toEqual([{ startLine: 2, code: 'const s = `\n```\n`;' }]);
  });
});
