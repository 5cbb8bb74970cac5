/**
 * How much a change matters to code that calls Hero through this package, most
 * severe first. `breaking`: existing calls or reads can fail. `warning`: code keeps
 * compiling but may meet a value or status it does not handle. `non-breaking`:
 * additions and documentation.
 */
export type Severity = 'breaking' | 'warning' | 'non-breaking';

/** Every severity, most severe first (the order reports list them in). */
export const SEVERITIES: readonly Severity[] = ['breaking', 'warning', 'non-breaking'];

/** Higher is more severe; used to compare a change against `--fail-on`. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/** Which checker reported a change. */
export type ChangeSource = 'openapi-diff' | 'hero-drift' | 'typescript';

/** One difference between the vendored spec and Hero's current one, classified for a client. */
export interface DriftChange {
  severity: Severity;
  /** Stable rule id such as `response.property.removed`; docs/drift.md lists them all. */
  rule: string;
  source: ChangeSource;
  /** Operations affected, as `METHOD /path (operationId)`; empty for document-wide changes. */
  operations: string[];
  /**
   * Where: a JSON pointer into the vendored spec (into the new one for additions),
   * or `file:line:column` for a compile error.
   */
  location: string;
  /** One sentence a person can act on. */
  message: string;
  /** Machine-readable extras: values before and after, openapi-diff's difference schema, compiler codes. */
  details?: Record<string, unknown>;
}

/**
 * Which way data flows, seen from the client: `request` is what it sends (narrowing
 * hurts), `response` is what it reads (widening hurts). Webhook payloads are `response`.
 */
export type Direction = 'request' | 'response';
