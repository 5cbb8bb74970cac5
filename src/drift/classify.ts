import { severityRank, type DriftChange } from './change.js';
import { runOpenapiDiff, type LabelledDocument } from './openapi-diff-adapter.js';
import { compareDocuments } from './operation-rules.js';

/**
 * Classifies every difference between the vendored spec (`before`) and Hero's current
 * one (`after`) from a client's point of view.
 *
 * openapi-diff supplies operations added or removed, response statuses, response headers
 * and a set-theory comparison of JSON bodies; our rules (operation-rules.ts,
 * schema-rules.ts) supply the rest. openapi-diff's body finding is dropped when our rules
 * already name a change at least as severe in the same body, since it says the same thing
 * less precisely; otherwise it is kept, so no change goes unreported or under-rated.
 *
 * Throws `HeroSpecError` when openapi-diff cannot read a spec.
 */
export async function classifyChanges(before: LabelledDocument, after: LabelledDocument): Promise<DriftChange[]> {
  const [fromLibrary, fromRules] = await Promise.all([
    runOpenapiDiff(before, after),
    Promise.resolve(compareDocuments(before.document, after.document)),
  ]);
  // The most severe thing our rules named in each body.
  const explained = new Map<string, number>();
  for (const finding of fromRules) {
    if (finding.rule === 'docs.changed' || finding.bodyKey === undefined) continue;
    explained.set(finding.bodyKey, Math.max(explained.get(finding.bodyKey) ?? -1, severityRank(finding.severity)));
  }
  const kept = fromLibrary.filter(
    (change) => change.bodyKey === undefined || severityRank(change.severity) > (explained.get(change.bodyKey) ?? -1),
  );
  return sortChanges(mergeDuplicates([...kept, ...fromRules].map(stripBodyKey)));
}

function stripBodyKey<T extends DriftChange & { bodyKey?: string }>(change: T): DriftChange {
  const { bodyKey: _bodyKey, ...rest } = change;
  return rest;
}

// A shared component (say `Patient`) changed once is found once per operation using it;
// reports show it once, listing the operations.
function mergeDuplicates(changes: DriftChange[]): DriftChange[] {
  const merged = new Map<string, DriftChange>();
  for (const change of changes) {
    const key = JSON.stringify([change.severity, change.rule, change.location, change.message]);
    const existing = merged.get(key);
    if (existing === undefined) {
      merged.set(key, { ...change, operations: [...change.operations] });
      continue;
    }
    for (const operation of change.operations) {
      if (!existing.operations.includes(operation)) existing.operations.push(operation);
    }
  }
  return [...merged.values()];
}

/** Most severe first, then by operation and location, so reports are stable run to run. */
export function sortChanges(changes: DriftChange[]): DriftChange[] {
  return [...changes].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.operations[0] ?? '').localeCompare(b.operations[0] ?? '') ||
      a.location.localeCompare(b.location) ||
      a.rule.localeCompare(b.rule),
  );
}
