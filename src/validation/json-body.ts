/**
 * Checks a request body before it is turned into JSON, so a value JSON cannot carry
 * faithfully is refused with `HeroInputError` (nothing sent) instead of throwing a raw
 * `TypeError` from `JSON.stringify` (a BigInt, a cycle), overflowing the stack (deep
 * nesting), or silently vanishing or turning into `null` (a function, a symbol, `NaN`).
 */
import { HeroInputError, type HeroInputIssue } from './input-error.js';

// Hero's bodies are a few levels deep; far past this is a mistake or an attack on the stack.
const MAX_DEPTH = 64;
// Keys are named in errors only when they look like a field name, so a value used as a key
// (an NHS number, a name) is never repeated.
const NAMEABLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** Where a value sits: its key and its parent's place (a linked list, so the walk allocates no path arrays). */
interface Place {
  readonly parent: Place | undefined;
  readonly key: string | number;
}

function fieldPath(place: Place | undefined): string {
  const parts: string[] = [];
  for (let at = place; at !== undefined; at = at.parent) {
    parts.unshift(typeof at.key === 'number' || NAMEABLE_KEY.test(at.key) ? String(at.key) : '(a key)');
  }
  return parts.length === 0 ? '(body)' : parts.join('.');
}

function leafProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return 'is a BigInt, which JSON cannot carry: send it as a string';
    case 'symbol':
      return 'is a symbol, which JSON cannot carry';
    case 'function':
      return 'is a function, which JSON cannot carry';
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number (JSON would send null)';
    default:
      return undefined;
  }
}

/**
 * Throws {@link HeroInputError} unless `body` is an object (not an array or a function) whose
 * values JSON carries as they are: no BigInt, symbol, function or non-finite number anywhere,
 * no cycle, at most 64 levels deep. Objects with `toJSON` (a `Date`) are taken as they are.
 * Iterative, so a hostile depth cannot overflow the stack. Names field paths, never values.
 */
export function checkJsonBody(body: unknown, subject: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const received = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`;
    throw new HeroInputError([{ field: '(body)', message: `must be an object (received ${received})` }], subject);
  }
  const issues: HeroInputIssue[] = [];
  // Objects on the path from the root to the node being visited: a cycle is a revisit of one.
  const onPath = new Set<object>();
  type Frame = { readonly value: object; readonly place: Place | undefined; readonly depth: number; readonly leaving: boolean };
  const stack: Frame[] = [{ value: body, place: undefined, depth: 0, leaving: false }];
  while (stack.length > 0 && issues.length < 10) {
    const frame = stack.pop()!;
    if (frame.leaving) {
      onPath.delete(frame.value);
      continue;
    }
    if (frame.depth > MAX_DEPTH) {
      issues.push({ field: '(body)', message: `is nested more than ${MAX_DEPTH} levels deep` });
      break;
    }
    onPath.add(frame.value);
    stack.push({ ...frame, leaving: true });
    const node = frame.value as Record<string, unknown>;
    const keys: readonly (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      const value = node[key as string];
      const problem = leafProblem(value);
      if (problem !== undefined) {
        issues.push({ field: fieldPath({ parent: frame.place, key }), message: problem });
      } else if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
        const place = { parent: frame.place, key };
        if (onPath.has(value)) issues.push({ field: fieldPath(place), message: 'refers back to an object that contains it (a cycle), which JSON cannot carry' });
        else stack.push({ value, place, depth: frame.depth + 1, leaving: false });
      }
    }
  }
  if (issues.length > 0) throw new HeroInputError(issues, subject);
}
