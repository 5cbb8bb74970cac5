import type { Direction, Severity } from './change.js';
import { compareConstraints, isClassifiedConstraint } from './constraint-rules.js';
import { escapePointerSegment, isObject, type JsonObject, type OpenApiDocument } from '../openapi/document.js';
import { canonicalJson } from './openapi-document.js';
import { resolveRef } from '../openapi/operations.js';

/** A finding from our own rules, before classify.ts attaches operations and merges duplicates. */
export interface RuleFinding {
  severity: Severity;
  rule: string;
  location: string;
  message: string;
  details?: Record<string, unknown>;
  /** The body this finding is inside, matching openapi-diff-adapter's `bodyKeyOf`. */
  bodyKey?: string;
  /** Bodies (as `bodyKey`s) this finding accounts for as a whole, e.g. a body added or removed. */
  explains?: string[];
}

/** Where a schema sits: a pointer into the vendored spec and a short name for people. */
export interface SchemaPlace {
  pointer: string;
  /** e.g. `Patient.address.postcode` or `POST /messages request body.channel`. */
  label: string;
}

/** State for comparing the schemas of one body. */
export interface SchemaComparison {
  before: OpenApiDocument;
  after: OpenApiDocument;
  direction: Direction;
  bodyKey?: string;
  emit: (finding: RuleFinding) => void;
  /** Ref pairs being compared right now, so recursive schemas stop instead of looping. */
  inProgress?: Set<string>;
  /** The schema of a parameter (not a body): its default is part of the call. */
  parameter?: boolean;
}

// Keywords that only describe; a change to them is documentation.
const DOC_KEYWORDS = new Set(['title', 'description', 'example', 'examples', 'externalDocs', 'deprecated', '$comment', 'xml']);
// Keywords compared by dedicated rules below.
const STRUCTURE_KEYWORDS = new Set([
  'type', 'nullable', 'enum', 'const', 'properties', 'required', 'items', 'allOf', 'oneOf', 'anyOf',
  'additionalProperties', '$ref', '$id', '$schema', '$defs', 'definitions',
]);

/**
 * Compares two schemas for one body, recursing into properties, items, additional
 * properties and composition, and reports each difference with a severity that depends
 * on {@link Direction}. Rules (ids in docs/drift.md):
 * - property removed: response breaking, request warning
 * - property added: request breaking when required, otherwise non-breaking
 * - required flag: request optional to required breaking; response required to optional breaking
 * - type: request narrowed breaking; response widened (new type, or nullable) breaking
 * - enum: request narrowed breaking; response widened warning
 * - other constraints (pattern, format, bounds...): warning, as a person must judge them
 * - titles, descriptions, examples: non-breaking
 */
export function compareSchemas(comparison: SchemaComparison, before: unknown, after: unknown, place: SchemaPlace): void {
  // OpenAPI 3.1 (JSON Schema 2020-12): keywords beside a `$ref` apply together with it. Compared as
  // an allOf of the reference and the rest, on both sides, so a bound added beside a `$ref` is seen.
  if (hasRefSiblings(comparison.before, before) || hasRefSiblings(comparison.after, after)) {
    before = refAsAllOf(before);
    after = refAsAllOf(after);
  }
  const inProgress = comparison.inProgress ?? new Set<string>();
  const resolvedBefore = resolveRef(comparison.before, before);
  const resolvedAfter = resolveRef(comparison.after, after);
  const pairKey = `${resolvedBefore.ref ?? '-'}|${resolvedAfter.ref ?? '-'}`;
  if (resolvedBefore.ref !== undefined || resolvedAfter.ref !== undefined) {
    if (inProgress.has(pairKey)) return;
    inProgress.add(pairKey);
  }
  // A named component is reported under its own name, so a change to a shared schema
  // is one finding listing every operation that uses it.
  const here = resolvedBefore.ref === undefined ? place : { pointer: resolvedBefore.ref, label: componentName(resolvedBefore.ref) };
  try {
    compareAllOfMembers(comparison, asSchema(resolvedBefore.value), asSchema(resolvedAfter.value), here);
    compareResolved(
      { ...comparison, inProgress },
      flattenAllOf(comparison.before, asSchema(resolvedBefore.value)),
      flattenAllOf(comparison.after, asSchema(resolvedAfter.value)),
      here,
    );
  } finally {
    inProgress.delete(pairKey);
  }
}

