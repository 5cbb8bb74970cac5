import { describe, expect, it } from 'vitest';
import { buildErrorReport } from './drift-report.js';
import { added, compileError, now, removed, report, sides, widened } from './fixtures/sample-changes.js';
import { renderMarkdownReport } from './report-markdown.js';

describe('renderMarkdownReport', () => {
  const markdown = renderMarkdownReport(report([removed, compileError, widened, added]));

  it('leads with the verdict, the spec counts and the client check', () => {
    expect(markdown.split('\n')[0]).toBe('## Hero API drift: breaking changes');
    expect(markdown).toContain('| Spec changes | 1 breaking, 1 warning, 1 non-breaking |');
    expect(markdown).toContain('| Client check | **1 compile error** (20 files) |');
    expect(markdown).toContain('**fails** at `--fail-on breaking` (exit 1)');
  });

  it('escapes table separators in messages and folds non-breaking changes away', () => {
    expect(markdown).toContain('may now be "fax" \\| "pager"');
    expect(markdown).toMatch(/<details>\n<summary>Non-breaking \(1\)<\/summary>[\s\S]*New operation GET \/v1\/things[\s\S]*<\/details>/);
  });

  it('lists compile errors with location and TypeScript code', () => {
    expect(markdown).toContain("- `src/resources/patients.ts:12:5` TS2339 Property 'dob' does not exist on type 'Patient'.");
  });

  it('says plainly that a failed comparison is not "no drift"', () => {
    const failed = buildErrorReport({ ...sides, failOn: 'breaking', error: 'Could not fetch x: ECONNREFUSED', durationMs: 5, now });
    const error = renderMarkdownReport(failed);
    expect(error).toContain('## Hero API drift: could not compare');
    expect(error).toContain('> Could not fetch x: ECONNREFUSED');
    expect(error).toContain('Exit code 3');
  });
});
