import { xmlAttribute, xmlText } from '../tool-output/escape.js';
import type { DriftChange } from './change.js';
import { meetsFailLevel, type DriftReport } from './drift-report.js';

/**
 * The report as JUnit XML, for CI test views. One test case per spec change and per
 * compile error; those at or above the `--fail-on` level are failures, the rest pass with
 * the change in `system-out`. A run that could not compare is one test case with an error.
 */
export function renderJunitReport(report: DriftReport): string {
  const seconds = (report.durationMs / 1000).toFixed(3);
  const suites: string[] = [];
  if (report.status === 'error') {
    suites.push(
      suite('hero-drift.spec', report, [
        `    <testcase classname="hero-drift.spec" name="fetch and parse both specs" time="${seconds}">\n` +
          `      <error message="${xmlAttribute(report.error ?? 'unknown error')}" type="unreadable"/>\n` +
          '    </testcase>',
      ]),
    );
  } else {
    const specChanges = report.changes.filter((change) => change.source !== 'typescript');
    const compileErrors = report.changes.filter((change) => change.source === 'typescript');
    const specCases =
      specChanges.length === 0
        ? [`    <testcase classname="hero-drift.spec" name="vendored spec matches ${xmlAttribute(report.against.source)}"/>`]
        : specChanges.map((change) => testCase('hero-drift.spec', change, report));
    suites.push(suite('hero-drift.spec', report, specCases));
    const clientCases =
      report.clientCheck.status === 'skipped'
        ? [
            `    <testcase classname="hero-drift.client" name="client compiles against the new types">\n` +
              `      <skipped message="${xmlAttribute(report.clientCheck.reason ?? 'not run')}"/>\n    </testcase>`,
          ]
        : compileErrors.length === 0
          ? ['    <testcase classname="hero-drift.client" name="client compiles against the new types"/>']
          : compileErrors.map((change) => testCase('hero-drift.client', change, report));
    suites.push(suite('hero-drift.client', report, clientCases));
  }
  const totals = countCases(suites.join('\n'));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hero-drift" ${countAttributes(totals)} time="${seconds}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(name: string, report: DriftReport, cases: string[]): string {
  const totals = countCases(cases.join('\n'));
  return [
    `  <testsuite name="${name}" ${countAttributes(totals)} timestamp="${report.generatedAt}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

// Names stay the same from night to night for the same change, so CI can track it.
function testCase(classname: string, change: DriftChange, report: DriftReport): string {
  const name = `${change.rule} at ${change.location}`;
  const body = [
    change.message,
    change.operations.length > 0 ? `Operations: ${change.operations.join(', ')}` : '',
    `Severity: ${change.severity}; found by ${change.source}.`,
  ]
    .filter((line) => line !== '')
    .join('\n');
  const open = `    <testcase classname="${classname}" name="${xmlAttribute(name)}">`;
  if (meetsFailLevel(change.severity, report.failOn)) {
    return `${open}\n      <failure message="${xmlAttribute(change.message)}" type="${change.severity}">${xmlText(body)}</failure>\n    </testcase>`;
  }
  return `${open}\n      <system-out>${xmlText(body)}</system-out>\n    </testcase>`;
}

function countAttributes(totals: ReturnType<typeof countCases>): string {
  return `tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}"`;
}

function countCases(xml: string): { tests: number; failures: number; errors: number; skipped: number } {
  const count = (pattern: RegExp) => (xml.match(pattern) ?? []).length;
  return {
    tests: count(/<testcase /g),
    failures: count(/<failure /g),
    errors: count(/<error /g),
    skipped: count(/<skipped /g),
  };
}