function compareResolved(comparison: SchemaComparison, before: JsonObject, after: JsonObject, place: SchemaPlace): void {
  const { direction } = comparison;
  const emit = (severity: Severity, rule: string, message: string, details?: Record<string, unknown>, at = place) =>
    comparison.emit({
      severity,
      rule,
      location: at.pointer,
      message: `${at.label}: ${message}`,
      ...(details === undefined ? {} : { details }),
      ...(comparison.bodyKey === undefined ? {} : { bodyKey: comparison.bodyKey }),
    });

  const docsChanged = changedKeywords(before, after, (keyword) => DOC_KEYWORDS.has(keyword) || keyword.startsWith('x-'));
  if (docsChanged.length > 0) emit('non-breaking', 'docs.changed', `${docsChanged.join(', ')} changed.`);

  if (direction === 'request' && compareOneOfWrapping(before, after, emit)) return;
  if (compareTypes(before, after, direction, emit)) return;
  if (!compareConst(before, after, direction, emit)) compareEnums(before, after, direction, emit);

  for (const finding of compareConstraints(before, after, direction, { parameter: comparison.parameter === true })) emit(finding.severity, finding.rule, finding.message, finding.details);
  const constraints = changedKeywords(
    before,
    after,
    (keyword) =>
      !DOC_KEYWORDS.has(keyword) && !STRUCTURE_KEYWORDS.has(keyword) && !keyword.startsWith('x-') && !isClassifiedConstraint(keyword, before, after),
  );
  const additionalBefore = before.additionalProperties;
  const additionalAfter = after.additionalProperties;
  const additionalIsSchema = isObject(additionalBefore) && isObject(additionalAfter);
  if (!additionalIsSchema && canonicalJson(additionalBefore) !== canonicalJson(additionalAfter)) constraints.push('additionalProperties');
  if (constraints.length > 0) {
    emit('warning', 'schema.constraint.changed', `${constraints.map((keyword) => describeKeywordChange(keyword, before, after)).join('; ')}.`, {
      keywords: constraints,
    });
  }

  compareProperties(comparison, before, after, place, emit);

  if (before.items !== undefined || after.items !== undefined) {
    compareSchemas(comparison, before.items ?? {}, after.items ?? {}, child(place, 'items', '[]'));
  }
  if (additionalIsSchema) {
    compareSchemas(comparison, additionalBefore, additionalAfter, child(place, 'additionalProperties', '[*]'));
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) compareVariants(comparison, before, after, keyword, place, emit);
}

type Emit = (severity: Severity, rule: string, message: string, details?: Record<string, unknown>, at?: SchemaPlace) => void;

// A request schema that becomes a `oneOf` (the old shape split into variants) rejects a value
// matching several variants as well as one matching none: what the client sent may match both.
// Reported once; the properties moved into the variants are not each reported as removed.
function compareOneOfWrapping(before: JsonObject, after: JsonObject, emit: Emit): boolean {
  const variants = Array.isArray(after.oneOf) ? after.oneOf.length : 0;
  if (variants === 0 || Array.isArray(before.oneOf) || Array.isArray(before.anyOf)) return false;
  emit(
    'breaking',
    'request.variant.wrapped',
    `now oneOf ${variants} variant${variants === 1 ? '' : 's'}; a value matching more than one, or none, is rejected.`,
    { variants },
  );
  return true;
}

