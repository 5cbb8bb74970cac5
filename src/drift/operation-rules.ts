import type { Direction, DriftChange, Severity } from './change.js';
import {
  escapePointerSegment,
  isObject,
  objectEntries,
  pointerOf,
  type JsonObject,
  type OpenApiDocument,
} from '../openapi/document.js';
import { canonicalJson, listOperations, type OperationEntry } from './openapi-document.js';
import { resolveRef } from '../openapi/operations.js';
import { compareSchemas, type RuleFinding, type SchemaComparison } from './schema-rules.js';

/** A finding from our rules, with the operations it touches. */
export interface OperationFinding extends DriftChange {
  bodyKey?: string;
  /** Bodies (as `bodyKey`s) this finding accounts for as a whole, e.g. a body added or removed. */
  explains?: string[];
}

/**
 * Our own rules, for what openapi-diff does not compare: parameters, request-body
 * presence, media types, schemas property by property (enums, types, required flags),
 * security, servers, webhooks and documentation. Operations added or removed, response
 * statuses and response headers come from openapi-diff (openapi-diff-adapter.ts).
 */
export function compareDocuments(before: OpenApiDocument, after: OpenApiDocument): OperationFinding[] {
  const findings: OperationFinding[] = [];
  const emitFor = (operations: string[]) => (finding: RuleFinding) =>
    findings.push({ ...finding, source: 'hero-drift', operations });

  compareTopLevel(before, after, emitFor([]));
  for (const [side, document] of [['vendored', before], ['new', after]] as const) {
    for (const operation of listOperations(document).values()) checkPathParameters(document, operation, side, emitFor([operation.label]));
  }

  const operationsBefore = listOperations(before);
  const operationsAfter = listOperations(after);
  for (const [key, operationBefore] of operationsBefore) {
    const operationAfter = operationsAfter.get(key);
    if (operationAfter !== undefined) compareOperation(before, after, operationBefore, operationAfter, emitFor([operationBefore.label]), false);
  }

  // openapi-diff does not read 3.1 `webhooks`; a webhook payload is data the client receives.
  const webhooksBefore = listOperations(before, 'webhooks');
  const webhooksAfter = listOperations(after, 'webhooks');
  for (const [key, webhook] of webhooksBefore) {
    const webhookAfter = webhooksAfter.get(key);
    if (webhookAfter === undefined) {
      emitFor([webhook.label])({
        severity: 'breaking',
        rule: 'webhook.removed',
        location: webhook.pointer,
        message: `Webhook ${webhook.label} was removed.`,
      });
    } else {
      compareOperation(before, after, webhook, webhookAfter, emitFor([webhook.label]), true);
    }
  }
  for (const [key, webhook] of webhooksAfter) {
    if (!webhooksBefore.has(key)) {
      emitFor([webhook.label])({
        severity: 'non-breaking',
        rule: 'webhook.added',
        location: webhook.pointer,
        message: `New webhook ${webhook.label}.`,
      });
    }
  }
  return findings;
}

type Emit = (finding: RuleFinding) => void;

/**
 * A malformed spec is compared anyway (the rest of it still says what changed), but never
 * silently: every path template variable must be declared as a path parameter, and every
 * declared path parameter must appear in the template (OpenAPI 3.x, Parameter Object).
 * Without a declaration the generated types have no slot for the value.
 */
