/**
 * A bounded run of the mutation check (scripts/contract-mutation.ts runs every operator on
 * every operation): two operations, the mutants the issue names and three correct variants.
 * Each mutant must fail the suite; each correct server must pass it.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../src/contract/spec.js';
import { runMutationCheck } from './lib/mutation-check.js';
import { OPERATORS } from './lib/mutation-server.js';
import { specPath } from './lib/paths.js';

const operators = ['identity', 'reordered-pretty-json', 'lowercase-t-z', 'date-time-space', 'pds-demographics-empty', 'pds-spaced-nhs-rejected', 'presence-only-validation', 'unknown-id-500'];

describe('contract suite mutation check (bounded: registerPatientPds and getPatientById)', () => {
  it('fails every mutant and passes every correct server', async () => {
    const results = await runMutationCheck(await loadSpec(specPath), { operators, operations: ['registerPatientPds', 'getPatientById'] });
    expect(results.map((r) => r.operator.name)).toEqual(OPERATORS.filter((o) => operators.includes(o.name)).map((o) => o.name));
    const summary = results.map((r) => ({ operator: r.operator.name, correct: r.operator.correct, exitCode: r.exitCode, failedCases: r.operator.correct ? r.failedCases : [] }));
    expect(summary).toEqual(results.map((r) => ({ operator: r.operator.name, correct: r.operator.correct, exitCode: r.operator.correct ? 0 : 1, failedCases: [] })));
    const caughtBy = (name: string) => results.find((r) => r.operator.name === name)!.failedCases.join('\n');
    expect(caughtBy('date-time-space')).toMatch(/must match format "date-time"/);
    expect(caughtBy('pds-demographics-empty')).toMatch(/registerPatientPds 200 \(request byDemographics\)/);
    expect(caughtBy('unknown-id-500')).toMatch(/getPatientById unknown id: an id that does not exist got 500, expected 404/);
  }, 180_000);
});
