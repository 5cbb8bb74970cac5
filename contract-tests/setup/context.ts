/**
 * Per-file setup of contract tests: the spec, its compiled validator and the target from
 * globalSetup. One validator per test file's module graph; every schema compiles once in it.
 */
import { inject } from 'vitest';
import { createSuiteContext, type SuiteContext } from '../../src/contract/run.js';
import { loadSpec, type LoadedSpec } from '../../src/contract/spec.js';
import { contractSpecPath } from './spec-path.js';

/** The spec, and the suite context when the target is usable (else why it is not). */
export interface ContractSetup {
  readonly spec: LoadedSpec;
  readonly ctx: SuiteContext | undefined;
  /** Set when globalSetup could not open the target; tests must be skipped, loudly. */
  readonly skipReason: string | undefined;
}

/** Loads the spec and builds the context from the injected target. */
export async function loadContractSetup(): Promise<ContractSetup> {
  const spec = await loadSpec(contractSpecPath);
  const provided = inject('heroContract');
  if (!provided.ok) {
    const skipReason = `SKIPPED (not passed): ${provided.label} — ${provided.reason}`;
    console.warn(skipReason);
    return { spec, ctx: undefined, skipReason };
  }
  return { spec, ctx: createSuiteContext(spec, { ...provided.target, tap: undefined }), skipReason: undefined };
}