// Returns true when the types are incompatible, so deeper rules would only repeat the news.
function compareTypes(before: JsonObject, after: JsonObject, direction: Direction, emit: Emit): boolean {
  const typesBefore = typeSet(before);
  const typesAfter = typeSet(after);
  if (sameSet(typesBefore, typesAfter)) return false;
  const details = { before: formatTypes(typesBefore), after: formatTypes(typesAfter) };
  const change = `type ${details.before} → ${details.after}`;
  if (direction === 'request') {
    if (covers(typesAfter, typesBefore)) {
      emit('non-breaking', 'request.type.widened', `${change}; everything the client sent is still accepted.`, details);
      return false;
    }
    emit('breaking', 'request.type.changed', `${change}; values the client sends may be rejected.`, details);
    return true;
  }
  if (covers(typesBefore, typesAfter)) {
    emit('non-breaking', 'response.type.narrowed', `${change}.`, details);
    return false;
  }
  emit('breaking', 'response.type.changed', `${change}; the client may read a type it does not expect.`, details);
  return true;
}

// `const` on either side (without an enum on the other) is its own rule: a response const
// that changes is a different value, not a list that grew (oasdiff *-const-changed).
function compareConst(before: JsonObject, after: JsonObject, direction: Direction, emit: Emit): boolean {
  const hasBefore = 'const' in before;
  const hasAfter = 'const' in after;
  if ((!hasBefore && !hasAfter) || (hasBefore && Array.isArray(after.enum)) || (hasAfter && Array.isArray(before.enum))) return false;
  if (hasBefore && hasAfter && canonicalJson(before.const) === canonicalJson(after.const)) return true;
  const details = { before: hasBefore ? before.const : null, after: hasAfter ? after.const : null };
  const change = `const ${hasBefore ? JSON.stringify(before.const) : '(none)'} → ${hasAfter ? JSON.stringify(after.const) : '(none)'}`;
  const request = direction === 'request';
  if (hasBefore && hasAfter) {
    emit('breaking', `${direction}.const.changed`, request ? `${change}; the value the client sends is rejected.` : `${change}; the client reads a different value.`, details);
  } else if (hasAfter) {
    if (request) emit('breaking', 'request.const.added', `${change}; other values the client sent are rejected.`, details);
    else emit('non-breaking', 'response.const.added', `${change}.`, details);
  } else if (request) {
    emit('non-breaking', 'request.const.removed', `${change}.`, details);
  } else {
    emit('breaking', 'response.const.removed', `${change}; the client may read any value where it relied on one.`, details);
  }
  return true;
}

function compareEnums(before: JsonObject, after: JsonObject, direction: Direction, emit: Emit): void {
  const valuesBefore = enumValues(before);
  const valuesAfter = enumValues(after);
  if (valuesBefore === undefined && valuesAfter === undefined) return;
  const bothListed = valuesBefore !== undefined && valuesAfter !== undefined;
  const added = bothListed ? valuesAfter.filter((value) => !valuesBefore.includes(value)) : [];
  const removed = bothListed ? valuesBefore.filter((value) => !valuesAfter.includes(value)) : [];
  const details = { before: valuesBefore?.map(parseValue) ?? null, after: valuesAfter?.map(parseValue) ?? null };
  // No enum on one side means "any value": dropping the list widens, adding one narrows.
  const narrowed = removed.length > 0 || (valuesBefore === undefined && valuesAfter !== undefined);
  const widened = added.length > 0 || (valuesBefore !== undefined && valuesAfter === undefined);
  const listed = (values: string[]) => values.join(', ');
  if (direction === 'request') {
    if (narrowed) {
      const what = removed.length > 0 ? `no longer accepts ${listed(removed)}` : `now only accepts ${listed(valuesAfter ?? [])}`;
      emit('breaking', 'request.enum.narrowed', `${what}.`, details);
    }
    if (widened) {
      const what = added.length > 0 ? `also accepts ${listed(added)}.` : 'no longer limited to a list.';
      emit('non-breaking', 'request.enum.widened', what, details);
    }
    return;
  }
  if (widened) {
    const what = added.length > 0 ? `may now be ${listed(added)}` : 'is no longer limited to a list';
    emit('warning', 'response.enum.widened', `${what}; code that switches on it needs a branch.`, details);
  }
  if (narrowed) {
    const what = removed.length > 0 ? `no longer returns ${listed(removed)}.` : 'now limited to a list.';
    emit('non-breaking', 'response.enum.narrowed', what, details);
  }
}

