/**
 * Runs the contract suite once per mutation operator against the forwarding server
 * (scripts/lib/mutation-server.ts) in front of an embedded Prism mock of the spec, exactly
 * as `hero-contract --target <url> --allow-writes` would. A mutant is caught when the
 * suite fails (exit 1); a correct variant must pass (exit 0).
 */
import { exitCodeOf } from '../../src/contract/summary.js';
import { createSuiteContext, runSuite, type SuiteReport } from '../../src/contract/run.js';
import type { LoadedSpec } from '../../src/contract/spec.js';
import { openTarget, parseTargetChoice } from '../../src/contract/targets.js';
import { createSpecValidator } from '../../src/contract/validate.js';
import { startPrism } from '../../src/testing/prism.js';
import { OPERATORS, startMutationServer, type Operator } from './mutation-server.js';

/** The outcome for one operator. */
export interface MutationResult {
  readonly operator: Operator;
  readonly exitCode: 0 | 1 | 3;
  /** Mutants: the suite failed. Correct variants: the suite passed. */
  readonly asExpected: boolean;
  /** The first failing cases, to show what caught the mutant (or what wrongly failed). */
  readonly failedCases: readonly string[];
}

/** Options of {@link runMutationCheck}. */
export interface MutationCheckOptions {
  /** Operator names to run. @default all */
  operators?: readonly string[];
  /** Only these operationIds (keeps the bounded test fast). @default every operation */
  operations?: readonly string[];
}

/** Runs every chosen operator; Prism and the forwarder start once. */
export async function runMutationCheck(spec: LoadedSpec, options: MutationCheckOptions = {}): Promise<MutationResult[]> {
  const chosen = options.operators ? OPERATORS.filter((o) => options.operators!.includes(o.name)) : OPERATORS;
  const prism = await startPrism({ specPath: spec.specPath });
  const forwarder = await startMutationServer(spec, prism.url);
  const validator = createSpecValidator(spec);
  const results: MutationResult[] = [];
  try {
    const opened = await openTarget(parseTargetChoice({ target: forwarder.url, allowWrites: true }), spec, { env: {} });
    if (!opened.ok) throw new Error(opened.reason);
    const ctx = createSuiteContext(spec, opened.target, validator);
    for (const operator of chosen) {
      forwarder.setOperator(operator);
      const report: SuiteReport = await runSuite(ctx, { selfChecks: false, ...(options.operations && { operations: options.operations }) });
      const exitCode = exitCodeOf(report);
      const failedCases = report.results.filter((r) => r.outcome === 'failed').map((r) => `${r.id}: ${r.problems[0] ?? ''}`);
      results.push({ operator, exitCode, asExpected: operator.correct ? exitCode === 0 : exitCode === 1, failedCases: failedCases.slice(0, 3) });
    }
  } finally {
    await forwarder.close();
    await prism.stop();
  }
  return results;
}
