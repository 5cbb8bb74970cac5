/**
 * `npx tsx scripts/contract-mutation.ts [--operator <name>]… [--operation <id>]…`
 *
 * The contract suite's own mutation score: a forwarding server alters a correct server's
 * answers one way at a time; the suite must fail every mutant and pass every correct variant.
 * Exit 0 when both hold, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { loadSpec } from '../src/contract/spec.js';
import { runMutationCheck } from './lib/mutation-check.js';
import { specPath } from './lib/paths.js';

const { values } = parseArgs({ options: { operator: { type: 'string', multiple: true }, operation: { type: 'string', multiple: true } } });
const started = performance.now();
const results = await runMutationCheck(await loadSpec(specPath), { ...(values.operator && { operators: values.operator }), ...(values.operation && { operations: values.operation }) });
const mutants = results.filter((r) => !r.operator.correct);
const correct = results.filter((r) => r.operator.correct);
for (const r of results) {
  const verdict = r.operator.correct ? (r.asExpected ? 'passed (correct)' : 'FAILED A CORRECT SERVER') : r.asExpected ? 'caught' : 'MISSED';
  console.log(`${r.operator.name.padEnd(28)} ${verdict.padEnd(24)} exit ${r.exitCode}  ${r.operator.description}`);
  for (const c of r.asExpected && r.operator.correct ? [] : r.failedCases.slice(0, r.operator.correct ? 3 : 1)) console.log(`${' '.repeat(30)}↳ ${c.slice(0, 160)}`);
}
console.log(`\nMutants caught: ${mutants.filter((r) => r.asExpected).length}/${mutants.length}. Correct servers passed: ${correct.filter((r) => r.asExpected).length}/${correct.length}. ${((performance.now() - started) / 1000).toFixed(1)} s.`);
process.exitCode = results.every((r) => r.asExpected) ? 0 : 1;
