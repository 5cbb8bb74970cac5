/**
 * Red team for the shipped tools (`npx tsx scripts/red-team-tools.ts`): runs `hero-drift`
 * and `hero-contract` as partners do, one process per case, against hostile specs and
 * hostile or redirecting targets on 127.0.0.1, and counts per case:
 * - wire-unsafe: a request reached a host it must not (a URL a spec names, a redirect's
 *   target, anything carrying the key where the rules forbid it);
 * - leaks: the API key (as sent, percent- or base64-encoded), a patient identifier the target
 *   echoed, or the first line of a file a spec names, in stdout, stderr, JUnit, JSON or markdown;
 * - injections: a raw CR, ESC or bidi override in any output, or a forged heading or link in
 *   the markdown;
 * - crashes: a stack trace, a signal, or an exit code the tool does not document for the case;
 * - hangs: the process still running at its time budget (killed).
 * Exits 1 unless all five are 0. `--only <text>` runs the cases whose name contains it;
 * `--root <dir>` runs the tools of another checkout (flags its --help does not list are
 * left out), to compare before and after a change.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { baseSpecText, hostileSpecs, SECRET_LINE, SECRET_MARKER, type HostileSpec } from '../src/openapi/fixtures/hostile-specs.js';
import { repoRoot } from './lib/paths.js';

const { values: flags } = parseArgs({ options: { only: { type: 'string' }, root: { type: 'string' } } });
const toolRoot = flags.root ?? repoRoot;

const KEY = 'hk_live_PARTNER_SECRET_9f8e7d6c';
const PATIENT = { nhs_number: '9000000009', given_name: 'Jane', family_name: 'Smithson', dob: '1990-01-31', postcode: 'LS1 4AP', phone: '07700 900123', email: 'jane.smithson@example.com' };
const FORBIDDEN = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64').replace(/=+$/, ''), ...Object.values(PATIENT), SECRET_MARKER, 'more: secrets'];
const TIMEOUT_MS = 2_000;

// ---------------------------------------------------------------- servers on 127.0.0.1

interface Seen {
  method: string;
  url: string;
  apiKey: string | undefined;
}
interface TestServer {
  url: string;
  seen: Seen[];
  connections: number;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

async function startServer(handle: TestServer['handle'] = (_q, r) => void r.end('{}')): Promise<TestServer> {
  const state = { seen: [] as Seen[], connections: 0, handle };
  const server: Server = createServer((req, res) => {
    const key = req.headers['x-api-key'];
    state.seen.push({ method: req.method ?? '', url: req.url ?? '', apiKey: typeof key === 'string' ? key : undefined });
    req.resume();
    state.handle(req, res);
  });
  server.on('connection', () => void state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as unknown as TestServer;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const echoHeaders = (req: IncomingMessage) => Object.fromEntries(Object.entries(req.headers));

// ---------------------------------------------------------------- running one case

interface Case {
  readonly tool: 'hero-drift' | 'hero-contract';
  readonly name: string;
  readonly attack: string;
  readonly args: (reports: string) => string[];
  readonly env?: Record<string, string>;
  /** Exit codes the tool documents for this case. */
  readonly codes: readonly number[];
  readonly budgetMs: number;
  /** Servers that must receive nothing at all (spec-named URLs, hang targets). */
  readonly untouched?: () => TestServer[];
  /** Servers that may be reached, but never with the key. */
  readonly keyless?: () => TestServer[];
  before?: () => void;
}

interface Outcome {
  readonly code: number | null;
  readonly ms: number;
  readonly problems: { wireUnsafe: string[]; leaks: string[]; injections: string[]; crashes: string[]; hangs: string[] };
}

const BINS = { 'hero-drift': join(toolRoot, 'src', 'drift', 'bin.ts'), 'hero-contract': join(toolRoot, 'src', 'contract', 'bin.ts') };

/** The `--flags` a tool's --help lists, so a case can leave out what an older version lacks. */
async function supportedFlags(tool: keyof typeof BINS): Promise<Set<string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', BINS[tool], '--help'], { cwd: toolRoot, stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  await new Promise((resolve) => child.on('exit', resolve));
  return new Set(text.match(/--[a-z][a-z-]+/g) ?? []);
}
const FLAGS = { 'hero-drift': await supportedFlags('hero-drift'), 'hero-contract': await supportedFlags('hero-contract') };
const VALUELESS = new Set(['--show-bodies', '--via-proxy', '--skip-client-check', '--allow-writes', '--quiet']);