function compareProperties(comparison: SchemaComparison, before: JsonObject, after: JsonObject, place: SchemaPlace, emit: Emit): void {
  const propertiesBefore = isObject(before.properties) ? before.properties : {};
  const propertiesAfter = isObject(after.properties) ? after.properties : {};
  const requiredBefore = requiredSet(before);
  const requiredAfter = requiredSet(after);
  const names = [...new Set([...Object.keys(propertiesBefore), ...Object.keys(propertiesAfter)])].sort();
  const request = comparison.direction === 'request';
  for (const name of names) {
    const at = child(place, `properties/${escapePointerSegment(name)}`, `.${name}`);
    const inBefore = name in propertiesBefore;
    const inAfter = name in propertiesAfter;
    if (inBefore && !inAfter) {
      if (request) emit('warning', 'request.property.removed', 'removed; Hero may now reject or ignore it when sent.', undefined, at);
      else emit('breaking', 'response.property.removed', 'removed from the response; code reading it gets undefined.', undefined, at);
      continue;
    }
    const schemaBefore = asSchema(resolveRef(comparison.before, propertiesBefore[name]).value);
    const schemaAfter = asSchema(resolveRef(comparison.after, propertiesAfter[name]).value);
    // A client never sends a readOnly property nor receives a writeOnly one (OpenAPI 3.x).
    const notSent = (schema: JsonObject) => request && schema.readOnly === true;
    const notReceived = (schema: JsonObject) => !request && schema.writeOnly === true;
    if (inBefore && inAfter && !notSent(schemaBefore) && notSent(schemaAfter)) {
      emit('warning', 'request.property.became-read-only', 'now readOnly; Hero ignores it when sent.', undefined, at);
      continue;
    }
    if (inBefore && inAfter && !notReceived(schemaBefore) && notReceived(schemaAfter)) {
      emit('breaking', 'response.property.became-write-only', 'now writeOnly: no longer in responses; code reading it gets undefined.', undefined, at);
      continue;
    }
    if ((inBefore ? notSent(schemaBefore) || notReceived(schemaBefore) : true) && (inAfter ? notSent(schemaAfter) || notReceived(schemaAfter) : true)) {
      // Not part of this direction on either side (e.g. a new required readOnly `id` in a request).
      if (!inBefore && inAfter) emit('non-breaking', `${comparison.direction}.property.added-not-in-direction`, `new ${request ? 'readOnly' : 'writeOnly'} property; not ${request ? 'sent' : 'received'} by the client.`, undefined, at);
      continue;
    }
    if (inBefore && inAfter && notSent(schemaBefore) && !notSent(schemaAfter) && requiredAfter.has(name)) {
      emit('breaking', 'request.property.now-required', 'no longer readOnly and required; existing calls do not send it.', undefined, at);
      continue;
    }
    if (!inBefore && inAfter) {
      const required = requiredAfter.has(name);
      if (request && required) {
        emit('breaking', 'request.property.required-added', 'new required property; existing calls do not send it.', undefined, at);
      } else if (request) {
        emit('non-breaking', 'request.property.optional-added', 'new optional property.', undefined, at);
      } else {
        emit('non-breaking', 'response.property.added', `new ${required ? 'required' : 'optional'} response property.`, undefined, at);
      }
      continue;
    }
    const wasRequired = requiredBefore.has(name);
    const isRequired = requiredAfter.has(name);
    if (!wasRequired && isRequired) {
      if (request) emit('breaking', 'request.property.now-required', 'now required; existing calls may not send it.', undefined, at);
      else emit('non-breaking', 'response.property.now-required', 'now always present.', undefined, at);
    } else if (wasRequired && !isRequired) {
      if (request) emit('non-breaking', 'request.property.now-optional', 'no longer required.', undefined, at);
      else emit('breaking', 'response.property.now-optional', 'may now be absent; code reading it must handle undefined.', undefined, at);
    }
    compareSchemas(comparison, propertiesBefore[name], propertiesAfter[name], at);
  }
}