function checkPathParameters(document: OpenApiDocument, entry: OperationEntry, side: 'vendored' | 'new', emit: Emit): void {
  const inTemplate = [...entry.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  const declared = new Set<string>();
  for (const list of [entry.pathItem.parameters, entry.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = resolveRef(document, raw).value;
      if (isObject(parameter) && parameter.in === 'path' && typeof parameter.name === 'string') declared.add(parameter.name);
    }
  }
  const which = side === 'vendored' ? 'The vendored spec' : "Hero's new spec";
  for (const name of inTemplate.filter((name) => !declared.has(name))) {
    emit({
      severity: 'warning',
      rule: 'spec.path-parameter.undeclared',
      location: `${entry.pointer}/parameters`,
      message: `${which} is malformed: ${entry.label} uses {${name}} in its path without declaring it as a path parameter; comparisons of this operation may be incomplete.`,
      details: { side, parameter: name },
    });
  }
  for (const name of [...declared].filter((name) => !inTemplate.includes(name))) {
    emit({
      severity: 'warning',
      rule: 'spec.path-parameter.not-in-path',
      location: `${entry.pointer}/parameters`,
      message: `${which} is malformed: ${entry.label} declares path parameter ${name}, which its path does not contain.`,
      details: { side, parameter: name },
    });
  }
}

function compareTopLevel(before: OpenApiDocument, after: OpenApiDocument, emit: Emit): void {
  const serversBefore = serverUrls(before.servers);
  const serversAfter = serverUrls(after.servers);
  if (canonicalJson(serversBefore) !== canonicalJson(serversAfter)) {
    emit({
      severity: 'warning',
      rule: 'servers.changed',
      location: '#/servers',
      message:
        `Server URLs changed (${serversBefore.join(', ') || 'none'} → ${serversAfter.join(', ') || 'none'}); ` +
        "check the base URLs in the client's configuration.",
      details: { before: serversBefore, after: serversAfter },
    });
  }
  const infoBefore = isObject(before.info) ? before.info : {};
  const infoAfter = isObject(after.info) ? after.info : {};
  const infoKeys = [...new Set([...Object.keys(infoBefore), ...Object.keys(infoAfter)])]
    .filter((key) => canonicalJson(infoBefore[key]) !== canonicalJson(infoAfter[key]))
    .sort();
  if (infoKeys.length > 0) {
    emit({ severity: 'non-breaking', rule: 'docs.changed', location: '#/info', message: `info: ${infoKeys.join(', ')} changed.` });
  }
  for (const key of ['tags', 'externalDocs'] as const) {
    if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
      emit({ severity: 'non-breaking', rule: 'docs.changed', location: pointerOf(key), message: `${key} changed.` });
    }
  }
}

function compareOperation(
  before: OpenApiDocument,
  after: OpenApiDocument,
  operationBefore: OperationEntry,
  operationAfter: OperationEntry,
  emit: Emit,
  isWebhook: boolean,
): void {
  const opBefore = operationBefore.operation;
  const opAfter = operationAfter.operation;
  const label = operationBefore.label;
  const at = (...segments: string[]) => `${operationBefore.pointer}/${segments.map(escapePointerSegment).join('/')}`;
  const finding = (severity: Severity, rule: string, location: string, message: string, details?: Record<string, unknown>): RuleFinding =>
    details === undefined ? { severity, rule, location, message } : { severity, rule, location, message, details };

  if (opBefore.operationId !== opAfter.operationId) {
    // openapi-typescript keys `operations` by operationId, so code naming the old id stops compiling.
    emit(finding('warning', 'operation.id.changed', at('operationId'),
      `${label}: operationId ${String(opBefore.operationId)} → ${String(opAfter.operationId)}; types named after it move.`));
  }
  if (opBefore.deprecated !== true && opAfter.deprecated === true) {
    emit(finding('warning', 'operation.deprecated', at('deprecated'), `${label} is now deprecated; plan a replacement.`));
  }
  const docKeys = ['summary', 'description', 'tags', 'externalDocs'].filter(
    (key) => canonicalJson(opBefore[key]) !== canonicalJson(opAfter[key]),
  );
  if (docKeys.length > 0) emit(finding('non-breaking', 'docs.changed', operationBefore.pointer, `${label}: ${docKeys.join(', ')} changed.`));

  const schemaComparison = (direction: Direction, bodyKey?: string): SchemaComparison =>
    bodyKey === undefined ? { before, after, direction, emit } : { before, after, direction, emit, bodyKey };

  compareParameters(before, after, operationBefore, operationAfter, emit, { ...schemaComparison(isWebhook ? 'response' : 'request'), parameter: true });
  compareRequestBody(before, after, operationBefore, operationAfter, emit, schemaComparison, isWebhook);
  compareResponses(before, after, operationBefore, operationAfter, emit, schemaComparison, isWebhook);
  if (!isWebhook) compareSecurity(before, after, operationBefore, operationAfter, emit);

  if (canonicalJson(serverUrls(opBefore.servers)) !== canonicalJson(serverUrls(opAfter.servers))) {
    emit(finding('warning', 'servers.changed', at('servers'), `${label}: operation-level server URLs changed.`));
  }
}