function keepSupported(tool: keyof typeof BINS, args: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || FLAGS[tool].has(arg.split('=')[0]!)) kept.push(arg);
    else if (!VALUELESS.has(arg)) i++;
  }
  return kept;
}

async function runCase(c: Case, work: string): Promise<Outcome> {
  const reports = mkdtempSync(join(work, 'reports-'));
  c.before?.();
  const untouched = (c.untouched?.() ?? []).map((s) => ({ s, seen: s.seen.length, connections: s.connections }));
  const keyless = (c.keyless?.() ?? []).map((s) => ({ s, seen: s.seen.length }));
  const child = spawn(process.execPath, ['--import', 'tsx', BINS[c.tool], ...keepSupported(c.tool, c.args(reports))], {
    cwd: toolRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDOCLY_TELEMETRY: 'off', ...c.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const started = performance.now();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, c.budgetMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  clearTimeout(timer);
  const ms = performance.now() - started;
  // Let servers see anything still in flight from the child's last moments.
  await new Promise((resolve) => setTimeout(resolve, 50));

  const files = readdirSync(reports).map((name) => ({ name, text: readFileSync(join(reports, name), 'utf8') }));
  const outputs = [{ name: 'stdout', text: stdout }, { name: 'stderr', text: stderr }, ...files];
  const problems: Outcome['problems'] = { wireUnsafe: [], leaks: [], injections: [], crashes: [], hangs: [] };
  for (const { s, seen, connections } of untouched) {
    if (s.seen.length > seen || s.connections > connections) problems.wireUnsafe.push(`${s.url} was reached (${s.seen.length - seen} requests)`);
  }
  for (const { s, seen } of keyless) {
    const withKey = s.seen.slice(seen).filter((r) => r.apiKey !== undefined);
    if (withKey.length > 0) problems.wireUnsafe.push(`${s.url} received ${withKey.length} requests carrying x-api-key`);
  }
  for (const { name, text } of outputs) {
    for (const value of FORBIDDEN) if (text.includes(value)) problems.leaks.push(`${name} holds ${JSON.stringify(value.slice(0, 12))}…`);
    if (/[\r\u001b\u202e\u2028]/.test(text)) problems.injections.push(`${name} holds a raw control character`);
    if (name.endsWith('.md')) {
      const headings = text.split('\n').filter((line) => line.startsWith('#'));
      if (headings.length > 0 && !/^## Hero (API drift|contract suite)/.test(headings[0]!)) problems.injections.push(`${name} starts with a forged heading`);
      if (headings.filter((line) => line.startsWith('## ')).length > 1) problems.injections.push(`${name} holds a second top heading`);
      if (/(^|[^\\])\[Approve/m.test(text.replace(/`[^`\n]*`/g, ''))) problems.injections.push(`${name} holds a live link`);
    }
  }
  if (hung) problems.hangs.push(`still running after ${c.budgetMs} ms`);
  else if (signal !== null) problems.crashes.push(`ended by ${signal}`);
  else if (code === null || !c.codes.includes(code)) problems.crashes.push(`exit ${String(code)}, expected ${c.codes.join(' or ')}`);
  if (/^\s+at .+:\d+:\d+\)?$/m.test(stdout + stderr)) problems.crashes.push('printed a stack trace');
  rmSync(reports, { recursive: true, force: true });
  return { code: hung ? null : code, ms, problems };
}

// ---------------------------------------------------------------- the cases

const work = mkdtempSync(join(tmpdir(), 'hero-red-team-'));
mkdirSync(join(work, 'secret'));
const secretFile = join(work, 'secret', 'config.yaml');
writeFileSync(secretFile, `${SECRET_LINE}\nmore: secrets\n`);
const baseSpec = join(work, 'base.yaml');
writeFileSync(baseSpec, baseSpecText());

const recorder = await startServer((_q, r) => void r.end('S: {type: string}\n'));
const hang = await startServer(() => {});
const redirectedTo = await startServer((_q, r) => json(r, 200, { stolen: true }));
const target = await startServer();
const servers = [recorder, hang, redirectedTo, target];

const specs = hostileSpecs({ recorderUrl: recorder.url, hangUrl: hang.url, secretFile, secretRelative: './secret/config.yaml' });
const specFile = (spec: HostileSpec) => {
  const path = join(work, `${spec.name}.yaml`);
  writeFileSync(path, spec.text);
  return path;
};
const DRIFT_CODES: Record<HostileSpec['expect'], readonly number[]> = {
  'external-ref': [3],
  unparsable: [3],
  'too-large': [3],
  'not-openapi': [3],
  unreadable: [3],
  compared: [0, 1, 2, 3],
};
const CONTRACT_SPEC_CODES: Record<HostileSpec['expect'], readonly number[]> = {
  'external-ref': [3],
  unparsable: [3],
  'too-large': [3],
  'not-openapi': [3],
  unreadable: [3],
  compared: [0, 1, 2, 3],
};
const driftReports = (reports: string) => ['--markdown', join(reports, 'drift.md'), '--json', join(reports, 'drift.json'), '--junit', join(reports, 'drift.xml')];
const contractReports = (reports: string) => ['--reports', reports, '--markdown', join(reports, 'contract.md')];
const keyEnv = { HERO_API_KEY: KEY, HERO_PRACTICE_GROUP_ID: '42' };
const setTarget = (handle: TestServer['handle']) => () => void (target.handle = handle);
const probeThen = (handle: TestServer['handle']): TestServer['handle'] => (req, res) => (req.url === '/' ? void res.writeHead(404).end() : handle(req, res));

const cases: Case[] = [];

for (const spec of specs) {
  const path = specFile(spec);
  cases.push({
    tool: 'hero-drift',
    name: `drift --against ${spec.name}`,
    attack: spec.attack,
    args: (reports) => ['--spec', baseSpec, '--against', path, '--skip-client-check', '--timeout-ms', String(TIMEOUT_MS), ...driftReports(reports)],
    codes: DRIFT_CODES[spec.expect],
    budgetMs: 30_000,
    untouched: () => [recorder, hang],
  });
}
// The client check (openapi-typescript and a compile) on the documents that get that far.
for (const name of ['markdown-injection', 'yaml-1.1-tags', 'proto-keys', 'schema-oddities']) {
  const spec = specs.find((s) => s.name === name)!;
  cases.push({
    tool: 'hero-drift',
    name: `drift --against ${name} (client check)`,
    attack: spec.attack,
    args: (reports) => ['--spec', baseSpec, '--against', specFile(spec), '--timeout-ms', String(TIMEOUT_MS), ...driftReports(reports)],
    codes: DRIFT_CODES[spec.expect],
    budgetMs: 90_000,
    untouched: () => [recorder, hang],
  });
}
// Hero's spec against itself: the documented pass still passes.
cases.push({
  tool: 'hero-drift',
  name: 'drift: vendored spec against itself',
  attack: 'baseline',
  args: (reports) => ['--against', join(toolRoot, 'openapi', 'hero-public-api.yaml'), ...driftReports(reports)],
  codes: [0],
  budgetMs: 60_000,
});

const hostileUrl = (name: string, handle: TestServer['handle'], codes: readonly number[]) => {
  cases.push({
    tool: 'hero-drift',
    name: `drift --against a URL that ${name}`,
    attack: 'hostile server',
    before: setTarget(handle),
    args: (reports) => ['--spec', baseSpec, '--against', `${target.url}/openapi.yaml`, '--skip-client-check', '--timeout-ms', String(TIMEOUT_MS), ...driftReports(reports)],
    codes,
    budgetMs: TIMEOUT_MS + 6_000,
    untouched: () => [recorder, hang],
  });
};
hostileUrl('never answers', () => {}, [3]);
hostileUrl('trickles its body', (_q, r) => {
  r.writeHead(200);
  const timer = setInterval(() => r.write('#'), 100);
  r.on('close', () => clearInterval(timer));
}, [3]);
hostileUrl('declares 1 GB', (_q, r) => void r.writeHead(200, { 'content-length': String(1024 ** 3) }).write('openapi: 3.0.3\n'), [3]);
hostileUrl('sends a gzip bomb', (_q, r) => void r.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(200 * 1024 * 1024))), [3]);
hostileUrl('redirects to a file: URL', (_q, r) => void r.writeHead(302, { location: `file://${secretFile}` }).end(), [3]);
hostileUrl('serves a spec with a relative $ref', (_q, r) => void r.end(baseSpecText().replace("$ref: '#/components/schemas/Widget'", "$ref: './secret/config.yaml'")), [3]);

// hero-contract: targets that echo, smuggle, redirect or stall; direct and through Prism's proxy.
const OPS = ['--operation', 'getPatientById', '--operation', 'listPatientsV3'];
const targetCase = (name: string, handle: TestServer['handle'], codes: readonly number[], options: { viaProxy?: boolean; extra?: string[]; keyless?: () => TestServer[]; budgetMs?: number } = {}) => {
  cases.push({
    tool: 'hero-contract',
    name: `contract${options.viaProxy ? ' --via-proxy' : ''} vs a target that ${name}${options.extra?.length ? ` ${options.extra.join(' ')}` : ''}`,
    attack: options.viaProxy ? 'hostile target via proxy' : 'hostile target',
    before: setTarget(handle),
    args: (reports) => ['--target', target.url, ...OPS, '--timeout-ms', String(TIMEOUT_MS), ...(options.viaProxy ? ['--via-proxy'] : []), ...(options.extra ?? []), ...contractReports(reports)],
    env: keyEnv,
    codes,
    budgetMs: options.budgetMs ?? 60_000,
    untouched: () => [recorder, hang],
    ...(options.keyless && { keyless: options.keyless }),
  });
};
for (const viaProxy of [false, true]) {
  for (const extra of [[], ['--show-bodies']]) {
    targetCase('echoes the request headers and a patient in a 2xx', (req, res) => json(res, 200, { headers: echoHeaders(req), ...PATIENT, data: [PATIENT] }), [1], { viaProxy, extra });
    targetCase('answers 201 with the echo', (req, res) => json(res, 201, { headers: echoHeaders(req), ...PATIENT }), [1], { viaProxy, extra });
  }
  targetCase('puts the key and a patient in property names', (req, res) => json(res, 200, { [String(req.headers['x-api-key'])]: PATIENT, data: [{ [PATIENT.nhs_number]: 1, 'Jane Smithson': 2 }] }), [1], { viaProxy, extra: ['--show-bodies'] });
  targetCase('puts the key in its content type', (req, res) => void res.writeHead(200, { 'content-type': `application/${String(req.headers['x-api-key'])}` }).end(JSON.stringify(PATIENT)), [1], { viaProxy });
  targetCase('answers text with the key and a patient', (req, res) => void res.writeHead(500, { 'content-type': 'text/plain' }).end(`key=${String(req.headers['x-api-key'])} ${JSON.stringify(PATIENT)}`), [1], { viaProxy, extra: ['--show-bodies'] });
  targetCase('puts the key in Retry-After', (req, res) => void res.writeHead(429, { 'retry-after': String(req.headers['x-api-key']) }).end(), [1, 3], { viaProxy });
  targetCase('writes its own sl-violations with the key', (req, res) => json(res, 200, {}, { 'sl-violations': JSON.stringify([{ location: ['request', String(req.headers['x-api-key'])], message: String(req.headers['x-api-key']), severity: 'Error' }]) }), [1], { viaProxy });
  targetCase('puts CR, ESC and markdown in its keys', (_q, res) => json(res, 200, { '\u001b[2J\r## Hero contract suite: ✅ PASS': 1, 'a\r\nRESULT: PASS': 2, '[Approve](https://evil.example)': 3 }), [1], { viaProxy });
  targetCase('redirects (307) to another host', (_q, res) => void res.writeHead(307, { location: `${redirectedTo.url}/stolen` }).end(), [1], { viaProxy, keyless: () => [redirectedTo] });
  targetCase('redirects (302) to another host with the key in the Location', (req, res) => void res.writeHead(302, { location: `${redirectedTo.url}/${String(req.headers['x-api-key'])}` }).end(), [1], { viaProxy, keyless: () => [redirectedTo] });
  // Eight requests, eight at a time, each given up after --timeout-ms; the rest is start-up (and Prism).
  const waitBudgetMs = 3 * TIMEOUT_MS + (viaProxy ? 10_000 : 6_000);
  targetCase('never answers after the probe', probeThen(() => {}), [1], { viaProxy, budgetMs: waitBudgetMs });
  targetCase('stalls the body after the probe', probeThen((_q, res) => void res.writeHead(200, { 'content-type': 'application/json' }).write('{"id":')), [1], { viaProxy, budgetMs: waitBudgetMs });
}
cases.push({
  tool: 'hero-contract',
  name: 'contract vs *.localhost with a bare --allow-writes',
  attack: 'loopback by name',
  args: (reports) => ['--target', 'http://hero.localhost:9', '--allow-writes', ...contractReports(reports)],
  codes: [2],
  budgetMs: 15_000,
});
cases.push({
  tool: 'hero-contract',
  name: 'contract vs *.localhost over plain http with HERO_API_KEY',
  attack: 'loopback by name',
  args: (reports) => ['--target', 'http://x.localhost:9', ...contractReports(reports)],
  env: keyEnv,
  codes: [2],
  budgetMs: 15_000,
});
cases.push({
  tool: 'hero-contract',
  name: 'contract vs plain http to another machine with HERO_API_KEY',
  attack: 'cleartext key',
  args: (reports) => ['--target', 'http://10.255.255.1:9', '--via-proxy', ...contractReports(reports)],
  env: keyEnv,
  codes: [2],
  budgetMs: 15_000,
});
// hero-contract --spec with every hostile document: against the embedded mock, a URL and via the proxy.
for (const spec of specs) {
  const modes: [string, string[]][] = [['embedded mock', []], ['url', ['--target', target.url]], ...(spec.expect === 'compared' ? [] : [['via proxy', ['--target', target.url, '--via-proxy']] as [string, string[]]])];
  for (const [mode, targetArgs] of modes) {
    cases.push({
      tool: 'hero-contract',
      name: `contract --spec ${spec.name} (${mode})`,
      attack: spec.attack,
      before: setTarget((_q, r) => json(r, 200, {})),
      args: (reports) => ['--spec', specFile(spec), ...targetArgs, '--timeout-ms', String(TIMEOUT_MS), ...contractReports(reports)],
      env: keyEnv,
      codes: CONTRACT_SPEC_CODES[spec.expect],
      budgetMs: 60_000,
      untouched: () => (spec.expect === 'compared' ? [recorder, hang] : [recorder, hang, target]),
    });
  }
}

// ---------------------------------------------------------------- run and report

const selected = cases.filter((c) => flags.only === undefined || c.name.includes(flags.only));
const totals = { wireUnsafe: 0, leaks: 0, injections: 0, crashes: 0, hangs: 0 };
const byAttack = new Map<string, number>();
const started = performance.now();
for (const c of selected) {
  const outcome = await runCase(c, work);
  const found = Object.entries(outcome.problems).flatMap(([kind, list]) => list.map((p) => `${kind}: ${p}`));
  for (const [kind, list] of Object.entries(outcome.problems)) totals[kind as keyof typeof totals] += list.length > 0 ? 1 : 0;
  byAttack.set(`${c.tool} / ${c.attack}`, (byAttack.get(`${c.tool} / ${c.attack}`) ?? 0) + 1);
  console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} exit ${String(outcome.code).padEnd(4)} ${String(Math.round(outcome.ms)).padStart(6)} ms  ${c.name}`);
  for (const line of found) console.log(`       ${line}`);
}
await Promise.all(servers.map((s) => s.close()));
rmSync(work, { recursive: true, force: true });

console.log(`\n${selected.length} cases in ${((performance.now() - started) / 1000).toFixed(0)} s:`);
for (const [attack, n] of [...byAttack].sort()) console.log(`  ${String(n).padStart(3)}  ${attack}`);
console.log(`wire-unsafe ${totals.wireUnsafe}, leaks ${totals.leaks}, injections ${totals.injections}, crashes ${totals.crashes}, hangs ${totals.hangs} (cases with at least one)`);
process.exitCode = Object.values(totals).some((n) => n > 0) ? 1 : 0;
