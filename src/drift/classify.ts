import { severityRank, type DriftChange } from './change.js';
import { runOpenapiDiff, type LabelledDocument } from './openapi-diff-adapter.js';
import { canonicalDocument } from './openapi-document.js';
import { compareDocuments } from './operation-rules.js';

/**
 * Classifies every difference between the vendored spec (`before`) and Hero's current
 * one (`after`) from a client's point of view.
 *
 * openapi-diff supplies operations added or removed, response statuses, response headers
 * and a set-theory comparison of JSON bodies; our rules (operation-rules.ts,
 * schema-rules.ts) supply the rest. openapi-diff's body finding is a coarse "this body
 * accepts or may hold other values"; when our rules name anything in that body, they
 * have said precisely what changed and how much it matters to a client, so the coarse
 * finding is dropped whatever its severity (a new optional request property narrows the
 * body as a set of JSON values, yet no call the client makes is affected). It is kept
 * only for a body our rules found nothing in, so no change goes unreported.
 *
 * Throws `HeroSpecError` when openapi-diff cannot read a spec.
 */
export async function classifyChanges(input: LabelledDocument, output: LabelledDocument): Promise<DriftChange[]> {
  // Key order carries no meaning in JSON or YAML: a re-serialised spec must compare equal.
  const before = { ...input, document: canonicalDocument(input.document) };
  const after = { ...output, document: canonicalDocument(output.document) };
  const [fromLibrary, fromRules] = await Promise.all([
    runOpenapiDiff(before, after),
    Promise.resolve(compareDocuments(before.document, after.document)),
  ]);
  // Bodies our rules explained: any finding other than documentation.
  const explained = new Set<string>();
  for (const finding of fromRules) {
    // An allOf member named as added or removed leaves the severity to the merged comparison; when
    // that merge could not see the change (two members bounding one keyword), the coarse finding stays.
    if (finding.rule !== 'docs.changed' && !/\.all-of\.(added|removed)$/.test(finding.rule) && finding.bodyKey !== undefined) explained.add(finding.bodyKey);
    for (const key of finding.explains ?? []) explained.add(key);
  }
  const kept = fromLibrary.filter((change) => change.bodyKey === undefined || !explained.has(change.bodyKey));
  return sortChanges(mergeDuplicates([...kept, ...fromRules].map(stripBodyKey)));
}

function stripBodyKey<T extends DriftChange & { bodyKey?: string; explains?: string[] }>(change: T): DriftChange {
  const { bodyKey: _bodyKey, explains: _explains, ...rest } = change;
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
