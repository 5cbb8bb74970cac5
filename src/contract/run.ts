/**
 * Runs contract cases against a target through this package's client and turns each into
 * a result: passed, failed (with problems naming field and expected schema), or not
 * applicable on this target (with the reason).
 */
import type { HeroClient } from '../client.js';
import { parseRetryAfterMs } from '../transport/retry-after.js';
import { createScrubber, describeShape, maskBody, safeFieldPath } from '../tool-output/mask.js';
import { acceptedRejections, generateCases, notApplicableReason, type CaseKind, type ContractCase } from './cases.js';
import { checkResponse, documentedResponse, isPrismError, missingRetryAfter, prismViolations, type Findings } from './check.js';
import { buildRequest, unknownPathId } from './request.js';
import { runSelfChecks, type SelfCheckResult } from './self-check.js';
import { createContractClient, sendThroughClient, type SentResponse } from './send.js';
import type { LoadedSpec } from './spec.js';
import { CASE_HEADER, type UpstreamExchange } from './tap.js';
import type { ContractTarget } from './targets.js';
import { createSpecValidator, type SpecValidator } from './validate.js';

/**
 * How a case ended. `inconclusive`: the target answered 429 where the case expected another
 * status, so nothing was learnt (retry later); not a contract failure. `skipped` is used only
 * when the whole target was unreachable.
 */
export type Outcome = 'passed' | 'failed' | 'inconclusive' | 'not-applicable' | 'skipped';

/** The result of one case or self-check. */
export interface CaseResult {
  readonly id: string;
  readonly kind: CaseKind | 'self-check';
  /** Undefined for document-wide self-checks. */
  readonly operationId: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** Response cases: the documented status the case is about. */
  readonly status: string | undefined;
  readonly outcome: Outcome;
  /** Why a case was not applicable or skipped. */
  readonly reason?: string;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  readonly actualStatus?: number;
  readonly durationMs: number;
  /**
   * With `--show-bodies`, a failed case's response body with every value that may be patient
   * data or a credential masked ({@link maskBody}). Printed to the terminal only: no report
   * file carries it.
   */
  readonly maskedBody?: string;
}

/** What a whole run produced. */
export interface SuiteReport {
  readonly specPath: string;
  readonly target: { readonly kind: string; readonly label: string };
  readonly startedAt: string;
  readonly durationMs: number;
  /** Set when the target could not be used at all: nothing ran, nothing passed. */
  readonly skipped?: string;
  readonly operationCount: number;
  readonly results: readonly CaseResult[];
}

/** Everything a case needs; build once per run with {@link createSuiteContext}. */
export interface SuiteContext {
  readonly spec: LoadedSpec;
  readonly validator: SpecValidator;
  readonly target: ContractTarget;
  /** Sends to `target.baseUrl` (the validating proxy, when there is one). */
  readonly client: HeroClient;
  /** Sends to the target itself. */
  readonly directClient: HeroClient;
  /** Removes the API key (and masks patient identifiers) from any text a result carries. */
  readonly scrub: (text: string) => string;
  /** Keep a masked copy of failed responses' bodies for the terminal (`--show-bodies`). */
  readonly showBodies: boolean;
}

/** Options of {@link createSuiteContext}. */
export interface SuiteContextOptions {
  /** Per-request time-out, connect and body included. @default 15_000 */
  timeoutMs?: number;
  /** See {@link SuiteContext.showBodies}. @default false */
  showBodies?: boolean;
}

/** Compiles the validator and creates the clients for one target. */
export function createSuiteContext(spec: LoadedSpec, target: ContractTarget, validator = createSpecValidator(spec), options: SuiteContextOptions = {}): SuiteContext {
  const credentials = {
    apiKey: target.apiKey,
    practiceGroupId: target.practiceGroupId,
    followRedirects: target.kind === 'prism',
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  };
  const client = createContractClient({ baseUrl: target.baseUrl, ...credentials });
  const directClient = target.directUrl === target.baseUrl ? client : createContractClient({ baseUrl: target.directUrl, ...credentials });
  const scrub = createScrubber([target.apiKey]);
  return { spec, validator, target, client, directClient, scrub, showBodies: options.showBodies ?? false };
}

