/**
 * Presents a {@link SuiteReport}: a per-operation table for the console, JUnit XML for CI,
 * a JSON summary, and the exit code (0 only when every required case passed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { jsonText, oneLine, xmlAttribute, xmlText } from '../tool-output/escape.js';
import { formatMarkdown } from './report-markdown.js';
import { exitCodeOf, kindGroup, summarize, type KindCounts } from './summary.js';
import type { CaseResult, SuiteReport } from './run.js';

const pad = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/**
 * The console report: table, failures, warnings, totals. Text from the spec or the target
 * is put on one line each ({@link oneLine}), so it cannot start a line such as `RESULT: PASS`.
 * With `showBodies`, a failed case's masked body follows its problems.
 */
export function formatConsoleReport(report: SuiteReport, options: { maxWarnings?: number; showBodies?: boolean } = {}): string {
  const lines: string[] = [];
  const summary = summarize(report);
  lines.push(`Hero contract suite — target: ${oneLine(report.target.label)}`);
  lines.push(`Spec: ${oneLine(report.specPath)}`);
  if (report.skipped !== undefined) {
    const bar = '!'.repeat(78);
    lines.push('', bar, `!! SKIPPED — NOTHING WAS TESTED. This is not a pass.`, `!! ${oneLine(report.skipped)}`, bar, '');
    return lines.join('\n');
  }
  lines.push('');
  lines.push(`${pad('Operation', 30)} ${pad('Method path', 42)} ${pad('Statuses covered', 44)} ${pad('Negative', 9)} Result`);
  lines.push('-'.repeat(138));
  const byOperation = new Map<string, CaseResult[]>();
  for (const r of report.results) {
    if (!r.operationId) continue;
    byOperation.set(r.operationId, [...(byOperation.get(r.operationId) ?? []), r]);
  }
  for (const [operationId, results] of byOperation) {
    const first = results[0]!;
    const responses = results.filter((r) => r.kind === 'response');
    const statuses = [...new Set(responses.map((r) => r.status!))];
    const statusText = statuses
      .map((s) => {
        const cases = responses.filter((r) => r.status === s);
        if (cases.some((r) => r.outcome === 'failed')) return `${s}✗`;
        if (cases.some((r) => r.outcome === 'passed')) return s;
        return `(${s})`;
      })
      .join(' ');
    const negatives = results.filter((r) => r.kind !== 'response' && r.kind !== 'self-check');
    const negRan = negatives.filter((r) => r.outcome === 'passed' || r.outcome === 'failed');
    const negText = negRan.length === 0 ? 'n/a' : `${negRan.filter((r) => r.outcome === 'passed').length}/${negRan.length}`;
    const ran = results.filter((r) => r.outcome === 'passed' || r.outcome === 'failed');
    const result = results.some((r) => r.outcome === 'failed')
      ? 'FAIL'
      : ran.length === 0
        ? 'N/A'
        : results.some((r) => r.warnings.length > 0)
          ? 'PASS (warnings)'
          : 'PASS';
    lines.push(`${pad(oneLine(operationId), 30)} ${pad(oneLine(`${first.method ?? ''} ${first.path ?? ''}`), 42)} ${pad(oneLine(statusText), 44)} ${pad(negText, 9)} ${result}`);
  }
  lines.push('-'.repeat(138));
  lines.push('Statuses in (parentheses) were not applicable on this target; ✗ marks a failure. Negative: rejection cases passed/run.');

  const failures = report.results.filter((r) => r.outcome === 'failed');
  if (failures.length > 0) {
    lines.push('', `FAILURES (${failures.length})`);
    for (const r of failures) {
      lines.push(`✗ ${oneLine(r.id)}${r.actualStatus !== undefined ? ` [got ${r.actualStatus}]` : ''}`);
      for (const p of r.problems) lines.push(`    ${oneLine(p)}`);
      if (options.showBodies && r.maskedBody !== undefined) lines.push(`    body (masked): ${oneLine(r.maskedBody)}`);
    }
  }
  const warned = report.results.filter((r) => r.warnings.length > 0);
  if (warned.length > 0) {
    const max = options.maxWarnings ?? 40;
    lines.push('', `DRIFT WARNINGS (${summary.warnings})`);
    let shown = 0;
    for (const r of warned) {
      for (const w of r.warnings) {
        if (shown++ < max) lines.push(`! ${oneLine(r.id)}: ${oneLine(w)}`);
      }
    }
    if (shown > max) lines.push(`  … ${shown - max} more in the JSON report`);
  }
  const inconclusive = report.results.filter((r) => r.outcome === 'inconclusive');
  if (inconclusive.length > 0) {
    lines.push('', `INCONCLUSIVE — RETRY LATER (${inconclusive.length}): the target answered 429 Too Many Requests`);
    for (const r of inconclusive.slice(0, 20)) lines.push(`? ${oneLine(r.id)}: ${oneLine(r.reason ?? '')}`);
    if (inconclusive.length > 20) lines.push(`  … ${inconclusive.length - 20} more in the JSON report`);
  }
  const na = report.results.filter((r) => r.outcome === 'not-applicable');
  if (na.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of na) reasons.set(r.reason ?? '', (reasons.get(r.reason ?? '') ?? 0) + 1);
    lines.push('', `NOT APPLICABLE ON THIS TARGET (${na.length})`);
    for (const [reason, n] of reasons) lines.push(`- ${n} × ${oneLine(reason)}`);
  }
  const k = summary.byKind;
  const line = (name: string, c: KindCounts) =>
    `${name}: ${c.total} (passed ${c.passed}, failed ${c.failed}${c.inconclusive > 0 ? `, inconclusive ${c.inconclusive}` : ''}, not applicable ${c.notApplicable})`;
  lines.push('');
  lines.push(`Operations: ${summary.operations} (${summary.operationsCovered} with passing cases)`);
  lines.push(`Documented statuses: ${summary.statusesDocumented}, covered ${summary.statusesCovered} (${percent(summary.statusesCovered, summary.statusesDocumented)})`);
  lines.push(`Cases — ${line('response', k.response)}; ${line('negative', k.negative)}; ${line('self-checks', k['self-check'])}`);
  lines.push(`Warnings: ${summary.warnings}. Duration: ${(report.durationMs / 1000).toFixed(1)} s.`);
  lines.push(resultLine(report));
  return lines.join('\n');
}

