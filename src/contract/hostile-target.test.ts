/**
 * hero-contract against targets and specs written to hurt it. Recording servers on
 * 127.0.0.1 stand in for the target; every output the partner's CI keeps (stdout, stderr,
 * JUnit, JSON, the markdown job summary) is searched for the key and for patient data.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostileSpecs, SECRET_LINE, SECRET_MARKER } from '../openapi/fixtures/hostile-specs.js';
import { startFaultServer, type FaultScript, type FaultServer } from '../../test/helpers/fault-server.js';
import { EXIT_EXTERNAL_REF, main } from './cli.js';

const KEY = 'hk_live_PARTNER_SECRET_9f8e7d6c';
// A patient as a target might echo one back; none of these may appear in any output.
const PATIENT = { nhs_number: '9000000009', given_name: 'Jane', family_name: 'Smithson', dob: '1990-01-31', postcode: 'LS1 4AP', phone: '07700 900123', email: 'jane.smithson@example.com' };
const FORBIDDEN = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64').replace(/=+$/, ''), '9000000009', 'Jane', 'Smithson', '1990-01-31', 'LS1 4AP', '07700 900123', 'jane.smithson@example.com', SECRET_MARKER];

let dir = '';
let servers: FaultServer[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hero-contract-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(script?: FaultScript): Promise<FaultServer> {
  const s = await startFaultServer();
  if (script) s.setFallback(script);
  servers.push(s);
  return s;
}

let runs = 0;
async function contract(args: string[], env: Record<string, string> = { HERO_API_KEY: KEY, HERO_PRACTICE_GROUP_ID: '42' }) {
  const reports = join(dir, `run-${++runs}`);
  mkdirSync(reports);
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await main([...args, '--reports', reports, '--markdown', join(reports, 'summary.md')], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd: dir,
    env,
  });
  const ms = performance.now() - started;
  const files = readdirSync(reports).map((name) => readFileSync(join(reports, name), 'utf8'));
  const markdown = files.length > 0 ? readFileSync(join(reports, 'summary.md'), 'utf8') : '';
  return { code, stdout, stderr, ms, markdown, everything: [stdout, stderr, ...files].join('\n') };
}

const ONE_OPERATION = ['--operation', 'getPatientById', '--operation', 'listPatientsV3'];
const leaks = (text: string) => FORBIDDEN.filter((value) => text.includes(value));

describe('hero-contract: no value from a response or a request reaches an output', () => {
  const echo = (status: number, extra: Record<string, unknown> = {}): FaultScript => (request) => ({
    type: 'respond',
    status,
    body: { headers: request.headers, ...PATIENT, data: [PATIENT], ...extra },
  });

  it.each([
    ['a 2xx echoing the request headers (the key) and a patient record', echo(200)],
    ['a 201 where 200 is documented, with the same body', echo(201)],
    ['a 500 with the key and the patient as text', (request) => ({ type: 'respond', status: 500, headers: { 'content-type': 'text/plain' }, body: `key=${String(request.headers['x-api-key'])} ${JSON.stringify(PATIENT)}` })],
    ['the key and patient data as property names', (request) => ({ type: 'respond', status: 200, body: { [String(request.headers['x-api-key'])]: 1, data: [{ '9000000009': 1, 'Jane Smithson': { Smithson: 2 } }] } })],
    ['the key in the content type', (request) => ({ type: 'respond', status: 200, headers: { 'content-type': `application/${String(request.headers['x-api-key'])}` }, body: '{}' })],
    ['the key in Retry-After', (request) => ({ type: 'respond', status: 429, headers: { 'retry-after': String(request.headers['x-api-key']) } })],
    ['the key and an NHS number in a redirect', (request) => ({ type: 'respond', status: 302, headers: { location: `http://9000000009.evil.example/${String(request.headers['x-api-key'])}` } })],
  ] as [string, FaultScript][])('%s', async (_name, script) => {
    const target = await server(script);
    for (const extra of [[], ['--show-bodies']]) {
      const run = await contract(['--target', target.url, ...ONE_OPERATION, ...extra]);
      expect([1, 3]).toContain(run.code);
      expect(leaks(run.everything)).toEqual([]);
    }
    // The key did reach the target (loopback is allowed): the scrubbing is what kept it out.
    expect(target.requests.some((r) => r.headers['x-api-key'] === KEY)).toBe(true);
  });

  it('still says what was wrong: status, shape, field path and schema', async () => {
    const target = await server(echo(201));
    const run = await contract(['--target', target.url, ...ONE_OPERATION]);
    expect(run.stdout).toMatch(/status 201, expected 200 \(body: a JSON object \(9 properties\)\)/);
    const shown = await contract(['--target', target.url, ...ONE_OPERATION, '--show-bodies']);
    expect(shown.stdout).toMatch(/body \(masked\): \{"headers":\{.*"x-api-key":"\[masked\]".*"nhs_number":"\[masked\]"/);
    // Masked bodies are for the terminal: no report file holds them.
    expect(shown.everything.split(shown.stdout).join('')).not.toContain('body (masked)');
  });

  it('keeps control characters and markdown a server put in its keys out of every report', async () => {
    const target = await server({ type: 'respond', status: 200, body: { '\u001b[2J\r## Hero contract suite: ✅ PASS': 1, 'a\r\nRESULT: PASS': 2, '[Approve](https://evil.example)': 3 } });
    const run = await contract(['--target', target.url, ...ONE_OPERATION]);
    expect(run.everything).not.toMatch(/[\r\u001b]/);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('RESULT'))).toEqual(['RESULT: FAIL']);
    expect(run.markdown.split('\n').filter((line) => line.startsWith('## '))).toEqual(['## Hero contract suite: ❌ FAIL']);
    expect(run.markdown).not.toContain('[Approve]');
  });
});

describe('hero-contract: every wait is bounded by --timeout-ms', () => {
  it.each([
    ['never answers', { type: 'hang' }],
    ['stalls the body', { type: 'stall-body', status: 200, headers: { 'content-type': 'application/json' } }],
  ] as const)('gives up on a target that %s', async (_name, action) => {
    const target = await server((request) => (request.url === '/' ? { type: 'respond', status: 404 } : action));
    const run = await contract(['--target', target.url, '--operation', 'getPatientById', '--timeout-ms', '700']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/timed out/);
    expect(run.ms).toBeLessThan(6_000);
  });
});

describe('hero-contract: loopback means an address, or exactly localhost', () => {
  it('refuses a bare --allow-writes to a *.localhost name, sending nothing', async () => {
    const run = await contract(['--target', 'http://hero.localhost:9', '--allow-writes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--allow-writes must name the host it allows writes to: --allow-writes=hero.localhost');
    expect(run.stdout).toBe('');
  });

  it('refuses to send HERO_API_KEY over plain http to a *.localhost name', async () => {
    const run = await contract(['--target', 'http://hero.localhost:9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/plain http: the key is sent only over https or to a loopback host/);
  });
});

describe('hero-contract --spec: a spec is data, never a pointer', () => {
  const targets = () => ({ recorderUrl: '', hangUrl: '', secretFile: join(dir, 'secret', 'config.yaml'), secretRelative: './secret/config.yaml' });
  beforeAll(() => {
    mkdirSync(join(dir, 'secret'), { recursive: true });
    writeFileSync(join(dir, 'secret', 'config.yaml'), `${SECRET_LINE}\n`);
  });

  it.each(['ref-relative-file', 'ref-file-url', 'ref-http-schema', 'ref-http-hangs', 'ref-http-example'])(
    '%s: exit 3 before Prism or any request, naming the ref',
    async (name) => {
      const recorder = await server();
      const spec = hostileSpecs({ ...targets(), recorderUrl: recorder.url, hangUrl: recorder.url }).find((s) => s.name === name)!;
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, spec.text);
      for (const target of [[], ['--target', recorder.url], ['--target', recorder.url, '--via-proxy']]) {
        const run = await contract(['--spec', path, ...target]);
        expect(run.code).toBe(EXIT_EXTERNAL_REF);
        expect(run.stderr).toMatch(/could not use the spec: .* refers outside itself: \$ref ".+" at #/);
        expect(leaks(run.everything)).toEqual([]);
        expect(run.ms).toBeLessThan(3_000);
      }
      expect(recorder.requests).toEqual([]);
    },
  );

  it.each(['yaml-recursive-alias', 'yaml-alias-bomb', 'yaml-deep-flow', 'huge', 'not-object'])('%s: exit 3 (no verdict) with one line, no stack trace', async (name) => {
    const spec = hostileSpecs(targets()).find((s) => s.name === name)!;
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, spec.text);
    const run = await contract(['--spec', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^hero-contract: could not use the spec: .+\n$/);
  });

  it('escapes an operationId that would forge a heading and a link in the job summary', async () => {
    const target = await server();
    const spec = hostileSpecs(targets()).find((s) => s.name === 'markdown-injection')!;
    const path = join(dir, 'inject.yaml');
    writeFileSync(path, spec.text);
    const run = await contract(['--spec', path, '--target', target.url]);
    expect(run.markdown.split('\n').filter((line) => line.startsWith('## '))).toHaveLength(1);
    expect(run.markdown.replace(/`[^`\n]*`/g, '')).not.toMatch(/(^|[^\\])\[Approve/m);
    expect(run.everything).not.toMatch(/[\r\u001b\u202e]/);
  });
});
