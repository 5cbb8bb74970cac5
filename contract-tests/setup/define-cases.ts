/**
 * Declares one vitest test per generated contract case, grouped by the operation's tag,
 * so vitest's reporters (and JUnit) name every operationId and status.
 */
import { describe, it } from 'vitest';
import { generateCases, type ContractCase } from '../../src/contract/cases.js';
import { runCase, type CaseResult } from '../../src/contract/run.js';
import type { ContractSetup } from './context.js';

/** A test name that reads as a behaviour. */
export function caseTitle(c: ContractCase): string {
  switch (c.kind) {
    case 'response':
      return `${c.id}: status, content type and body match the spec`;
    case 'missing-api-key':
      return `${c.operation.operationId} without x-api-key is rejected with 401`;
    case 'missing-header':
      return `${c.operation.operationId} without ${c.header} is rejected as documented`;
    case 'invalid-body':
      return `${c.operation.operationId} with an invalid body (${c.invalidBody?.how ?? 'schema violated'}) is rejected with 400 or 422`;
    case 'unknown-id':
      return `${c.operation.operationId} with an id that does not exist answers the documented 404`;
  }
}

/** Thrown for a failed case; the message lists every problem (field and expected schema). */
export class ContractCaseFailure extends Error {
  override name = 'ContractCaseFailure' as const;
  constructor(result: CaseResult) {
    super(`${result.id}${result.actualStatus !== undefined ? ` [got ${result.actualStatus}]` : ''}\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Declares the tests for the cases `select` keeps. Not-applicable cases are skipped with their reason. */
export function defineCaseTests(setup: ContractSetup, title: string, select: (c: ContractCase) => boolean): void {
  const cases = generateCases(setup.spec).filter(select);
  if (setup.skipReason) {
    it.skip(`${title} — ${setup.skipReason}`, () => {});
    return;
  }
  const ctx = setup.ctx!;
  describe(`${title} (${ctx.target.label})`, () => {
    const tags = new Map<string, ContractCase[]>();
    for (const c of cases) {
      const tag = c.operation.tags[0] ?? 'untagged';
      tags.set(tag, [...(tags.get(tag) ?? []), c]);
    }
    for (const [tag, tagCases] of tags) {
      describe(tag, () => {
        for (const c of tagCases) {
          it(caseTitle(c), async (t) => {
            const result = await runCase(ctx, c);
            if (result.outcome === 'not-applicable') t.skip(`not applicable: ${result.reason}`);
            if (result.outcome === 'inconclusive') t.skip(`inconclusive: ${result.reason}`);
            for (const warning of result.warnings) {
              console.warn(`drift warning — ${c.id}: ${warning}`);
              await t.annotate(warning, 'drift warning');
            }
            if (result.outcome === 'failed') throw new ContractCaseFailure(result);
          });
        }
      });
    }
  });
}
