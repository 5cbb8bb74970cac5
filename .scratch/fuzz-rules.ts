import fc from 'fast-check';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { compareDocuments } from '../src/drift/operation-rules.js';
import { renderPatientFields } from '../src/drift/patient-field-rows.js';
import { listOperationParameters, listOperationRows } from '../src/drift/render-generated.js';
const base = parse(readFileSync('src/drift/fixtures/base.yaml', 'utf8'));
const junk = fc.constantFrom<unknown>(null, 1, 'x', [], {}, true, [null], { $ref: '#/nowhere' }, { $ref: '#/paths' }, { $ref: '#' }, { type: 7 }, { properties: [] }, { items: 'x' }, { enum: 'x' }, { required: {} }, { allOf: 'x' }, { oneOf: [null] }, { in: 'path' }, { name: 1 });
function paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] { out.push(prefix); if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) paths(c, [...prefix, k], out); return out; }
const allPaths = paths(base).filter((p) => p.length > 0);
const errors = new Map<string, string>();
fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: allPaths.length - 1 }), junk), { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, side) => {
  const doc = structuredClone(base);
  for (const [i, value] of edits) {
    const p = allPaths[i]!; let node: any = doc;
    for (const k of p.slice(0, -1)) { if (node == null || typeof node !== 'object') break; node = node[k]; }
    if (node && typeof node === 'object') node[p.at(-1)!] = structuredClone(value);
  }
  for (const fn of [() => (side ? compareDocuments(base, doc) : compareDocuments(doc, base)), () => renderPatientFields(doc), () => listOperationParameters(doc), () => listOperationRows(doc)]) {
    try { fn(); } catch (e) { const k = `${(e as Error).name}: ${(e as Error).message}`; if (!errors.has(k)) errors.set(k, `${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')} EDITS ${JSON.stringify(edits.map(([i, v]) => [allPaths[i]!.join('/'), v]))}`); }
  }
}), { numRuns: 4000, seed: 1 });
console.log(errors.size); for (const [k, v] of errors) console.log(k, '\n   ', v.slice(0, 600));