const resultBase = (c: ContractCase) => ({
  id: c.id,
  kind: c.kind,
  operationId: c.operation.operationId,
  method: c.operation.method.toUpperCase(),
  path: c.operation.path,
  status: c.status,
});

// One request per operation and request example, shared by its status cases (nothing mutates it).
const builtRequests = new WeakMap<SuiteContext, Map<string, ReturnType<typeof buildRequest>>>();
function requestFor(ctx: SuiteContext, c: ContractCase): ReturnType<typeof buildRequest> {
  let cache = builtRequests.get(ctx);
  if (!cache) builtRequests.set(ctx, (cache = new Map()));
  const key = `${c.operation.pointer}|${c.requestExample ?? ''}`;
  let built = cache.get(key);
  if (!built) cache.set(key, (built = buildRequest(ctx.spec, c.operation, c.requestExample)));
  return built;
}

/** Runs one case. Never throws: a failed request is a failed case. */
export async function runCase(ctx: SuiteContext, c: ContractCase): Promise<CaseResult> {
  const started = performance.now();
  let shown: unknown;
  // Every text a result carries passes the scrubber: findings describe shapes, and this
  // catches what a hostile target could still smuggle into a field name or media type.
  const finish = (outcome: Outcome, findings: Findings, extra: { reason?: string; actualStatus?: number } = {}): CaseResult => ({
    ...resultBase(c),
    outcome,
    ...(extra.reason !== undefined && { reason: ctx.scrub(extra.reason) }),
    ...(extra.actualStatus !== undefined && { actualStatus: extra.actualStatus }),
    problems: findings.problems.map(ctx.scrub),
    warnings: findings.warnings.map(ctx.scrub),
    durationMs: Math.round(performance.now() - started),
    ...(ctx.showBodies && outcome === 'failed' && shown !== undefined && { maskedBody: maskBody(shown, ctx.scrub) }),
  });

  const na = notApplicableReason(c, ctx.target);
  if (na) return finish('not-applicable', { problems: [], warnings: [] }, { reason: na });

  const op = c.operation;
  const built = requestFor(ctx, c);
  const headers: Record<string, string | null> = { ...built.headers };
  const path = { ...built.path };
  let body = built.body?.value;
  let expected: number[];
  let client = ctx.directClient;
  if (c.kind === 'response') {
    expected = [Number(c.status)];
    client = ctx.client;
    if (ctx.target.choosesStatus) headers.Prefer = `code=${c.status}${c.exampleName ? `, example=${c.exampleName}` : ''}`;
    if (ctx.target.tap) headers[CASE_HEADER] = c.id;
  } else {
    expected = acceptedRejections(c);
    if (c.header) headers[c.header] = null;
    if (c.invalidBody) {
      const schemaPointer = built.body?.schemaPointer;
      // Confirmed here, so a case never claims a body is invalid when the spec accepts it.
      if (!schemaPointer || ctx.validator.validate(schemaPointer, c.invalidBody.value).length === 0) {
        return finish('not-applicable', { problems: [], warnings: [] }, { reason: 'the request body schema accepts this body' });
      }
      body = c.invalidBody.value;
    }
    if (c.kind === 'unknown-id') {
      const unknown = unknownPathId(ctx.spec, op);
      const param = op.parameters.find((p) => p.in === 'path' && p.name === unknown?.name);
      if (!unknown || (param?.schemaPointer && ctx.validator.validate(param.schemaPointer, unknown.value).length > 0)) {
        return finish('not-applicable', { problems: [], warnings: [] }, { reason: 'no id shaped like the path parameter could be derived' });
      }
      path[unknown.name] = unknown.value;
    }
  }

  let response: SentResponse;
  try {
    response = await sendThroughClient(client, { method: op.method.toUpperCase(), path: op.path, params: { path, query: built.query }, body, headers });
  } catch (error) {
    return finish('failed', { problems: [`request failed: ${describeError(error)}`], warnings: [] });
  }

  const exchange = c.kind === 'response' ? ctx.target.tap?.take(c.id) : undefined;
  shown = exchange ? liveResponse(exchange).body : response.body;
  const status = exchange?.status ?? response.status;
  if (status === 429 && !expected.includes(429)) {
    // Rate limited: the target said nothing else about the contract, so the case is retried
    // later; but a 429 lacking the Retry-After the spec documents breaks the contract itself.
    const headersOf429 = exchange?.headers ?? response.headers;
    const missing = missingRetryAfter(documentedResponse(op, 429), 429, headersOf429);
    if (missing !== undefined) return finish('failed', { problems: [missing], warnings: [] }, { actualStatus: 429 });
    const retryAfter = headersOf429.get('retry-after');
    const warnings = retryAfter === null ? ['429 without a Retry-After header: the client cannot know how long to wait'] : [];
    const reason = `429 Too Many Requests — inconclusive, retry later${retryAfter === null ? '' : ` (${describeRetryAfter(retryAfter)})`}`;
    return finish('inconclusive', { problems: [], warnings }, { reason, actualStatus: 429 });
  }

  let findings: Findings;
  try {
    findings = c.kind === 'response' ? checkGenerated(ctx, c, response, expected, exchange) : checkNegative(ctx, c, response, expected);
  } catch (error) {
    // A schema ajv cannot compile: a spec defect, reported on the case rather than ending the run.
    return finish('failed', { problems: [`could not check the response: ${describeError(error)}`], warnings: [] }, { actualStatus: response.status });
  }
  if (findings.problems.length > 0 && built.derived.length > 0) {
    findings.problems.push(`note: the spec has no example for ${built.derived.join(', ')}; the suite derived a value from the schema`);
  }
  return finish(findings.problems.length > 0 ? 'failed' : 'passed', findings, { actualStatus: response.status });
}

