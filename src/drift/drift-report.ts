import { SEVERITIES, severityRank, type DriftChange, type Severity } from './change.js';
import { TOOL_EXIT } from '../tool-output/exit-codes.js';

/** The `--fail-on` levels: fail on breaking changes only, on breaking or warning, or on any change. */
export type FailOn = 'breaking' | 'warning' | 'any';

/** Every `--fail-on` level, for argument checking and help text. */
export const FAIL_ON_LEVELS: readonly FailOn[] = ['breaking', 'warning', 'any'];

/**
 * Exit codes of `hero-drift`, from the table every command of this package shares
 * (src/tool-output/exit-codes.ts). "Could not look" (3) is never "nothing changed" (0).
 * - 0: no change at or above the `--fail-on` level (or `--update` done)
 * - 1: at least one change at or above the `--fail-on` level
 * - 2: usage error (unknown flag, bad value, unwritable report), a missing tool package, no tsconfig
 * - 3: no verdict: a spec could not be fetched, read or parsed (too large, a recursive alias, not
 *   OpenAPI 3), types could not be generated, or a spec names a file or URL in a `$ref` that no
 *   `--allow-ref-dir` covers (nothing it names was read)
 * - 4: `--update` could not write the spec or regenerate types
 */
export const EXIT_CODE = {
  ok: TOOL_EXIT.ok,
  drift: TOOL_EXIT.findings,
  usage: TOOL_EXIT.usage,
  unreadable: TOOL_EXIT.noVerdict,
  updateFailed: TOOL_EXIT.updateFailed,
} as const;

/** Where the client-level check stands. */
export interface ClientCheckSummary {
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  /** Source and example files compiled. */
  filesChecked?: number;
  /** `consumer`: a partner's project; `repository`: this SDK's src/ and README. */
  mode?: 'consumer' | 'repository';
  /** Consumer mode: the tsconfig.json compiled. */
  project?: string;
  /** Consumer mode: errors the project already had against the installed types (not drift). */
  preExistingErrors?: number;
}

/** One side of the comparison. */
export interface SpecSummary {
  source: string;
  version?: string;
}

/** Everything a run found; the markdown, JSON and JUnit writers all render this. */
export interface DriftReport {
  tool: 'hero-drift';
  /** `error` when a spec could not be fetched or parsed: there is no verdict. */
  status: 'compared' | 'error';
  baseline: SpecSummary;
  against: SpecSummary;
  failOn: FailOn;
  /** The most severe change, or `none`. */
  verdict: Severity | 'none';
  exitCode: number;
  counts: Record<Severity, number>;
  /** Spec-level changes and compile errors, most severe first. */
  changes: DriftChange[];
  clientCheck: ClientCheckSummary;
  /** What went wrong when `status` is `error`. */
  error?: string;
  durationMs: number;
  /** ISO timestamp of the run. */
  generatedAt: string;
}

/** True when `severity` is at or above the `--fail-on` level. */
export function meetsFailLevel(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'any') return true;
  return severityRank(severity) >= severityRank(failOn);
}

/** Builds the report of a completed comparison, with its verdict and exit code. */
export function buildReport(input: {
  baseline: SpecSummary;
  against: SpecSummary;
  failOn: FailOn;
  changes: DriftChange[];
  clientCheck: ClientCheckSummary;
  durationMs: number;
  now?: Date;
}): DriftReport {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const change of input.changes) counts[change.severity] += 1;
  const verdict = SEVERITIES.find((severity) => counts[severity] > 0) ?? 'none';
  const fails = input.changes.some((change) => meetsFailLevel(change.severity, input.failOn));
  return {
    tool: 'hero-drift',
    status: 'compared',
    baseline: input.baseline,
    against: input.against,
    failOn: input.failOn,
    verdict,
    exitCode: fails ? EXIT_CODE.drift : EXIT_CODE.ok,
    counts,
    changes: input.changes,
    clientCheck: input.clientCheck,
    durationMs: Math.round(input.durationMs),
    generatedAt: (input.now ?? new Date()).toISOString(),
  };
}

/** Builds the report of a run that could not compare (exit code 3). */
export function buildErrorReport(input: {
  baseline: SpecSummary;
  against: SpecSummary;
  failOn: FailOn;
  error: string;
  durationMs: number;
  /** @default EXIT_CODE.unreadable */
  exitCode?: number;
  now?: Date;
}): DriftReport {
  return {
    tool: 'hero-drift',
    status: 'error',
    baseline: input.baseline,
    against: input.against,
    failOn: input.failOn,
    verdict: 'none',
    exitCode: input.exitCode ?? EXIT_CODE.unreadable,
    counts: { breaking: 0, warning: 0, 'non-breaking': 0 },
    changes: [],
    clientCheck: { status: 'skipped', reason: 'the specs could not be compared' },
    error: input.error,
    durationMs: Math.round(input.durationMs),
    generatedAt: (input.now ?? new Date()).toISOString(),
  };
}
