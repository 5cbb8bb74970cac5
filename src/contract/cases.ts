/**
 * Turns the spec into contract cases: one per operation × documented status (× named
 * example), one per further named request example of the success path, and negative cases
 * per operation (missing credentials, one invalid body per required and per typed field, an
 * id that does not exist). Nothing here is written per operation, so an operation added to
 * the spec is covered without a new test.
 */
import { invalidBodyCandidates, type InvalidBody } from './invalid-body.js';
import { isJsonMediaType, type OperationSpec, type LoadedSpec } from './spec.js';
import type { ContractTarget } from './targets.js';

/** What a case checks. */
export type CaseKind = 'response' | 'missing-api-key' | 'missing-header' | 'invalid-body' | 'unknown-id';

/** One generated case. */
export interface ContractCase {
  /** Unique and stable, e.g. `getPatientById 404` or `sendMessage invalid body (required "to" removed)`. */
  readonly id: string;
  readonly kind: CaseKind;
  readonly operation: OperationSpec;
  /** Response cases: the documented status asked for (`404`). */
  readonly status: string | undefined;
  /** Response cases: the named response example asked for, when the response has several. */
  readonly exampleName: string | undefined;
  /** The named request-body example sent; undefined sends the first example. */
  readonly requestExample: string | undefined;
  /** Missing-header cases: the header left out, lower case. */
  readonly header: string | undefined;
  /** Invalid-body cases: the body sent and how it was broken. */
  readonly invalidBody: InvalidBody | undefined;
  /** Success-path cases (lowest documented 2xx, every request example) run on every target. */
  readonly successPath: boolean;
  /** Set when the case cannot run anywhere (e.g. a status range); the reason says why. */
  readonly unrunnable: string | undefined;
}

/** The header whose absence must give 401. Hero names its key header this way. */
export const API_KEY_HEADER = 'x-api-key';

/** Methods a read-only run may send: they change nothing on the server (RFC 9110 §9.2.1). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['get', 'head']);

/** True for operations that may change state: everything but GET and HEAD. */
export const isWrite = (op: OperationSpec): boolean => !SAFE_METHODS.has(op.method);

/** The documented success status of an operation: its lowest 2xx. */
export function successStatus(op: OperationSpec): string | undefined {
  return op.responses
    .map((r) => r.status)
    .filter((s) => /^2\d\d$/.test(s))
    .sort()[0];
}

/** Names of the request body's named examples (JSON media type first). */
function requestExampleNames(op: OperationSpec): string[] {
  const media = op.requestBody?.content.find((m) => isJsonMediaType(m.mediaType)) ?? op.requestBody?.content[0];
  return (media?.examples ?? []).flatMap((e) => (e.name === undefined ? [] : [e.name]));
}

/** Every case of the spec, in document order: responses first, then negative cases, per operation. */
export function generateCases(spec: LoadedSpec): ContractCase[] {
  const cases: ContractCase[] = [];
  for (const op of spec.operations) {
    const success = successStatus(op);
    const requestNames = requestExampleNames(op);
    const base = {
      operation: op,
      exampleName: undefined,
      requestExample: undefined,
      header: undefined,
      invalidBody: undefined,
      successPath: false,
      unrunnable: undefined,
      status: undefined,
    };
    let successRequest: string | undefined;
    for (const response of op.responses) {
      const json = response.content.find((m) => m.examples.some((e) => e.name !== undefined));
      const names = json ? json.examples.filter((e) => e.name !== undefined).map((e) => e.name!) : [];
      const numeric = /^\d{3}$/.test(response.status);
      const variants = names.length > 1 ? names : [undefined];
      variants.forEach((exampleName, i) => {
        // A request example named like the response example belongs to it; otherwise the first.
        const requestExample = exampleName !== undefined && requestNames.includes(exampleName) ? exampleName : requestNames[0];
        const successPath = response.status === success && i === 0;
        if (successPath) successRequest = requestExample;
        cases.push({
          ...base,
          id: `${op.operationId} ${response.status}${exampleName ? ` (${exampleName})` : ''}`,
          kind: 'response',
          status: response.status,
          exampleName,
          requestExample,
          successPath,
          unrunnable: numeric ? undefined : `"${response.status}" is a range or default: no single status can be asked for`,
        });
      });
    }
    // Every other documented request form must succeed too (e.g. register_pds by demographics).
    if (success) {
      for (const requestExample of requestNames.filter((name) => name !== successRequest)) {
        cases.push({ ...base, id: `${op.operationId} ${success} (request ${requestExample})`, kind: 'response', status: success, requestExample, successPath: true });
      }
    }
    for (const header of op.requiredAuthHeaders) {
      const kind = header === API_KEY_HEADER ? 'missing-api-key' : 'missing-header';
      cases.push({ ...base, id: `${op.operationId} without ${header}`, kind, header });
    }
    for (const invalidBody of invalidBodyCandidates(spec, op)) {
      cases.push({ ...base, id: `${op.operationId} invalid body (${invalidBody.how})`, kind: 'invalid-body', invalidBody, requestExample: invalidBody.fromExample });
    }
    if (op.responses.some((r) => r.status === '404') && op.parameters.some((p) => p.in === 'path')) {
      cases.push({ ...base, id: `${op.operationId} unknown id`, kind: 'unknown-id', status: '404' });
    }
  }
  return cases;
}

/**
 * Why a case cannot run on this target, or undefined when it can. Targets that cannot be
 * told which status to return run only the success paths and the negative cases.
 */
export function notApplicableReason(c: ContractCase, target: ContractTarget): string | undefined {
  if (c.unrunnable) return c.unrunnable;
  if (isWrite(c.operation) && !target.allowWrites) {
    return `${c.operation.method.toUpperCase()} may change data; ${target.kind} runs GET and HEAD only unless --allow-writes names its host`;
  }
  if (c.kind === 'response' && !c.successPath && !target.choosesStatus) return `${target.kind} cannot be told which status to return (only Prism's mock understands Prefer: code=…)`;
  if (c.kind === 'invalid-body' && (c.invalidBody?.index ?? 0) > 0 && target.choosesStatus) {
    // Prism rejects bodies with the very schema ajv just confirmed broken: more variants would test Prism, not the API.
    return 'the embedded mock validates bodies with this same schema, so one invalid body per operation runs here; every variant runs against servers';
  }
  if (c.kind === 'unknown-id' && !target.probesUnknownIds) {
    return target.choosesStatus ? 'the mock cannot know which ids exist; its documented 404 is checked with Prefer: code=404' : `${target.kind} answers any id with an example; only a real server knows which ids do not exist`;
  }
  return undefined;
}

/** Statuses that count as a pass for a negative case, from what the operation documents. */
export function acceptedRejections(c: ContractCase): number[] {
  const documented = c.operation.responses.map((r) => Number(r.status)).filter((n) => n >= 400 && n < 500);
  if (c.kind === 'missing-api-key') return [401];
  if (c.kind === 'invalid-body') return [400, 422];
  if (c.kind === 'unknown-id') return [404];
  // A missing practice group: whatever client-error status the operation documents for bad
  // credentials or input. Hero's reference does not say which one it uses.
  const candidates = documented.filter((n) => [400, 401, 403, 422].includes(n));
  return candidates.length > 0 ? candidates : [400, 401, 403, 422];
}
