import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkClient } from '/work/wt/firsthour/src/drift/client-check.ts';
const doc = JSON.parse(readFileSync('/tmp/fh/typechange.json', 'utf8'));
for (const variant of [{ examplesDir: false as const, readmePath: false as const }, { readmePath: false as const }, {}]) {
  const t = performance.now();
  const r = await checkClient({ document: doc, label: 'x', rootDir: '/work/wt/firsthour', ...variant });
  console.log(JSON.stringify(variant), Math.round(performance.now() - t), 'ms', r.filesChecked, r.diagnostics.length, r.preExisting);
}
