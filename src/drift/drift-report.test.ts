import { describe, expect, it } from 'vitest';
import { added, now, removed, report, widened } from './fixtures/sample-changes.js';
import { renderJsonReport } from './report-json.js';

describe('buildReport', () => {
  it('sets the verdict to the most severe change and exit 1 only at or above the fail level', () => {
    expect(report([widened, added])).toMatchObject({ verdict: 'warning', exitCode: 0 });
    expect(report([widened, added], 'warning')).toMatchObject({ verdict: 'warning', exitCode: 1 });
    expect(report([added], 'any')).toMatchObject({ verdict: 'non-breaking', exitCode: 1 });
    expect(report([])).toMatchObject({ verdict: 'none', exitCode: 0, counts: { breaking: 0, warning: 0, 'non-breaking': 0 } });
  });
});

describe('renderJsonReport', () => {
  it('writes the whole report with a layout version', () => {
    const parsed = JSON.parse(renderJsonReport(report([removed]))) as Record<string, unknown>;
    expect(parsed).toMatchObject({ reportVersion: 1, tool: 'hero-drift', verdict: 'breaking', exitCode: 1, generatedAt: now.toISOString() });
    expect(parsed.changes).toEqual([removed]);
  });
});