function compareParameters(
  before: OpenApiDocument,
  after: OpenApiDocument,
  operationBefore: OperationEntry,
  operationAfter: OperationEntry,
  emit: Emit,
  comparison: SchemaComparison,
): void {
  const label = operationBefore.label;
  const paramsBefore = effectiveParameters(before, operationBefore);
  const paramsAfter = effectiveParameters(after, operationAfter);
  for (const [key, parameter] of paramsBefore) {
    const name = `${parameter.in} parameter ${String(parameter.name)}`;
    const location = `${operationBefore.pointer}/parameters/${escapePointerSegment(key)}`;
    const next = paramsAfter.get(key);
    if (next === undefined) {
      const message = `${label}: ${name} was removed; Hero may reject or ignore it.`;
      emit({ severity: 'warning', rule: 'request.parameter.removed', location, message });
      continue;
    }
    if (parameter.required !== true && next.required === true) {
      emit({ severity: 'breaking', rule: 'request.parameter.now-required', location, message: `${label}: ${name} is now required.` });
    } else if (parameter.required === true && next.required !== true) {
      emit({ severity: 'non-breaking', rule: 'request.parameter.now-optional', location, message: `${label}: ${name} is no longer required.` });
    }
    if (canonicalJson(parameter.description) !== canonicalJson(next.description)) {
      emit({ severity: 'non-breaking', rule: 'docs.changed', location, message: `${label}: ${name}: description changed.` });
    }
    compareSchemas(comparison, parameter.schema ?? {}, next.schema ?? {}, { pointer: `${location}/schema`, label: `${label} ${name}` });
  }
  for (const [key, parameter] of paramsAfter) {
    if (paramsBefore.has(key)) continue;
    const name = `${parameter.in} parameter ${String(parameter.name)}`;
    const location = `${operationAfter.pointer}/parameters/${escapePointerSegment(key)}`;
    if (parameter.required === true) {
      const message = `${label}: new required ${name}; existing calls do not send it.`;
      emit({ severity: 'breaking', rule: 'request.parameter.required-added', location, message });
    } else {
      emit({ severity: 'non-breaking', rule: 'request.parameter.optional-added', location, message: `${label}: new optional ${name}.` });
    }
  }
}

// Operation-level parameters override path-level ones with the same name and place
// (OpenAPI 3.1 §4.8.9.1). Header names are case-insensitive (RFC 9110 §5.1).
function effectiveParameters(document: OpenApiDocument, entry: OperationEntry): Map<string, JsonObject> {
  const parameters = new Map<string, JsonObject>();
  for (const list of [entry.pathItem.parameters, entry.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = resolveRef(document, raw).value;
      if (!isObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
      const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
      // Path parameters match by position, not name: `/a/{id}` and `/a/{aId}` are one route.
      const key = parameter.in === 'path' ? `path:${pathParameterIndex(entry.path, parameter.name)}` : `${parameter.in}:${name}`;
      parameters.set(key, parameter);
    }
  }
  return parameters;
}

function pathParameterIndex(path: string, name: string): string {
  const names = [...path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]);
  const index = names.indexOf(name);
  return index === -1 ? name : String(index);
}

function compareRequestBody(
  before: OpenApiDocument,
  after: OpenApiDocument,
  operationBefore: OperationEntry,
  operationAfter: OperationEntry,
  emit: Emit,
  comparison: (direction: Direction, bodyKey?: string) => SchemaComparison,
  isWebhook: boolean,
): void {
  const label = operationBefore.label;
  const what = isWebhook ? 'payload' : 'request body';
  const location = `${operationBefore.pointer}/requestBody`;
  const bodyBefore = resolveRef(before, operationBefore.operation.requestBody).value;
  const bodyAfter = resolveRef(after, operationAfter.operation.requestBody).value;
  if (!isObject(bodyBefore) && !isObject(bodyAfter)) return;
  // A body that comes or goes is explained here; openapi-diff's set comparison of it is dropped.
  const explains = (body: JsonObject) => ({
    explains: Object.keys(isObject(body.content) ? body.content : {}).map((mediaType) => `${operationBefore.key} request ${mediaType}`),
  });
  if (!isObject(bodyBefore) && isObject(bodyAfter)) {
    if (bodyAfter.required === true && !isWebhook) {
      emit({ ...explains(bodyAfter), severity: 'breaking', rule: 'request.body.required-added', location, message: `${label}: a request body is now required.` });
    } else {
      emit({ ...explains(bodyAfter), severity: 'non-breaking', rule: 'request.body.added', location, message: `${label}: new optional ${what}.` });
    }
    return;
  }
  if (isObject(bodyBefore) && !isObject(bodyAfter)) {
    // The regenerated types have no body for the operation: a typed call passing one stops compiling.
    const message = isWebhook ? `${label}: the ${what} was removed.` : `${label}: the ${what} was removed; calls that send one no longer compile, and Hero may reject them.`;
    emit({ ...explains(bodyBefore), severity: 'breaking', rule: 'request.body.removed', location, message });
    return;
  }
  if (!isObject(bodyBefore) || !isObject(bodyAfter)) return;
  if (!isWebhook && bodyBefore.required !== true && bodyAfter.required === true) {
    emit({ severity: 'breaking', rule: 'request.body.now-required', location, message: `${label}: the request body is now required.` });
  } else if (!isWebhook && bodyBefore.required === true && bodyAfter.required !== true) {
    emit({ severity: 'non-breaking', rule: 'request.body.now-optional', location, message: `${label}: the request body is now optional.` });
  }
  const direction: Direction = isWebhook ? 'response' : 'request';
  compareContent(bodyBefore.content, bodyAfter.content, `${location}/content`, `${label} ${what}`, direction, emit, (mediaType) =>
    comparison(direction, `${operationBefore.key} request ${mediaType}`),
  );
}

