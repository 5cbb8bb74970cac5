/**
 * What `hero-contract` sends, asserted on the wire: a recording server on 127.0.0.1 stands in
 * for Hero. Read-only unless --allow-writes, writes to another host only when it is named,
 * the key only over https or to loopback, and the plan printed before the first request.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { main } from './cli.js';
import { bundledSpecPath } from '../openapi/package-root.js';
import { loadSpec } from './spec.js';
import { parseTargetChoice, planTarget } from './targets.js';

const KEY = 'partner-secret-key-7f3a';
let dir = '';
let server: FaultServer | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hero-contract-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the CLI; `events` interleaves what it printed with what reached the server. */
async function runCli(args: string[], env: Record<string, string> = {}) {
  const events: string[] = [];
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--reports', dir], {
    stdout: (text) => {
      stdout += text;
      events.push(`print ${text.split('\n')[0]}`);
    },
    stderr: (text) => void (stderr += text),
    cwd: dir,
    env: { HERO_API_KEY: KEY, HERO_PRACTICE_GROUP_ID: '42', ...env },
  });
  return { code, stdout, stderr, events };
}

async function recordingServer(): Promise<FaultServer> {
  server = await startFaultServer();
  return server;
}

describe('hero-contract against a URL (recording server on 127.0.0.1)', () => {
  it('sends only GET and HEAD without --allow-writes, prints host and mode before the first request, and sends the key to loopback', async () => {
    const s = await recordingServer();
    const events: string[] = [];
    const run = await runCli(['--target', s.url]);
    events.push(...run.events);
    expect(run.stdout.split('\n')[0]).toBe(`hero-contract → 127.0.0.1:${s.port} (url) — read-only: GET and HEAD only; API key from HERO_API_KEY`);
    const methods = new Set(s.requests.map((r) => r.method));
    expect([...methods].sort()).toEqual(['GET']);
    expect(s.requests.length).toBeGreaterThan(40);
    // Every authenticated request carried the partner's key (loopback is allowed).
    expect(s.requests.filter((r) => r.headers['x-api-key'] === KEY).length).toBeGreaterThan(20);
    // The server answers {} to everything, so the suite fails; and says why writes did not run.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/POST may change data; url runs GET and HEAD only unless --allow-writes names its host/);
    expect(run.stdout).not.toContain(KEY);
    const json = await readFile(join(dir, 'contract.json'), 'utf8');
    expect(json).not.toContain(KEY);
  });

  it('sends writes to a loopback host with a bare --allow-writes', async () => {
    const s = await recordingServer();
    const run = await runCli(['--target', s.url, '--allow-writes']);
    expect(run.stdout.split('\n')[0]).toContain(`writes allowed to 127.0.0.1:${s.port}`);
    const methods = [...new Set(s.requests.map((r) => r.method))].sort();
    // Every method the spec uses reaches the server.
    const documented = [...new Set((await loadSpec(bundledSpecPath())).operations.map((o) => o.method.toUpperCase()))].sort();
    expect(methods).toEqual(documented);
    expect(methods).toContain('POST');
  });

  it('refuses --allow-writes naming another host, before sending anything', async () => {
    const s = await recordingServer();
    const run = await runCli(['--target', s.url, '--allow-writes=api.staging.htech.app']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--allow-writes=api\.staging\.htech\.app does not name the target host 127\.0\.0\.1/);
    expect(s.requests).toEqual([]);
  });

  it('does not follow a redirect: the key never reaches the host redirected to', async () => {
    const elsewhere = await startFaultServer();
    try {
      const s = await recordingServer();
      s.setFallback({ type: 'respond', status: 307, headers: { location: `${elsewhere.url}/stolen` } });
      const run = await runCli(['--target', s.url, '--operation', 'getPatientById']);
      expect(run.code).toBe(1);
      expect(s.requests.length).toBeGreaterThan(0);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('reports 429 answers with Retry-After as inconclusive (exit 3), never as passed or failed', async () => {
    const s = await recordingServer();
    s.setFallback((request) => (request.url === '/' ? { type: 'respond', status: 200, body: {} } : { type: 'respond', status: 429, headers: { 'retry-after': '30' } }));
    const run = await runCli(['--target', s.url, '--operation', 'getPatientById', '--markdown', join(dir, 'summary.md')]);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/INCONCLUSIVE — RETRY LATER \(\d+\)/);
    expect(run.stdout).toContain('(Retry-After: 30)');
    expect(run.stdout).not.toMatch(/without (a|the) Retry-After/);
    expect(run.stdout).toContain('RESULT: INCONCLUSIVE');
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toMatch(/^## Hero contract suite: ⚠️ INCONCLUSIVE/);
  });

  it('fails a 429 without the Retry-After header the spec documents for it (exit 1)', async () => {
    const s = await recordingServer();
    s.setFallback((request) => (request.url === '/' ? { type: 'respond', status: 200, body: {} } : { type: 'respond', status: 429 }));
    const run = await runCli(['--target', s.url, '--operation', 'getPatientById']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/429 without the Retry-After header the spec documents for it/);
    expect(run.stdout).toContain('RESULT: FAIL');
  });
});

describe('safety decided before anything is sent', () => {
  const spec = loadSpec(bundledSpecPath());
  const plan = async (target: string, allowWrites: boolean | string, env: Record<string, string> = { HERO_API_KEY: KEY, HERO_PRACTICE_GROUP_ID: '42' }) =>
    planTarget(parseTargetChoice({ target, allowWrites }), await spec, env);

  it('runs staging and production read-only unless --allow-writes names their host', async () => {
    expect((await plan('staging', false)).allowWrites).toBe(false);
    expect((await plan('production', false)).allowWrites).toBe(false);
    await expect(plan('staging', true)).rejects.toThrow('--allow-writes must name the host it allows writes to: --allow-writes=api.staging.htech.app');
    await expect(plan('production', 'api.staging.htech.app')).rejects.toThrow(/does not name the target host api\.herohealth\.net/);
    await expect(plan('https://api.staging.htech.app/', true)).rejects.toThrow(/must name the host/);
    expect((await plan('staging', 'api.staging.htech.app')).allowWrites).toBe(true);
    expect((await plan('https://api.staging.htech.app', 'API.staging.htech.app')).allowWrites).toBe(true);
  });

  it('never sends the key over plain http to another machine, nor to Hero\'s hosted mock', async () => {
    await expect(plan('http://api.staging.htech.app', false)).rejects.toThrow(/only over https or to a loopback host/);
    expect((await plan('http://localhost:4010', false)).credentials).toBe('environment');
    expect((await plan('http://127.0.0.5:4010', false)).credentials).toBe('environment');
    const mock = await plan('hero-mock', false);
    expect(mock).toMatchObject({ credentials: 'placeholder', allowWrites: false });
    expect(mock.apiKey).not.toBe(KEY);
  });

  it('exits 2 (usage: nothing was run) with the reason and sends nothing when the flags are unsafe', async () => {
    const run = await runCli(['--target', 'production', '--allow-writes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--allow-writes=api.herohealth.net');
    expect(run.events).toEqual([]);
  });

  it('skips staging loudly (exit 3, no verdict) without credentials', async () => {
    const run = await runCli(['--target', 'staging', '--url', 'http://127.0.0.1:9'], { HERO_API_KEY: '', HERO_PRACTICE_GROUP_ID: '' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('SKIPPED — NOTHING WAS TESTED');
  });
});