function checkGenerated(ctx: SuiteContext, c: ContractCase, response: SentResponse, expected: number[], exchange: UpstreamExchange | undefined): Findings {
  const op = c.operation;
  const problems: string[] = [];
  if (ctx.target.prismValidates) {
    for (const v of prismViolations(response)) {
      // Locations inside a body name its keys, which are data: shown as field names only.
      const where = safeFieldPath(`/${v.location.map(String).join('/')}`).slice(1).replaceAll('/', '.');
      // Request violations mean the spec's own examples (or this client) break the spec.
      if (v.location[0] === 'request' || (isPrismError(response) && v.severity === 'Error')) problems.push(`Prism: ${where || 'request'}: ${v.message}`);
    }
  }
  if (ctx.target.tap && exchange) {
    if (exchange.status >= 300 && exchange.status < 400) {
      // The tap never relays a redirect: Prism's proxy would follow it with the API key.
      problems.push(`the target answered ${exchange.status}, a redirect; hero-contract never follows a redirect with the API key`);
    }
    if (exchange.status === 501) {
      problems.push('the target answered 501 Not Implemented and Prism served a mock instead: nothing live was checked');
      return { problems, warnings: [] };
    }
    if (isPrismError(response) || response.status !== exchange.status) {
      // Prism's --errors answer hides the live body, and when its proxy cannot parse the
      // upstream answer (an empty 200, say) it answers 500 itself: check what the target sent.
      const live = liveResponse(exchange);
      const findings = checkResponse(ctx.validator, op, live, expected);
      const relayed = response.status === exchange.status ? [] : [`note: the target answered ${exchange.status}; Prism's proxy answered ${response.status}`];
      return { problems: [...problems, ...findings.problems.map((p) => `live response: ${p}`), ...(problems.length + findings.problems.length > 0 ? relayed : [])], warnings: findings.warnings };
    }
  }
  const findings = checkResponse(ctx.validator, op, response, expected);
  problems.push(...findings.problems);
  if (problems.length > 0 && ctx.target.choosesStatus) {
    const documented = documentedResponse(op, Number(c.status));
    if (documented?.content.length && documented.content.every((m) => m.examples.length === 0)) {
      problems.push(`note: ${c.status} has no example in the spec, so Prism generated one from the schema`);
    }
  }
  return { problems, warnings: findings.warnings };
}

