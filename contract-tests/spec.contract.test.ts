/**
 * Self-checks of openapi/ that every generated case relies on, plus the coverage promise:
 * every operation and every documented status has a case, and Prism can run all of them.
 */
import { describe, expect, it } from 'vitest';
import { operations as clientOperations } from '../generated/operations.js';
import { generateCases } from '../src/contract/cases.js';
import { runSelfChecks } from '../src/contract/self-check.js';
import { loadSpec } from '../src/contract/spec.js';
import { createSpecValidator } from '../src/contract/validate.js';
import { contractSpecPath } from './setup/spec-path.js';

const spec = await loadSpec(contractSpecPath);
const validator = createSpecValidator(spec);

describe('spec self-checks', () => {
  for (const check of runSelfChecks(spec, validator)) {
    it(check.id, () => {
      expect(check.problems, check.problems.join('\n')).toEqual([]);
    });
  }
});

describe('coverage of the generated cases', () => {
  const cases = generateCases(spec);

  it('has a case for every documented status of every operation', () => {
    const missing = spec.operations.flatMap((op) =>
      op.responses.filter((r) => !cases.some((c) => c.operation === op && c.status === r.status)).map((r) => `${op.operationId} ${r.status}`),
    );
    expect(missing).toEqual([]);
  });

  it('can ask Prism for every documented status (no ranges or defaults)', () => {
    expect(cases.filter((c) => c.unrunnable).map((c) => `${c.id}: ${c.unrunnable}`)).toEqual([]);
  });

  it("covers every operation in the client's generated operation table", () => {
    const covered = new Set(cases.map((c) => c.operation.operationId));
    expect(clientOperations.map((o) => o.operationId).filter((id) => !covered.has(id))).toEqual([]);
  });
});
