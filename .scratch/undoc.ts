import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
const doc = parse(readFileSync('openapi/hero-public-api.yaml', 'utf8'));
const uses = (v: any, seen = new Set<string>()): boolean => {
  if (Array.isArray(v)) return v.some((x) => uses(x, seen));
  if (!v || typeof v !== 'object') return false;
  if (typeof v.$ref === 'string') {
    if (v.$ref === '#/components/schemas/UndocumentedObject') return true;
    if (seen.has(v.$ref)) return false; seen.add(v.$ref);
    const t = v.$ref.slice(2).split('/').reduce((o: any, k: string) => o?.[k], doc);
    return uses(t, seen);
  }
  return Object.values(v).some((x) => uses(x, seen));
};
let n = 0, total = 0;
for (const [p, item] of Object.entries<any>(doc.paths)) for (const m of ['get','put','post','delete','patch']) {
  const op = item[m]; if (!op) continue; total++;
  const ok = Object.entries<any>(op.responses ?? {}).filter(([s]) => /^2/.test(s));
  const u = ok.some(([, r]) => uses(r));
  if (u) { n++; console.log(op.operationId, m.toUpperCase(), p, op['x-hero-docs'], ok.map(([s]) => s).join(',')); }
}
console.log(n, 'of', total);
