/**
 * `--via-proxy`: Prism's validation proxy in front of a remote target. Prism hides part of
 * the live answer (a mock for an upstream 501, its own error for an invalid response), so
 * the suite records the upstream's real answer and checks that with ajv.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSuiteContext, runSuite, type SuiteReport } from '../src/contract/run.js';
import { loadSpec } from '../src/contract/spec.js';
import { openTarget, parseTargetChoice } from '../src/contract/targets.js';
import { appointmentsSpecPath, startAppointmentsServer, type AppointmentsServer, type Drift } from './fixtures/appointments-server.js';

let server: AppointmentsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runViaProxy(drift: Drift): Promise<SuiteReport> {
  server = await startAppointmentsServer(drift);
  const spec = await loadSpec(appointmentsSpecPath);
  const opened = await openTarget(parseTargetChoice({ target: server.url, viaProxy: true }), spec, { env: {} });
  if (!opened.ok) throw new Error(opened.reason);
  try {
    expect(opened.target.baseUrl).not.toBe(server.url);
    return await runSuite(createSuiteContext(spec, opened.target), { selfChecks: false });
  } finally {
    await opened.close();
  }
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
