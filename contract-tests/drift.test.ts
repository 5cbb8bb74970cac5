/**
 * The suite must notice when a server drifts from the spec. A local stand-in serves the
 * fixture spec's operations, faithfully or drifted, and the engine runs against it as a
 * plain base-URL target, exactly as `HERO_CONTRACT_TARGET=<url> npm start` would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatConsoleReport, formatJUnit } from '../src/contract/report.js';
import { exitCodeOf, summarize } from '../src/contract/summary.js';
import { createSuiteContext, runSuite, skippedReport, type SuiteReport } from '../src/contract/run.js';
import { loadSpec } from '../src/contract/spec.js';
import { openTarget, parseTargetChoice } from '../src/contract/targets.js';
import { appointmentsSpecPath, startAppointmentsServer, type AppointmentsServer, type Drift } from './fixtures/appointments-server.js';

let server: AppointmentsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runAgainst(drift: Drift): Promise<SuiteReport> {
  server = await startAppointmentsServer(drift);
  const spec = await loadSpec(appointmentsSpecPath);
  // A loopback stand-in: a bare --allow-writes is enough, as on the command line.
  const opened = await openTarget(parseTargetChoice({ target: server.url, allowWrites: true }), spec, { env: {} });
  if (!opened.ok) throw new Error(opened.reason);
  try {
    return await runSuite(createSuiteContext(spec, opened.target));
  } finally {
    await opened.close();
  }
}

const result = (report: SuiteReport, id: string) => {
  const found = report.results.find((r) => r.id === id);
  if (!found) throw new Error(`no result ${id}`);
  return found;
};

describe('drift detection against a plain URL target', () => {
  it('passes when the server answers as the spec documents, listing unreachable statuses as not applicable', async () => {
    const report = await runAgainst('none');
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(exitCodeOf(report)).toBe(0);
    expect(result(report, 'getAppointment 404')).toMatchObject({ outcome: 'not-applicable', reason: expect.stringContaining('cannot be told which status') });
    const invalidBodies = report.results.filter((r) => r.kind === 'invalid-body');
    expect(invalidBodies).toHaveLength(4);
    expect(invalidBodies.every((r) => r.outcome === 'passed' && r.actualStatus === 400)).toBe(true);
    expect(result(report, 'getAppointment unknown id')).toMatchObject({ outcome: 'passed', actualStatus: 404 });
  });

  it('fails naming the operation, the field and the expected schema when a required field is removed and a type changes', async () => {
    const report = await runAgainst('breaking');
    const failed = result(report, 'getAppointment 200');
    expect(failed.outcome).toBe('failed');
    expect(failed.problems).toContainEqual(expect.stringMatching(/\/start_time.*required.*#\/components\/schemas\/Appointment/));
    expect(failed.problems).toContainEqual(expect.stringMatching(/\/id: must be string.*#\/components\/schemas\/Id/));
    expect(exitCodeOf(report)).toBe(1);
    const console = formatConsoleReport(report);
    expect(console).toMatch(/✗ getAppointment 200[\s\S]*\/start_time/);
    expect(formatJUnit(report)).toMatch(/<testcase [^>]*name="getAppointment 200"[^>]*>\s*<failure message="[^"]*start_time/);
  });

  it('warns, without failing, about response properties the spec does not declare', async () => {
    const report = await runAgainst('undeclared-field');
    const warned = result(report, 'getAppointment 200');
    expect(warned.outcome).toBe('passed');
    expect(warned.warnings).toHaveLength(2);
    expect(warned.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/nickname .*#\/components\/schemas\/Appointment\)/),
        expect.stringMatching(/\/practitioner\/grade .*#\/components\/schemas\/Appointment\/properties\/practitioner\)/),
      ]),
    );
    expect(summarize(report).warnings).toBe(2);
    expect(exitCodeOf(report)).toBe(0);
  });

  it('fails the negative case when the server accepts a request without x-api-key', async () => {
    const report = await runAgainst('no-auth-check');
    expect(result(report, 'getAppointment without x-api-key')).toMatchObject({ outcome: 'failed', actualStatus: 200 });
    expect(result(report, 'getAppointment without x-practice-group-id').outcome).toBe('passed');
  });
});

describe('unreachable targets', () => {
  it('are reported as skipped with the reason and exit code 3 (no verdict), never as passed', async () => {
    // A port that was free a moment ago and is now closed: connection refused.
    const closed = await startAppointmentsServer('none');
    const url = closed.url;
    await closed.close();
    const spec = await loadSpec(appointmentsSpecPath);
    const opened = await openTarget(parseTargetChoice({ target: url }), spec, { env: {}, probeTimeoutMs: 2_000 });
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.reason).toMatch(/unreachable: ECONNREFUSED/);
    const report = skippedReport(spec, opened, opened.reason);
    expect(exitCodeOf(report)).toBe(3);
    expect(summarize(report).passed).toBe(false);
    expect(report.results.every((r) => r.outcome === 'skipped')).toBe(true);
    expect(formatConsoleReport(report)).toContain('SKIPPED — NOTHING WAS TESTED');
  });
});