function compareResponses(
  before: OpenApiDocument,
  after: OpenApiDocument,
  operationBefore: OperationEntry,
  operationAfter: OperationEntry,
  emit: Emit,
  comparison: (direction: Direction, bodyKey?: string) => SchemaComparison,
  isWebhook: boolean,
): void {
  const responsesAfter = isObject(operationAfter.operation.responses) ? operationAfter.operation.responses : {};
  // What a webhook receiver answers is sent by the client, so the direction flips.
  const direction: Direction = isWebhook ? 'request' : 'response';
  for (const [status, rawBefore] of objectEntries(operationBefore.operation.responses)) {
    // Added or removed statuses are openapi-diff's findings; here only statuses on both sides.
    if (!(status in responsesAfter)) continue;
    const responseBefore = resolveRef(before, rawBefore).value;
    const responseAfter = resolveRef(after, responsesAfter[status]).value;
    if (!isObject(responseBefore) || !isObject(responseAfter)) continue;
    const location = `${operationBefore.pointer}/responses/${escapePointerSegment(status)}`;
    const label = `${operationBefore.label} ${status} response`;
    if (canonicalJson(responseBefore.description) !== canonicalJson(responseAfter.description)) {
      emit({ severity: 'non-breaking', rule: 'docs.changed', location, message: `${label}: description changed.` });
    }
    compareContent(responseBefore.content, responseAfter.content, `${location}/content`, label, direction, emit, (mediaType) =>
      comparison(direction, `${operationBefore.key} response ${status} ${mediaType}`),
    );
    const headersAfter = isObject(responseAfter.headers) ? responseAfter.headers : {};
    for (const [name, headerBefore] of objectEntries(responseBefore.headers)) {
      if (!(name in headersAfter)) continue;
      const resolvedBefore = resolveRef(before, headerBefore).value;
      const resolvedAfter = resolveRef(after, headersAfter[name]).value;
      if (!isObject(resolvedBefore) || !isObject(resolvedAfter)) continue;
      compareSchemas(comparison(direction), resolvedBefore.schema ?? {}, resolvedAfter.schema ?? {}, {
        pointer: `${location}/headers/${escapePointerSegment(name)}/schema`,
        label: `${label} header ${name}`,
      });
    }
  }
}

function compareContent(
  contentBefore: unknown,
  contentAfter: unknown,
  location: string,
  label: string,
  direction: Direction,
  emit: Emit,
  comparisonFor: (mediaType: string) => SchemaComparison,
): void {
  const mediaAfter = isObject(contentAfter) ? contentAfter : {};
  const mediaBefore = isObject(contentBefore) ? contentBefore : {};
  for (const [mediaType, media] of Object.entries(mediaBefore)) {
    const mediaLocation = `${location}/${escapePointerSegment(mediaType)}`;
    if (!(mediaType in mediaAfter)) {
      emit({
        ...bodyKeyOf(comparisonFor(mediaType)),
        severity: 'breaking',
        rule: `${direction}.media-type.removed`,
        location: mediaLocation,
        message:
          direction === 'request'
            ? `${label}: ${mediaType} is no longer accepted.`
            : `${label}: no longer returned as ${mediaType}.`,
      });
      continue;
    }
    const next = mediaAfter[mediaType];
    const schemaBefore = isObject(media) ? media.schema : undefined;
    const schemaAfter = isObject(next) ? next.schema : undefined;
    if (schemaBefore === undefined && schemaAfter === undefined) continue;
    compareSchemas(comparisonFor(mediaType), schemaBefore ?? {}, schemaAfter ?? {}, { pointer: `${mediaLocation}/schema`, label });
  }
  for (const mediaType of Object.keys(mediaAfter)) {
    if (mediaType in mediaBefore) continue;
    emit({
      ...bodyKeyOf(comparisonFor(mediaType)),
      severity: 'non-breaking',
      rule: `${direction}.media-type.added`,
      location: `${location}/${escapePointerSegment(mediaType)}`,
      message: `${label}: also ${direction === 'request' ? 'accepts' : 'returned as'} ${mediaType}.`,
    });
  }
}

