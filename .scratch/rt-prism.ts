import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/contract/cli.js';
import { hostileSpecs } from '../src/openapi/fixtures/hostile-specs.js';
const dir = mkdtempSync(join(tmpdir(), 'rtp-'));
for (const s of hostileSpecs({ recorderUrl: 'http://127.0.0.1:9', hangUrl: 'http://127.0.0.1:9', secretFile: '/x', secretRelative: './x' }).filter((s) => s.expect === 'compared')) {
  const p = join(dir, `${s.name}.yaml`); writeFileSync(p, s.text);
  let out = '', err = '';
  const t = performance.now();
  const code = await main(['--spec', p, '--reports', dir, '--timeout-ms', '2000'], { stdout: (x) => (out += x), stderr: (x) => (err += x), cwd: dir, env: {} });
  console.log(s.name, code, Math.round(performance.now() - t), /^\s+at .+:\d+:\d+\)?$/m.test(out + err) ? 'STACK' : '', err.slice(0, 300).replace(/\n/g, ' | '));
}
