/**
 * `--via-proxy`: Prism's validation proxy in front of a remote target. Prism hides part of
 * the live answer (a mock for an upstream 501, its own error for an invalid response), so
 * the suite records the upstream's real answer and checks that with ajv.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatJUnit, formatJson, formatConsoleReport } from '../src/contract/report.js';
import { formatMarkdown } from '../src/contract/report-markdown.js';
import { createSuiteContext, runSuite, type SuiteReport } from '../src/contract/run.js';
import { loadSpec } from '../src/contract/spec.js';
import { openTarget, parseTargetChoice } from '../src/contract/targets.js';
import { startFaultServer, type FaultScript, type FaultServer } from '../test/helpers/fault-server.js';
import { appointmentsSpecPath, startAppointmentsServer, type AppointmentsServer, type Drift } from './fixtures/appointments-server.js';

// One stand-in and one Prism proxy in front of it for the drift cases (a Prism start costs
// about 2 s of CPU); each case sets the drift its requests meet.
let server: AppointmentsServer;
let proxied: { spec: Awaited<ReturnType<typeof loadSpec>>; target: Extract<Awaited<ReturnType<typeof openTarget>>, { ok: true }>['target']; close(): Promise<void> };
beforeAll(async () => {
  server = await startAppointmentsServer('none');
  const spec = await loadSpec(appointmentsSpecPath);
  const opened = await openTarget(parseTargetChoice({ target: server.url, viaProxy: true }), spec, { env: {} });
  if (!opened.ok) throw new Error(opened.reason);
  proxied = { spec, target: opened.target, close: opened.close };
}, 60_000);
afterAll(async () => {
  await proxied?.close();
  await server?.close();
});

async function runViaProxy(drift: Drift): Promise<SuiteReport> {
  server.setDrift(drift);
  expect(proxied.target.baseUrl).not.toBe(server.url);
  return runSuite(createSuiteContext(proxied.spec, proxied.target), { selfChecks: false });
}

const find = (report: SuiteReport, id: string) => report.results.find((r) => r.id === id)!;

describe('validation proxy (--via-proxy)', () => {
  it('passes live responses that match the pinned spec', async () => {
    const report = await runViaProxy('none');
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(find(report, 'getAppointment 200').outcome).toBe('passed');
  });

  it('checks the live body with ajv when Prism replaces an invalid response with its own error', async () => {
    const result = find(await runViaProxy('breaking'), 'getAppointment 200');
    expect(result.outcome).toBe('failed');
    expect(result.problems).toContainEqual(expect.stringMatching(/^live response: body \/start_time: .*#\/components\/schemas\/Appointment/));
    expect(result.problems).toContainEqual(expect.stringMatching(/^Prism: response\.body/));
  });

  it('reports what the target really answered when Prism cannot relay it (an empty 200, which Prism turns into its own 500)', async () => {
    const result = find(await runViaProxy('empty-200'), 'getAppointment 200');
    expect(result.outcome).toBe('failed');
    expect(result.problems).toContainEqual('live response: 200 has no body; the spec documents application/json');
    expect(result.problems).toContainEqual(expect.stringMatching(/^note: the target answered 200; Prism's proxy answered 5\d\d$/));
    expect(result.problems.join('\n')).not.toMatch(/status 500, expected 200/);
  });

  it('fails a case whose upstream answered 501, because Prism served a mock instead of the live answer', async () => {
    const result = find(await runViaProxy('not-implemented'), 'getAppointment 200');
    expect(result.outcome).toBe('failed');
    expect(result.problems[0]).toMatch(/501 Not Implemented and Prism served a mock/);
  });
});

describe('validation proxy (--via-proxy) against a hostile target', () => {
  const KEY = 'hk_live_PARTNER_SECRET_9f8e7d6c';
  let servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const fault = async (script?: FaultScript) => {
    const s = await startFaultServer();
    if (script) s.setFallback(script);
    servers.push(s);
    return s;
  };

  /** Runs the suite through Prism's proxy with the partner's key, as `--via-proxy` does. */
  async function viaProxy(target: FaultServer, timeoutMs = 5_000): Promise<SuiteReport> {
    const spec = await loadSpec(appointmentsSpecPath);
    const env = { HERO_API_KEY: KEY, HERO_PRACTICE_GROUP_ID: '42' };
    const opened = await openTarget(parseTargetChoice({ target: target.url, viaProxy: true }), spec, { env, timeoutMs });
    if (!opened.ok) throw new Error(opened.reason);
    try {
      expect(opened.target.apiKey).toBe(KEY);
      return await runSuite(createSuiteContext(spec, opened.target, undefined, { timeoutMs }), { selfChecks: false });
    } finally {
      await opened.close();
    }
  }

  const everyOutput = (report: SuiteReport) => [formatConsoleReport(report), formatJUnit(report), formatJson(report), formatMarkdown(report)].join('\n');

  it('follows no redirect with the key: the host redirected to receives nothing', async () => {
    const elsewhere = await fault();
    const target = await fault((request) => (request.url === '/' ? { type: 'respond', status: 404 } : { type: 'respond', status: 307, headers: { location: `${elsewhere.url}/stolen` } }));
    const report = await viaProxy(target);
    expect(target.requests.filter((r) => r.headers['x-api-key'] === KEY).length).toBeGreaterThan(0);
    expect(elsewhere.requests).toEqual([]);
    expect(find(report, 'getAppointment 200').problems).toContainEqual(expect.stringMatching(/answered 307, a redirect; hero-contract never follows a redirect with the API key/));
  });

  it('writes no value of an echoing 2xx (the key, a patient) to any report, and ignores a target\'s sl-violations', async () => {
    const target = await fault((request) => ({
      type: 'respond',
      status: 200,
      headers: { 'sl-violations': JSON.stringify([{ location: ['request', KEY], message: `key ${KEY}`, severity: 'Error' }]) },
      body: { echoed: request.headers, nhs_number: '9000000009', id: 9000000009 },
    }));
    const report = await viaProxy(target);
    const text = everyOutput(report);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('9000000009');
    expect(text).not.toMatch(/Prism: request/);
  });

  it('gives up on a target that never answers within timeoutMs', async () => {
    const target = await fault((request) => (request.url === '/' ? { type: 'respond', status: 404 } : { type: 'hang' }));
    const started = performance.now();
    const report = await viaProxy(target, 800);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(find(report, 'getAppointment 200').outcome).toBe('failed');
  });
});
