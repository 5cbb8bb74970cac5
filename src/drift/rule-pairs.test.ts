/**
 * Every classification rule on its own small before/after pair (fixtures/rule-pairs.ts):
 * the rule must fire, the most severe finding must be the expected level, and
 * docs/drift.md's rule table must be the one rendered from the pairs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/paths.js';
import { SEVERITIES, severityRank } from './change.js';
import { classifyChanges } from './classify.js';
import { pairDocuments, renderRuleTable, RULE_PAIRS } from './fixtures/rule-pairs.js';

describe('classification rules, one fixture pair each', () => {
  it.each(RULE_PAIRS.map((pair) => [pair.change, pair] as const))('%s', async (_change, pair) => {
    const { before, after } = pairDocuments(pair);
    const changes = await classifyChanges({ document: before, label: 'before' }, { document: after, label: 'after' });
    const found = changes.map((change) => `${change.severity} ${change.rule}`);
    expect(found, 'the rule fires').toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(` ${pair.rule.replace(/\./g, '\\.')}$`))]));
    const worst = SEVERITIES.find((severity) => changes.some((change) => change.severity === severity));
    expect({ worst, found }).toEqual({ worst: pair.level, found });
    // No finding outranks the pair's level (a coarse finding must not override ours).
    expect(changes.every((change) => severityRank(change.severity) <= severityRank(pair.level))).toBe(true);
  });

  it('docs/drift.md carries the rule table rendered from the pairs', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'drift.md'), 'utf8');
    const block = /<!-- rule-pairs:start -->\n([\s\S]*?)\n<!-- rule-pairs:end -->/.exec(docs)?.[1];
    expect(block, 'run: npx tsx -e "import(\'./src/drift/fixtures/rule-pairs.ts\').then((m) => console.log(m.renderRuleTable()))"').toBe(renderRuleTable());
  });
});
