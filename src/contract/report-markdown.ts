/**
 * The markdown summary of a run, for `$GITHUB_STEP_SUMMARY` or a pull-request comment:
 * the verdict, totals per kind, then failures, rate-limited cases and what did not apply.
 */
import { markdownCode, markdownText } from '../tool-output/escape.js';
import { exitCodeOf, summarize, type KindCounts } from './summary.js';
import type { SuiteReport } from './run.js';

const MAX_LISTED = 50;

/** Text from the spec or the target, as markdown that shows it and does nothing else. */
const cell = markdownText;

/** Renders the summary. Never contains credentials: reports hold only ids, statuses and findings. */
export function formatMarkdown(report: SuiteReport): string {
  const code = exitCodeOf(report);
  const summary = summarize(report);
  const verdict = report.skipped !== undefined ? '⚠️ SKIPPED — nothing was tested' : code === 0 ? '✅ PASS' : code === 1 ? '❌ FAIL' : '⚠️ INCONCLUSIVE — rate limited, retry later';
  const lines = [`## Hero contract suite: ${verdict}`, '', `Target: \`${markdownCode(report.target.label)}\`  `, `Spec: \`${markdownCode(report.specPath)}\``, ''];
  if (report.skipped !== undefined) {
    lines.push(`> **Not a pass.** ${cell(report.skipped)}`, '');
    return `${lines.join('\n')}\n`;
  }
  const row = (name: string, k: KindCounts) => `| ${name} | ${k.total} | ${k.passed} | ${k.failed} | ${k.inconclusive} | ${k.notApplicable} |`;
  lines.push('| Cases | Total | Passed | Failed | Inconclusive (429) | Not applicable |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  lines.push(row('Documented responses', summary.byKind.response), row('Rejected requests', summary.byKind.negative), row('Spec self-checks', summary.byKind['self-check']));
  lines.push('', `Operations: ${summary.operations} (${summary.operationsCovered} with passing cases). Documented statuses covered: ${summary.statusesCovered} of ${summary.statusesDocumented}. Drift warnings: ${summary.warnings}. Duration: ${(report.durationMs / 1000).toFixed(1)} s.`);
  const section = (title: string, outcome: string, describe: (r: SuiteReport['results'][number]) => string) => {
    const found = report.results.filter((r) => r.outcome === outcome);
    if (found.length === 0) return;
    lines.push('', `### ${title} (${found.length})`, '');
    for (const r of found.slice(0, MAX_LISTED)) lines.push(`- **${cell(r.id)}**${describe(r)}`);
    if (found.length > MAX_LISTED) lines.push(`- … ${found.length - MAX_LISTED} more in the JSON report`);
  };
  section('Failures', 'failed', (r) => `${r.actualStatus !== undefined ? ` (got ${r.actualStatus})` : ''}${r.problems.map((p) => `\n  - ${cell(p)}`).join('')}`);
  section('Inconclusive — retry later', 'inconclusive', (r) => `: ${cell(r.reason ?? '')}`);
  const na = report.results.filter((r) => r.outcome === 'not-applicable');
  if (na.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of na) reasons.set(r.reason ?? '', (reasons.get(r.reason ?? '') ?? 0) + 1);
    lines.push('', `### Not applicable on this target (${na.length})`, '');
    for (const [reason, n] of reasons) lines.push(`- ${n} × ${cell(reason)}`);
  }
  return `${lines.join('\n')}\n`;
}
