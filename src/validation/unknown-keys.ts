/**
 * Names a caller's misspelt option: `createHeroClient({ timeout: 5 })` would otherwise be
 * ignored in silence. Types catch it in TypeScript; this catches it for JavaScript callers
 * and `as any` alike.
 */

/** Edit distance between two names, case-insensitive (Levenshtein, two rows). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The valid name closest to `name`: one it starts, or that starts it (`timeout` →
 * `timeoutMs`), else the nearest within half its length (three edits for short names); `undefined` when none is close.
 */
export function nearestName(name: string, valid: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  if (lower.length >= 3) {
    const prefixed = valid.find((v) => v.toLowerCase().startsWith(lower) || lower.startsWith(v.toLowerCase()));
    if (prefixed !== undefined) return prefixed;
  }
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 2)) + 1;
  for (const candidate of valid) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * One sentence per key of `object` that is not in `valid`, naming the nearest valid one.
 * Short plain keys are repeated; any other key, and every value, never is.
 */
export function unknownKeyProblems(object: object, valid: readonly string[], prefix = ''): string[] {
  const known = new Set(valid);
  const problems: string[] = [];
  for (const key of Object.keys(object)) {
    if (known.has(key)) continue;
    const nearest = nearestName(key, valid);
    // Only a short plain name is repeated: a stray key could be anything, a secret included.
    const shown = /^[A-Za-z_$][\w$]{0,39}$/.test(key) ? `\`${prefix}${key}\`` : `a key of \`${prefix || 'the options'}\``;
    problems.push(`${shown} is not an option${nearest === undefined ? '' : `: did you mean \`${prefix}${nearest}\`?`}`);
  }
  return problems;
}