// Variants are matched by $ref name where they have one, inline ones by position.
function compareVariants(
  comparison: SchemaComparison,
  before: JsonObject,
  after: JsonObject,
  keyword: 'oneOf' | 'anyOf',
  place: SchemaPlace,
  emit: Emit,
): void {
  const listBefore = Array.isArray(before[keyword]) ? (before[keyword] as unknown[]) : [];
  const listAfter = Array.isArray(after[keyword]) ? (after[keyword] as unknown[]) : [];
  if (listBefore.length === 0 && listAfter.length === 0) return;
  const refOf = (variant: unknown) => (isObject(variant) && typeof variant.$ref === 'string' ? variant.$ref : undefined);
  const unmatchedAfter = [...listAfter.keys()];
  const removed: string[] = [];
  listBefore.forEach((variant, index) => {
    const ref = refOf(variant);
    const match = unmatchedAfter.findIndex((candidate) =>
      ref === undefined ? refOf(listAfter[candidate]) === undefined : refOf(listAfter[candidate]) === ref,
    );
    if (match === -1) {
      removed.push(ref === undefined ? `#${index + 1}` : componentName(ref));
      return;
    }
    const [afterIndex] = unmatchedAfter.splice(match, 1);
    if (afterIndex === undefined) return;
    compareSchemas(comparison, variant, listAfter[afterIndex], child(place, `${keyword}/${index}`, ` (${keyword} #${index + 1})`));
  });
  const added = unmatchedAfter.map((index) => {
    const ref = refOf(listAfter[index]);
    return ref === undefined ? `#${index + 1}` : componentName(ref);
  });
  const request = comparison.direction === 'request';
  if (removed.length > 0) {
    if (request) emit('breaking', 'request.variant.removed', `${keyword} variant ${removed.join(', ')} removed; values matching it may be rejected.`);
    else emit('non-breaking', 'response.variant.removed', `${keyword} variant ${removed.join(', ')} removed.`);
  }
  if (added.length > 0) {
    if (request) emit('non-breaking', 'request.variant.added', `${keyword} variant ${added.join(', ')} added.`);
    else if (keyword === 'oneOf') {
      emit('breaking', 'response.variant.added', `oneOf variant ${added.join(', ')} added; the client may read a shape its types do not include.`);
    } else emit('warning', 'response.variant.added', `anyOf variant ${added.join(', ')} added; the client may read a shape it does not handle.`);
  }
}

// allOf members are merged below and compared property by property; which member came or
// went is named here too, so a composed schema never changes without a finding. Severity
// comes from the merged comparison (a new member's required property is
// request.property.required-added), so the member itself is reported as non-breaking.
function compareAllOfMembers(comparison: SchemaComparison, before: JsonObject, after: JsonObject, place: SchemaPlace): void {
  const names = (schema: JsonObject) =>
    (Array.isArray(schema.allOf) ? schema.allOf : []).map((member: unknown, index: number) =>
      isObject(member) && typeof member.$ref === 'string' ? componentName(member.$ref) : `#${index + 1} ${canonicalJson(member)}`,
    );
  const namesBefore = names(before);
  const namesAfter = names(after);
  const added = namesAfter.filter((name) => !namesBefore.includes(name));
  const removed = namesBefore.filter((name) => !namesAfter.includes(name));
  const short = (name: string) => (name.length > 60 ? `${name.slice(0, 57)}…` : name);
  const emit = (rule: string, message: string) =>
    comparison.emit({
      severity: 'non-breaking',
      rule,
      location: place.pointer,
      message: `${place.label}: ${message}`,
      ...(comparison.bodyKey === undefined ? {} : { bodyKey: comparison.bodyKey }),
    });
  if (added.length > 0) emit(`${comparison.direction}.all-of.added`, `allOf member ${added.map(short).join(', ')} added; its properties are compared in the merged schema.`);
  if (removed.length > 0) emit(`${comparison.direction}.all-of.removed`, `allOf member ${removed.map(short).join(', ')} removed; its properties are compared in the merged schema.`);
}

