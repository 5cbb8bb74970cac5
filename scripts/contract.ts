/**
 * `npm start`: the contract suite. Runs every generated case, negative case and spec
 * self-check against a target, prints a per-operation table, writes
 * reports/contract.junit.xml and reports/contract.json.
 *
 * Exit codes: 0 every required case passed; 1 something failed (or bad usage);
 * 2 the target was unreachable or unusable, so nothing was tested.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadSpec } from '../src/contract/spec.js';
import { openTarget, parseTargetChoice } from '../src/contract/targets.js';
import { createSuiteContext, runSuite, skippedReport } from '../src/contract/run.js';
import { exitCodeOf, formatConsoleReport, writeReports } from '../src/contract/report.js';
import { repoRoot, specPath as defaultSpecPath } from './lib/paths.js';

const usage = `Usage: npm start -- [options]

  --target <t>      prism (default) | hero-mock | staging | <base URL>; or set HERO_CONTRACT_TARGET
  --url <url>       override the URL of hero-mock or staging (defaults come from the spec's servers)
  --via-proxy       put a Prism validation proxy in front of a remote target
  --allow-writes    let POST/PUT/PATCH/DELETE run against staging
  --operation <id>  only this operationId (repeatable)
  --spec <path>     OpenAPI document (default openapi/hero-public-api.yaml)
  --reports <dir>   where to write contract.junit.xml and contract.json (default reports/)

Staging reads HERO_API_KEY and HERO_PRACTICE_GROUP_ID. Exit code: 0 pass, 1 fail, 2 skipped (unreachable).`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      target: { type: 'string' },
      url: { type: 'string' },
      'via-proxy': { type: 'boolean', default: false },
      'allow-writes': { type: 'boolean', default: false },
      operation: { type: 'string', multiple: true },
      spec: { type: 'string' },
      reports: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${usage}`);
  process.exit(1);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const wallStart = performance.now();
let spec;
try {
  spec = await loadSpec(values.spec ? resolve(values.spec) : defaultSpecPath);
} catch (error) {
  console.error(`Could not read the spec: ${(error as Error).message}`);
  process.exit(1);
}
let choice;
try {
  choice = parseTargetChoice({
    target: values.target ?? process.env.HERO_CONTRACT_TARGET,
    url: values.url,
    viaProxy: values['via-proxy'],
    allowWrites: values['allow-writes'],
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const reportsDir = resolve(values.reports ?? resolve(repoRoot, 'reports'));

let opened;
try {
  opened = await openTarget(choice, spec);
} catch (error) {
  // Prism could not start (e.g. the spec does not load): a broken setup, not an unreachable target.
  console.error(`Could not start the contract target: ${(error as Error).message}`);
  process.exit(1);
}
if (!opened.ok) {
  const report = skippedReport(spec, { kind: opened.kind, label: opened.label }, opened.reason);
  console.error(formatConsoleReport(report));
  const files = await writeReports(report, reportsDir);
  console.error(`Reports: ${files.join(', ')}`);
  process.exit(exitCodeOf(report));
}

let report;
try {
  const ctx = createSuiteContext(spec, opened.target);
  report = await runSuite(ctx, values.operation ? { operations: values.operation } : {});
} finally {
  await opened.close();
}
console.log(formatConsoleReport(report));
const files = await writeReports(report, reportsDir);
console.log(`Reports: ${files.join(', ')}`);
console.log(`Wall time including target start/stop: ${((performance.now() - wallStart) / 1000).toFixed(1)} s.`);
process.exit(exitCodeOf(report));
