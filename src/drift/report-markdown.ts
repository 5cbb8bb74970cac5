import type { DriftChange, Severity } from './change.js';
import { markdownCode, markdownText } from '../tool-output/escape.js';
import type { DriftReport, SpecSummary } from './drift-report.js';

// GitHub caps a pull-request comment at 65,536 characters; long tables also stop being read.
const MAX_ROWS_PER_SECTION = 40;

const HEADINGS: Record<Severity, string> = {
  breaking: 'Breaking',
  warning: 'Warnings',
  'non-breaking': 'Non-breaking',
};

/**
 * The report as GitHub-flavoured markdown for a job summary or a pull-request comment:
 * verdict first, breaking changes and compile errors next, non-breaking ones folded away.
 */
export function renderMarkdownReport(report: DriftReport): string {
  const lines: string[] = [];
  if (report.status === 'error') {
    lines.push('## Hero API drift: could not compare', '');
    lines.push(`> ${markdownText(report.error ?? 'unknown error')}`, '');
    lines.push(
      `Exit code ${report.exitCode}: no verdict. This is not "no drift"; fix the cause and run again.`,
      '',
      ...sidesTable(report.baseline, report.against),
    );
    return `${lines.join('\n')}\n`;
  }

  lines.push(`## Hero API drift: ${headline(report)}`, '');
  lines.push(...sidesTable(report.baseline, report.against));
  lines.push(`| Spec changes | ${countsText(report)} |`);
  lines.push(`| Client check | ${clientCheckText(report)} |`);
  const level = `\`--fail-on ${report.failOn}\``;
  lines.push(`| Result | ${report.exitCode === 1 ? `**fails** at ${level}` : `passes at ${level}`} (exit ${report.exitCode}) |`, '');

  const specChanges = report.changes.filter((change) => change.source !== 'typescript');
  const compileErrors = report.changes.filter((change) => change.source === 'typescript');
  for (const severity of ['breaking', 'warning'] as const) {
    const changes = specChanges.filter((change) => change.severity === severity);
    if (changes.length > 0) lines.push(`### ${HEADINGS[severity]} (${changes.length})`, '', ...changeTable(changes), '');
  }
  if (compileErrors.length > 0) {
    lines.push(`### Compile errors against the new types (${compileErrors.length})`, '');
    lines.push(
      report.clientCheck.mode === 'consumer'
        ? `Each is a line of your project (${markdownText(report.clientCheck.project ?? 'tsconfig.json')}) that stops compiling against this package re-typed from Hero's spec.`
        : 'Each is a place in this client that stops compiling when its types are regenerated from Hero\'s spec.',
      '',
    );
    for (const change of compileErrors.slice(0, MAX_ROWS_PER_SECTION)) {
      const code = typeof change.details?.code === 'number' ? `TS${change.details.code} ` : '';
      lines.push(`- \`${markdownCode(change.location)}\` ${code}${markdownText(change.message)}`);
    }
    if (compileErrors.length > MAX_ROWS_PER_SECTION) {
      lines.push(`- … and ${compileErrors.length - MAX_ROWS_PER_SECTION} more (see the JSON report)`);
    }
    lines.push('');
  }
  const nonBreaking = specChanges.filter((change) => change.severity === 'non-breaking');
  if (nonBreaking.length > 0) {
    const summary = `<summary>${HEADINGS['non-breaking']} (${nonBreaking.length})</summary>`;
    lines.push('<details>', summary, '', ...changeTable(nonBreaking), '', '</details>', '');
  }
  if (report.changes.length === 0) {
    lines.push('The vendored spec matches Hero\'s. Nothing to do.', '');
  } else if (report.clientCheck.mode === 'consumer') {
    lines.push(
      'Each compile error above is a line of your code that Hero\'s new spec breaks: it will stop compiling when ' +
        '`@hero-sdk/hero-health` moves to that spec, and what it sends or reads may already be wrong against Hero.',
      '',
    );
  } else {
    lines.push(
      'After review, `npm run drift -- --update` (in the SDK repository) vendors the new spec and regenerates the types.',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

function headline(report: DriftReport): string {
  if (report.verdict === 'none') return 'no changes';
  if (report.verdict === 'breaking') return 'breaking changes';
  if (report.verdict === 'warning') return 'changes to review';
  return 'non-breaking changes only';
}

function sidesTable(baseline: SpecSummary, against: SpecSummary): string[] {
  const side = (summary: SpecSummary) =>
    `\`${markdownCode(summary.source)}\`${summary.version === undefined ? '' : ` (version ${markdownText(summary.version)})`}`;
  return ['| | |', '|---|---|', `| Vendored spec | ${side(baseline)} |`, `| Compared with | ${side(against)} |`];
}

// Compile errors are counted on the client-check row, so this row is the spec alone.
function countsText(report: DriftReport): string {
  const spec = report.changes.filter((change) => change.source !== 'typescript');
  const count = (severity: Severity) => spec.filter((change) => change.severity === severity).length;
  return `${count('breaking')} breaking, ${count('warning')} warning, ${count('non-breaking')} non-breaking`;
}

function clientCheckText(report: DriftReport): string {
  const { clientCheck } = report;
  const project = clientCheck.project === undefined ? '' : `${markdownText(clientCheck.project)}, `;
  const files = clientCheck.filesChecked === undefined ? '' : ` (${project}${clientCheck.filesChecked} files)`;
  const already =
    clientCheck.preExistingErrors === undefined || clientCheck.preExistingErrors === 0
      ? ''
      : `; ${clientCheck.preExistingErrors} error(s) the project already had against the installed types are not counted`;
  if (clientCheck.status === 'skipped') return `skipped: ${markdownText(clientCheck.reason ?? 'not run')}`;
  if (clientCheck.status === 'passed') return `compiles against the new types${files}${already}`;
  const errors = report.changes.filter((change) => change.source === 'typescript').length;
  return `**${errors} compile error${errors === 1 ? '' : 's'}**${files}${already}`;
}

function changeTable(changes: readonly DriftChange[]): string[] {
  const rows = changes.slice(0, MAX_ROWS_PER_SECTION).map((change) => {
    const operations =
      change.operations.length <= 3
        ? change.operations.map((operation) => markdownText(operation)).join('<br>')
        : `${change.operations.slice(0, 2).map((operation) => markdownText(operation)).join('<br>')}<br>and ${change.operations.length - 2} more`;
    return `| ${markdownText(change.message)} | ${operations || '—'} | \`${markdownCode(change.location)}\` | \`${markdownCode(change.rule)}\` |`;
  });
  const more = changes.length > MAX_ROWS_PER_SECTION ? [`| … and ${changes.length - MAX_ROWS_PER_SECTION} more (see the JSON report) | | | |`] : [];
  return ['| Change | Operations | Where | Rule |', '|---|---|---|---|', ...rows, ...more];
}