/** `RESULT: PASS`, `RESULT: FAIL`, or why nothing was learnt. */
function resultLine(report: SuiteReport): string {
  const code = exitCodeOf(report);
  if (code === 0) return 'RESULT: PASS';
  if (code === 1) return 'RESULT: FAIL';
  return report.skipped !== undefined ? 'RESULT: SKIPPED — nothing was tested' : 'RESULT: INCONCLUSIVE — every case was rate limited (429); retry later';
}

const percent = (a: number, b: number) => (b === 0 ? '—' : `${Math.floor((a / b) * 1000) / 10}%`);

const xml = xmlAttribute;

/** JUnit XML: one testsuite per kind (response, negative, self-check), one testcase per case. */
export function formatJUnit(report: SuiteReport): string {
  const groups = new Map<string, CaseResult[]>();
  for (const r of report.results) groups.set(kindGroup(r), [...(groups.get(kindGroup(r)) ?? []), r]);
  const suites = [...groups].map(([kind, results]) => {
    const failures = results.filter((r) => r.outcome === 'failed').length;
    const skipped = results.filter((r) => r.outcome !== 'passed' && r.outcome !== 'failed').length;
    const time = results.reduce((t, r) => t + r.durationMs, 0) / 1000;
    const cases = results.map((r) => {
      const open = `    <testcase classname="hero-contract.${xml(kind)}.${xml(r.operationId ?? 'spec')}" name="${xml(r.id)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      const inner: string[] = [];
      if (r.outcome === 'failed') inner.push(`      <failure message="${xml(r.problems[0] ?? 'failed')}">${xmlText(r.problems.join('\n'))}</failure>`);
      if (r.outcome === 'not-applicable') inner.push(`      <skipped message="${xml(`not applicable: ${r.reason ?? ''}`)}"/>`);
      if (r.outcome === 'inconclusive') inner.push(`      <skipped message="${xml(`inconclusive: ${r.reason ?? ''}`)}"/>`);
      if (r.outcome === 'skipped') inner.push(`      <skipped message="${xml(`SKIPPED, target unreachable: ${r.reason ?? ''}`)}"/>`);
      if (r.warnings.length > 0) inner.push(`      <system-out>${xmlText(r.warnings.map((w) => `drift warning: ${oneLine(w)}`).join('\n'))}</system-out>`);
      return inner.length === 0 ? `${open}/>` : `${open}>\n${inner.join('\n')}\n    </testcase>`;
    });
    return `  <testsuite name="hero-contract ${xml(kind)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}" timestamp="${report.startedAt}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = report.results.length;
  const failures = report.results.filter((r) => r.outcome === 'failed').length;
  const skipped = report.results.filter((r) => r.outcome !== 'passed' && r.outcome !== 'failed').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hero-contract (${xml(report.target.label)})" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The JSON summary: totals plus every result (masked bodies are for the terminal only, so left out). */
export function formatJson(report: SuiteReport): string {
  const results = report.results.map(({ maskedBody: _maskedBody, ...result }) => result);
  return `${jsonText(JSON.stringify({ ...report, results, summary: summarize(report), exitCode: exitCodeOf(report) }, null, 2))}\n`;
}

/** Where {@link writeReports} writes; each path is optional. */
export interface ReportFiles {
  readonly junit?: string | undefined;
  readonly json?: string | undefined;
  /** The markdown summary, e.g. `$GITHUB_STEP_SUMMARY`. */
  readonly markdown?: string | undefined;
}

/** Writes the requested reports (creating their directories); returns the paths written. */
export async function writeReports(report: SuiteReport, files: ReportFiles): Promise<string[]> {
  const outputs: [string | undefined, () => string][] = [
    [files.junit, () => formatJUnit(report)],
    [files.json, () => formatJson(report)],
    [files.markdown, () => formatMarkdown(report)],
  ];
  const written: string[] = [];
  for (const [path, render] of outputs) {
    if (!path) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, render());
    written.push(path);
  }
  return written;
}

/** The default report files in `dir`: `contract.junit.xml` and `contract.json`. */
export const defaultReportFiles = (dir: string): ReportFiles => ({ junit: join(dir, 'contract.junit.xml'), json: join(dir, 'contract.json') });
