/**
 * What a contract run is judged by: counts per kind of case, coverage, and the exit code.
 * Shared by every report format (console, JUnit, JSON, Markdown).
 */
import { TOOL_EXIT } from '../tool-output/exit-codes.js';
import type { CaseResult, SuiteReport } from './run.js';

/** Counts of one kind of case. */
export interface KindCounts {
  total: number;
  passed: number;
  failed: number;
  /** Answered 429 where another status was expected: retry later. */
  inconclusive: number;
  notApplicable: number;
  skipped: number;
}

/** Numbers a run is judged by. */
export interface Summary {
  readonly operations: number;
  /** Operations with at least one case that ran and passed. */
  readonly operationsCovered: number;
  /** Documented numeric statuses, over all operations. */
  readonly statusesDocumented: number;
  /** Documented statuses with a passing response case. */
  readonly statusesCovered: number;
  readonly byKind: Record<'response' | 'negative' | 'self-check', KindCounts>;
  readonly warnings: number;
  readonly passed: boolean;
  /** Every case that ran was rate limited: nothing was learnt, so the run is not a pass. */
  readonly allInconclusive: boolean;
}

/** Which column of the summary a case counts in. */
export const kindGroup = (r: CaseResult): keyof Summary['byKind'] => (r.kind === 'response' || r.kind === 'self-check' ? r.kind : 'negative');

/** Computes the {@link Summary} of a report. */
export function summarize(report: SuiteReport): Summary {
  const empty = (): KindCounts => ({ total: 0, passed: 0, failed: 0, inconclusive: 0, notApplicable: 0, skipped: 0 });
  const byKind = { response: empty(), negative: empty(), 'self-check': empty() };
  for (const r of report.results) {
    const k = byKind[kindGroup(r)];
    k.total++;
    if (r.outcome === 'passed') k.passed++;
    else if (r.outcome === 'failed') k.failed++;
    else if (r.outcome === 'inconclusive') k.inconclusive++;
    else if (r.outcome === 'not-applicable') k.notApplicable++;
    else k.skipped++;
  }
  // A status counts as covered only when every case for it (each named example) passed.
  const statusPassed = new Map<string, boolean>();
  for (const r of report.results) {
    if (r.kind !== 'response' || !r.status || !/^\d{3}$/.test(r.status)) continue;
    const key = `${r.operationId} ${r.status}`;
    statusPassed.set(key, (statusPassed.get(key) ?? true) && r.outcome === 'passed');
  }
  const covered = [...statusPassed.values()].filter(Boolean);
  const operationsCovered = new Set(report.results.filter((r) => r.kind !== 'self-check' && r.outcome === 'passed').map((r) => r.operationId)).size;
  const failed = byKind.response.failed + byKind.negative.failed + byKind['self-check'].failed;
  const inconclusive = byKind.response.inconclusive + byKind.negative.inconclusive;
  const allInconclusive = inconclusive > 0 && byKind.response.passed + byKind.negative.passed === 0;
  return {
    operations: report.operationCount,
    operationsCovered,
    statusesDocumented: statusPassed.size,
    statusesCovered: covered.length,
    byKind,
    warnings: report.results.reduce((n, r) => n + r.warnings.length, 0),
    passed: report.skipped === undefined && failed === 0 && !allInconclusive,
    allInconclusive,
  };
}

/**
 * 0: every required case passed (rate-limited cases are listed, not failed). 1: something
 * failed. 3: no verdict: the target was unreachable, or rate limited every case.
 */
export function exitCodeOf(report: SuiteReport): 0 | 1 | 3 {
  if (report.skipped !== undefined) return TOOL_EXIT.noVerdict;
  const summary = summarize(report);
  if (summary.passed) return 0;
  const failed = summary.byKind.response.failed + summary.byKind.negative.failed + summary.byKind['self-check'].failed;
  return failed === 0 && summary.allInconclusive ? TOOL_EXIT.noVerdict : TOOL_EXIT.findings;
}
