import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/contract/cli.js';
import { startFaultServer } from '../src/test-helpers/fault-server.js';
const KEY = 'hk_live_PARTNER_SECRET_9f8e7d6c';
const PATIENT = { nhs_number: '9000000009', given_name: 'Jane', family_name: 'Smithson', dob: '1990-01-31', postcode: 'LS1 4AP', phone: '07700 900123', email: 'jane.smithson@example.com' };
const SENSITIVE = [KEY, '9000000009', 'Smithson', '1990-01-31', 'LS1 4AP', '07700 900123', '07700900123', 'jane.smithson@example.com', 'Jane'];
const variants: Record<string, (r: any) => any> = {
  echo200: (r) => ({ type: 'respond', status: 200, body: { headers: r.headers, ...PATIENT, data: [PATIENT] } }),
  echo201: (r) => ({ type: 'respond', status: 201, body: { headers: r.headers, ...PATIENT } }),
  keyAsProperty: (r) => ({ type: 'respond', status: 200, body: { [String(r.headers['x-api-key'])]: PATIENT, data: [{ [PATIENT.nhs_number]: 1, 'Jane Smithson': 2 }] } }),
  keyInContentType: (r) => ({ type: 'respond', status: 200, headers: { 'content-type': `application/${r.headers['x-api-key']}` }, body: JSON.stringify(PATIENT) }),
  textEcho: (r) => ({ type: 'respond', status: 500, headers: { 'content-type': 'text/plain' }, body: `key=${r.headers['x-api-key']} patient=${JSON.stringify(PATIENT)}` }),
  retryAfterKey: (r) => ({ type: 'respond', status: 429, headers: { 'retry-after': String(r.headers['x-api-key']) } }),
  locationKey: (r) => ({ type: 'respond', status: 302, headers: { location: `http://${PATIENT.nhs_number}.evil.example/${r.headers['x-api-key']}` } }),
  controlChars: (r) => ({ type: 'respond', status: 200, body: { '\u001b[2J\r## PASS': 1, ['x'.repeat(3) + '\r\nRESULT: PASS']: 2 } }),
};
for (const [name, script] of Object.entries(variants)) {
  for (const extra of [[], ['--show-bodies']]) {
    const s = await startFaultServer();
    s.setFallback(script);
    const dir = mkdtempSync(join(tmpdir(), 'rtc-'));
    let out = '', err = '';
    const t = performance.now();
    const code = await main(['--target', s.url, '--operation', 'getPatientById', '--operation', 'listPatientsV3', '--reports', dir, '--markdown', join(dir, 'summary.md'), '--timeout-ms', '2000', ...extra], { stdout: (x) => (out += x), stderr: (x) => (err += x), cwd: dir, env: { HERO_API_KEY: KEY, HERO_PRACTICE_GROUP_ID: '42' } });
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const leaks = SENSITIVE.filter((v) => (out + err + files).includes(v));
    const fileLeaks = SENSITIVE.filter((v) => files.includes(v));
    const ctrl = /[\u001b\r]/.test(out + err + files);
    console.log(name.padEnd(18), extra.join(' ').padEnd(14), 'code', code, `${Math.round(performance.now() - t)}ms`, 'requests', s.requests.length, leaks.length ? `LEAK ${leaks}` : '', fileLeaks.length ? `FILELEAK ${fileLeaks}` : '', ctrl ? 'CTRL' : '');
    if (process.argv[2] === name) console.log(out, err);
    await s.close();
  }
}
