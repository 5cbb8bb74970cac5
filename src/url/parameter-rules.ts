/**
 * Per path template, what the spec says about its path and query parameters, read from
 * generated/parameters.ts (itself generated from the spec), built once at import.
 */
import { operationParameters } from '../../generated/parameters.js';
import { operations } from '../../generated/operations.js';

/** What one path template's parameters must look like. */
export interface TemplateRules {
  /** Path parameter name → the spec's `pattern` compiled (with `u`), or `undefined` when none. */
  readonly pathPatterns: ReadonlyMap<string, RegExp | undefined>;
}

const rulesByTemplate = new Map<string, TemplateRules>();
const queryByRoute = new Map<string, ReadonlySet<string>>();
for (const { operationId, method, path } of operations) {
  const params = operationParameters[operationId];
  if (params === undefined) continue;
  queryByRoute.set(`${method} ${path}`, new Set(params.query));
  // Templates shared by several methods use the same `{id}` parameter; the first declaration wins.
  if (rulesByTemplate.has(path)) continue;
  const pathPatterns = new Map<string, RegExp | undefined>();
  for (const [name, pattern] of Object.entries(params.path)) {
    pathPatterns.set(name, pattern === null ? undefined : new RegExp(pattern, 'u'));
  }
  rulesByTemplate.set(path, { pathPatterns });
}

/** Rules of a spec path template, or `undefined` for a path the spec does not have. */
export function rulesForTemplate(template: string): TemplateRules | undefined {
  return rulesByTemplate.get(template);
}

/** Query parameter names the spec declares for `method template`; `undefined` for an unknown route. */
export function declaredQueryNames(method: string, template: string): ReadonlySet<string> | undefined {
  return queryByRoute.get(`${method} ${template}`);
}