function bodyKeyOf(comparison: SchemaComparison): { bodyKey?: string } {
  return comparison.bodyKey === undefined ? {} : { bodyKey: comparison.bodyKey };
}

function compareSecurity(
  before: OpenApiDocument,
  after: OpenApiDocument,
  operationBefore: OperationEntry,
  operationAfter: OperationEntry,
  emit: Emit,
): void {
  const requirementsBefore = describeSecurity(before, operationBefore.operation);
  const requirementsAfter = describeSecurity(after, operationAfter.operation);
  if (canonicalJson(requirementsBefore) === canonicalJson(requirementsAfter)) return;
  // A change inherited from the top-level `security` is reported once, listing every operation.
  const inherited = operationBefore.operation.security === undefined && operationAfter.operation.security === undefined;
  const show = (requirements: string[]) => (requirements.length === 0 ? 'none' : requirements.join(' or '));
  const location = inherited ? '#/security' : `${operationBefore.pointer}/security`;
  const who = inherited ? 'Document-wide' : operationBefore.label;
  const details = { before: requirementsBefore, after: requirementsAfter };
  // Requirements are alternatives: the client meets one of them. It still gets in when no
  // security is required any more (no alternatives, or an empty one) or when every
  // alternative it could have used is still there; only a removed or changed alternative
  // can lock it out.
  const open = requirementsAfter.length === 0 || requirementsAfter.includes('');
  const lost = requirementsBefore.filter((requirement) => !requirementsAfter.includes(requirement));
  if (open || lost.length === 0) {
    emit({
      severity: 'non-breaking',
      rule: open ? 'security.removed' : 'security.alternative-added',
      location,
      message: `${who} security relaxed: ${show(requirementsBefore)} → ${show(requirementsAfter)}; what the client sends is still accepted.`,
      details,
    });
    return;
  }
  // Scopes are granted to a token by the provider, not written in the client's code: a person
  // checks them (oasdiff rates scope changes INFO). A scheme or header that changed locks the client out.
  const withoutScopes = (document: OpenApiDocument, operation: JsonObject) => describeSecurity(document, operation, false);
  if (canonicalJson(withoutScopes(before, operationBefore.operation)) === canonicalJson(withoutScopes(after, operationAfter.operation))) {
    emit({
      severity: 'warning',
      rule: 'security.scopes.changed',
      location,
      message: `${who} security scopes changed: ${show(requirementsBefore)} → ${show(requirementsAfter)}; check the client's token carries them.`,
      details,
    });
    return;
  }
  emit({
    severity: 'breaking',
    rule: 'security.changed',
    location,
    message: `${who} security changed: ${show(requirementsBefore)} → ${show(requirementsAfter)}.`,
    details,
  });
}

// Requirements are alternatives (OR) of schemes (AND). Each scheme is described by what a
// client must send (type, place, header name, scopes), so renaming a scheme is not a change.
function describeSecurity(document: OpenApiDocument, operation: JsonObject, withScopes = true): string[] {
  const requirements = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(document.security)
      ? document.security
      : [];
  const schemes =
    isObject(document.components) && isObject(document.components.securitySchemes) ? document.components.securitySchemes : {};
  return requirements
    .filter(isObject)
    .map((requirement) =>
      Object.entries(requirement)
        .map(([name, scopes]) => describeScheme(resolveRef(document, schemes[name]).value, name, withScopes ? scopes : []))
        .sort()
        .join(' + '),
    )
    .sort();
}

function describeScheme(scheme: unknown, name: string, scopes: unknown): string {
  const scopeText = Array.isArray(scopes) && scopes.length > 0 ? ` scopes ${[...scopes].map(String).sort().join(',')}` : '';
  if (!isObject(scheme)) return `undefined scheme ${name}${scopeText}`;
  if (scheme.type === 'apiKey') return `apiKey in ${String(scheme.in)} ${String(scheme.name).toLowerCase()}${scopeText}`;
  if (scheme.type === 'http') return `http ${String(scheme.scheme).toLowerCase()}${scopeText}`;
  // OAuth flows and OpenID Connect URLs: compare the whole definition.
  const { description: _description, ...definition } = scheme;
  return `${String(scheme.type)} ${canonicalJson(definition)}${scopeText}`;
}

function serverUrls(servers: unknown): string[] {
  return Array.isArray(servers)
    ? servers.filter(isObject).map((server) => String(server.url)).sort()
    : [];
}

