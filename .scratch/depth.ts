import { readFileSync } from 'node:fs';
import { parseSpecValue, estimateNesting, inspectValue, DEFAULT_SPEC_LIMITS } from '../src/openapi/parse.js';
import { parse } from 'yaml';
const text = readFileSync('openapi/hero-public-api.yaml', 'utf8');
console.log('estimate', estimateNesting(text, 10000));
let maxd = 0, nodes = 0;
const walk = (n: unknown, d: number) => { nodes++; maxd = Math.max(maxd, d); if (n && typeof n === 'object') for (const v of Object.values(n)) walk(v, d + 1); };
let t = performance.now();
const v = parseSpecValue(text, 'hero');
console.log('parse ms', performance.now() - t);
walk(v, 0); console.log('depth', maxd, 'nodes', nodes);
t = performance.now(); inspectValue(v, 'x'); console.log('inspect ms', performance.now() - t);
t = performance.now(); parse(text); console.log('plain parse ms', performance.now() - t);
for (const n of [250, 256, 300]) {
  for (const txt of ['['.repeat(n) + ']'.repeat(n), Array.from({length:n},(_, i)=>' '.repeat(i)+'a:').join('\n') + ' 1\n', '- '.repeat(n) + 'x\n', '- {a: ['.repeat(n/2|0) + 'x' + ']}'.repeat(n/2|0)]) {
    try { parseSpecValue(txt, 's'); console.log(n, 'ok?!'); } catch (e) { console.log(n, (e as Error).message.slice(0, 90)); }
  }
}
// raw yaml at 256 depth: does it overflow?
for (const n of [256, 400, 600]) { try { parse('['.repeat(n) + ']'.repeat(n)); console.log('raw', n, 'ok'); } catch (e) { console.log('raw', n, (e as Error).message.slice(0, 60)); } }
try { JSON.parse('['.repeat(100000) + ']'.repeat(100000)); console.log('json deep ok'); } catch (e) { console.log('json deep', (e as Error).message); }