// allOf is how specs compose objects; merging it lets `Base + extra` be compared property by property.
function flattenAllOf(document: OpenApiDocument, schema: JsonObject, depth = 0): JsonObject {
  if (!Array.isArray(schema.allOf) || depth > 8) return schema;
  const { allOf, ...rest } = schema;
  const merged: JsonObject = { ...rest };
  const properties: JsonObject = isObject(rest.properties) ? { ...rest.properties } : {};
  const required = new Set(requiredSet(rest));
  for (const member of allOf as unknown[]) {
    const resolved = flattenAllOf(document, asSchema(resolveRef(document, member).value), depth + 1);
    if (isObject(resolved.properties)) {
      // A property named by several members must satisfy each of them: merged, not replaced by the
      // last (a derived schema that marks a base property readOnly would hide the base's type change).
      for (const [name, schema] of Object.entries(resolved.properties)) {
        properties[name] = name in properties ? flattenAllOf(document, { allOf: [properties[name], schema] }, depth + 1) : schema;
      }
    }
    for (const name of requiredSet(resolved)) required.add(name);
    for (const [keyword, value] of Object.entries(resolved)) {
      if (keyword !== 'properties' && keyword !== 'required' && merged[keyword] === undefined) merged[keyword] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required].sort();
  return merged;
}

function hasRefSiblings(document: OpenApiDocument, schema: unknown): boolean {
  if (!isObject(schema) || typeof schema.$ref !== 'string') return false;
  if (typeof document.openapi !== 'string' || !document.openapi.startsWith('3.1')) return false;
  return Object.keys(schema).some((keyword) => keyword !== '$ref' && !DOC_KEYWORDS.has(keyword) && !keyword.startsWith('x-'));
}

function refAsAllOf(schema: unknown): unknown {
  if (!isObject(schema) || typeof schema.$ref !== 'string') return schema;
  const { $ref, allOf, ...rest } = schema;
  return { ...rest, allOf: [{ $ref }, ...(Array.isArray(allOf) ? (allOf as unknown[]) : [])] };
}

function asSchema(value: unknown): JsonObject {
  if (value === false) return { not: {} };
  return isObject(value) ? value : {};
}

const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

// `undefined` means unconstrained (no `type`). 3.0's `nullable: true` and 3.1's `'null'` both add null.
function typeSet(schema: JsonObject): Set<string> | undefined {
  const raw = schema.type;
  const types = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((type): type is string => typeof type === 'string') : undefined;
  if (types === undefined) return undefined;
  const set = new Set(types);
  if (schema.nullable === true) set.add('null');
  return set;
}

function covers(outer: Set<string> | undefined, inner: Set<string> | undefined): boolean {
  if (outer === undefined) return true;
  const innerTypes = inner ?? new Set(ALL_TYPES);
  // Every integer is a number, so `number` covers `integer`.
  return [...innerTypes].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')));
}

function sameSet(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((value) => b.has(value));
}

function formatTypes(types: Set<string> | undefined): string {
  return types === undefined ? 'any' : [...types].sort().join(' | ');
}

// Values compared as JSON text so 1 and "1" stay different.
function enumValues(schema: JsonObject): string[] | undefined {
  if ('const' in schema) return [canonicalJson(schema.const)];
  return Array.isArray(schema.enum) ? schema.enum.map((value) => canonicalJson(value)) : undefined;
}

function parseValue(text: string): unknown {
  return JSON.parse(text) as unknown;
}

function requiredSet(schema: JsonObject): Set<string> {
  return new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
}

function changedKeywords(before: JsonObject, after: JsonObject, include: (keyword: string) => boolean): string[] {
  const keywords = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keywords].filter((keyword) => include(keyword) && canonicalJson(before[keyword]) !== canonicalJson(after[keyword])).sort();
}

function describeKeywordChange(keyword: string, before: JsonObject, after: JsonObject): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  const text = `${keyword} ${show(before[keyword])} → ${show(after[keyword])}`;
  return text.length > 160 ? `${keyword} changed` : text;
}

function child(place: SchemaPlace, pointerSuffix: string, labelSuffix: string): SchemaPlace {
  return { pointer: `${place.pointer}/${pointerSuffix}`, label: `${place.label}${labelSuffix}` };
}

function componentName(ref: string): string {
  return ref.split('/').at(-1) ?? ref;
}
