import { describe, expect, it } from 'vitest';
import { buildErrorReport } from './drift-report.js';
import { added, compileError, now, removed, report, sides, widened } from './fixtures/sample-changes.js';
import { renderJunitReport } from './report-junit.js';

describe('renderJunitReport', () => {
  it('fails test cases at or above the fail level and passes the rest with the change in system-out', () => {
    const xml = renderJunitReport(report([removed, widened, added, compileError]));
    expect(xml).toContain('<testsuites name="hero-drift" tests="4" failures="2" errors="0" skipped="0" time="1.234">');
    expect(xml).toMatch(/name="response\.property\.removed at #\/components\/schemas\/Patient\/properties\/dob">\n\s+<failure /);
    expect(xml).toMatch(/name="response\.enum\.widened at #\/components\/schemas\/Channel">\n\s+<system-out>/);
    expect(xml).toMatch(/classname="hero-drift\.client" name="client\.compile-error at src\/resources\/patients\.ts:12:5">\n\s+<failure /);
  });

  it('escapes XML special characters in messages', () => {
    const xml = renderJunitReport(report([{ ...removed, message: 'a < b & "c"' }]));
    expect(xml).toContain('message="a &lt; b &amp; &quot;c&quot;"');
  });

  it('records a failed comparison as an error, not a pass', () => {
    const xml = renderJunitReport(buildErrorReport({ ...sides, failOn: 'breaking', error: 'HTTP 503', durationMs: 5, now }));
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error message="HTTP 503" type="unreadable"/>');
  });
});
