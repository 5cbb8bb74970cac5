import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/drift/cli.js';
import { hostileSpecs, SECRET_LINE } from '../src/openapi/fixtures/hostile-specs.js';
import { serveSpec } from '../src/drift/fixtures/serve-spec.js';
const dir = mkdtempSync(join(tmpdir(), 'rt-'));
mkdirSync(join(dir, 'secret'));
writeFileSync(join(dir, 'secret', 'config.yaml'), `${SECRET_LINE}\n`);
let hits = 0;
const rec = await serveSpec((req, res) => { hits++; res.end('S: {type: string}\n'); });
const hang = await serveSpec(() => {});
const specs = hostileSpecs({ recorderUrl: rec.url, hangUrl: hang.url, secretFile: join(dir, 'secret', 'config.yaml'), secretRelative: './secret/config.yaml' });
const only = process.argv[2];
for (const spec of specs) {
  if (only && !spec.name.includes(only)) continue;
  const file = join(dir, `${spec.name}.yaml`);
  writeFileSync(file, spec.text);
  let out = '', err = '';
  const t = performance.now();
  const before = hits;
  let code: number;
  try {
    code = await main(['--spec', join(process.cwd(), 'src/drift/fixtures/base.yaml'), '--against', file, '--skip-client-check', '--timeout-ms', '2000', '--markdown', join(dir, `${spec.name}.md`), '--junit', join(dir, `${spec.name}.xml`), '--json', join(dir, `${spec.name}.json`)], { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: dir });
  } catch (e) { code = -1; err += `THREW ${(e as Error).stack}`; }
  const files = ['md', 'xml', 'json'].map((ext) => { try { return readFileSync(join(dir, `${spec.name}.${ext}`), 'utf8'); } catch { return ''; } }).join('\n');
  const all = out + err + files;
  const leak = all.includes('SECRET-FIRST-LINE');
  const stack = /\n\s+at /.test(out + err);
  console.log(spec.name.padEnd(22), 'expect', spec.expect.padEnd(12), 'code', code, `${Math.round(performance.now() - t)}ms`, leak ? 'LEAK' : '', stack ? 'STACK' : '', hits > before ? `FETCHED ${hits - before}` : '', err.split('\n')[0].slice(0, 150));
}
await rec.close(); await hang.close();
console.log(dir);
