/**
 * Turns the spec into contract cases: one per operation × documented status (× named
 * example), plus negative cases per operation. Nothing here is written per operation, so
 * an operation added to the spec is covered without a new test.
 */
import type { OperationSpec, LoadedSpec } from './spec.js';
import type { ContractTarget } from './targets.js';

/** What a case checks. */
export type CaseKind = 'response' | 'missing-api-key' | 'missing-header' | 'invalid-body';

/** One generated case. */
export interface ContractCase {
  /** Unique and stable, e.g. `getPatientById 404` or `sendMessage invalid body`. */
  readonly id: string;
  readonly kind: CaseKind;
  readonly operation: OperationSpec;
  /** Response cases: the documented status asked for (`404`). */
  readonly status: string | undefined;
  /** Response cases: the named example asked for, when the response has several. */
  readonly exampleName: string | undefined;
  /** Missing-header cases: the header left out, lower case. */
  readonly header: string | undefined;
  /** The success path: the lowest documented 2xx and its first example. Runs on every target. */
  readonly successPath: boolean;
  /** Set when the case cannot run anywhere (e.g. a status range); the reason says why. */
  readonly unrunnable: string | undefined;
}

/** The header whose absence must give 401. Hero names its key header this way. */
export const API_KEY_HEADER = 'x-api-key';

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** True for operations that change state. */
export const isWrite = (op: OperationSpec): boolean => WRITE_METHODS.has(op.method);

/** The documented success status of an operation: its lowest 2xx. */
export function successStatus(op: OperationSpec): string | undefined {
  return op.responses
    .map((r) => r.status)
    .filter((s) => /^2\d\d$/.test(s))
    .sort()[0];
}

/** Every case of the spec, in document order: responses first, then negative cases, per operation. */
export function generateCases(spec: LoadedSpec): ContractCase[] {
  const cases: ContractCase[] = [];
  for (const op of spec.operations) {
    const success = successStatus(op);
    const base = { operation: op, exampleName: undefined, header: undefined, successPath: false, unrunnable: undefined, status: undefined };
    for (const response of op.responses) {
      const json = response.content.find((m) => m.examples.some((e) => e.name !== undefined));
      const names = json ? json.examples.filter((e) => e.name !== undefined).map((e) => e.name!) : [];
      const numeric = /^\d{3}$/.test(response.status);
      const variants = names.length > 1 ? names : [undefined];
      variants.forEach((exampleName, i) => {
        cases.push({
          ...base,
          id: `${op.operationId} ${response.status}${exampleName ? ` (${exampleName})` : ''}`,
          kind: 'response',
          status: response.status,
          exampleName,
          successPath: response.status === success && i === 0,
          unrunnable: numeric ? undefined : `"${response.status}" is a range or default: no single status can be asked for`,
        });
      });
    }
    for (const header of op.requiredAuthHeaders) {
      const kind = header === API_KEY_HEADER ? 'missing-api-key' : 'missing-header';
      cases.push({ ...base, id: `${op.operationId} without ${header}`, kind, header });
    }
    if (op.requestBody?.content.some((m) => m.schemaPointer)) {
      cases.push({ ...base, id: `${op.operationId} invalid body`, kind: 'invalid-body' });
    }
  }
  return cases;
}

/**
 * Why a case cannot run on this target, or undefined when it can. Targets that cannot be
 * told which status to return run only the success path and the negative cases.
 */
export function notApplicableReason(c: ContractCase, target: ContractTarget): string | undefined {
  if (c.unrunnable) return c.unrunnable;
  if (isWrite(c.operation) && !target.allowWrites) return `${c.operation.method.toUpperCase()} changes data; ${target.kind} runs read-only operations unless --allow-writes`;
  if (c.kind === 'response' && !c.successPath && !target.choosesStatus) return `${target.kind} cannot be told which status to return (only Prism's mock understands Prefer: code=…)`;
  return undefined;
}

/** Statuses that count as a pass for a negative case, from what the operation documents. */
export function acceptedRejections(c: ContractCase): number[] {
  const documented = c.operation.responses.map((r) => Number(r.status)).filter((n) => n >= 400 && n < 500);
  if (c.kind === 'missing-api-key') return [401];
  if (c.kind === 'invalid-body') return [400, 422];
  // A missing practice group: whatever client-error status the operation documents for bad
  // credentials or input. Hero's reference does not say which one it uses.
  const candidates = documented.filter((n) => [400, 401, 403, 422].includes(n));
  return candidates.length > 0 ? candidates : [400, 401, 403, 422];
}