function checkNegative(ctx: SuiteContext, c: ContractCase, response: SentResponse, expected: number[]): Findings {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!expected.includes(response.status)) {
    const what = c.kind === 'invalid-body' ? `a body that violates the schema (${c.invalidBody?.how ?? ''})` : c.kind === 'unknown-id' ? 'an id that does not exist' : `a request without ${c.header}`;
    problems.push(`${what} got ${response.status}, expected ${expected.join(' or ')} (body: ${describeShape(response.body)})`);
    return { problems, warnings };
  }
  // The rejection is right; its body must still match what the spec documents for that status.
  if (!documentedResponse(c.operation, response.status)) {
    warnings.push(`${response.status} is not documented for ${c.operation.operationId}`);
    return { problems, warnings };
  }
  return checkResponse(ctx.validator, c.operation, response, expected);
}

function liveResponse(exchange: { status: number; headers: Headers; bodyText: string }): SentResponse {
  const contentType = exchange.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
  if (!exchange.bodyText) return { status: exchange.status, headers: exchange.headers, body: undefined, contentType, malformedJson: false };
  try {
    return { status: exchange.status, headers: exchange.headers, body: JSON.parse(exchange.bodyText) as unknown, contentType, malformedJson: false };
  } catch {
    const json = contentType?.includes('json') ?? false;
    return { status: exchange.status, headers: exchange.headers, body: exchange.bodyText, contentType, malformedJson: json };
  }
}

// A server's Retry-After is shown as the wait it means, never as the text it sent.
function describeRetryAfter(value: string): string {
  const ms = parseRetryAfterMs(value, Date.now());
  return ms === undefined ? 'Retry-After not understood' : `Retry-After: ${Math.ceil(ms / 1000)}`;
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  /** Only these operationIds (the drift test uses one). @default every operation */
  operations?: readonly string[];
  /** Run the spec self-checks too. @default true */
  selfChecks?: boolean;
  /** Self-checks already run (the CLI runs them while the embedded mock starts). */
  selfCheckResults?: readonly SelfCheckResult[];
  /** Requests in flight at once. @default 8 */
  concurrency?: number;
}

/** Runs every generated and negative case, and the self-checks, against an opened target. */
export async function runSuite(ctx: SuiteContext, options: RunSuiteOptions = {}): Promise<SuiteReport> {
  const startedAt = new Date();
  const started = performance.now();
  const only = options.operations ? new Set(options.operations) : undefined;
  const cases = generateCases(ctx.spec).filter((c) => !only || only.has(c.operation.operationId));
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      results[index] = await runCase(ctx, cases[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  if (options.selfChecks ?? true) {
    for (const check of options.selfCheckResults ?? runSelfChecks(ctx.spec, ctx.validator)) {
      if (only && (!check.operationId || !only.has(check.operationId))) continue;
      const op = ctx.spec.operations.find((o) => o.operationId === check.operationId);
      results.push({
        id: check.id,
        kind: 'self-check',
        operationId: check.operationId,
        method: op?.method.toUpperCase(),
        path: op?.path,
        status: undefined,
        outcome: check.problems.length > 0 ? 'failed' : 'passed',
        problems: check.problems,
        warnings: [],
        durationMs: 0,
      });
    }
  }
  const operationCount = only ? ctx.spec.operations.filter((o) => only.has(o.operationId)).length : ctx.spec.operations.length;
  return {
    specPath: ctx.spec.specPath,
    target: { kind: ctx.target.kind, label: ctx.target.label },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    operationCount,
    results,
  };
}

/** The report of a run that never started because the target was unusable. */
export function skippedReport(spec: LoadedSpec, target: { kind: string; label: string }, reason: string): SuiteReport {
  return {
    specPath: spec.specPath,
    target,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    skipped: reason,
    operationCount: spec.operations.length,
    results: generateCases(spec).map((c) => ({ ...resultBase(c), outcome: 'skipped' as const, reason, problems: [], warnings: [], durationMs: 0 })),
  };
}
