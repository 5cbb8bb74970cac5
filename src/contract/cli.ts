/**
 * `hero-contract` (and `npm start` in this repository): the contract suite against a target.
 * Prints where requests go and what they may do before sending anything, runs every case,
 * prints a per-operation table and writes JUnit, JSON and (on request) markdown reports.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundledSpecPath } from '../openapi/package-root.js';
import { HeroSpecError } from '../openapi/spec-error.js';
import { HeroPrismError, startPrism, type PrismServer } from '../testing/prism.js';
import { oneLine, terminalSafe } from '../tool-output/escape.js';
import { exitCodeHelp, TOOL_EXIT } from '../tool-output/exit-codes.js';
import { answerHelpOrVersion } from '../tool-output/version.js';
import { defaultReportFiles, formatConsoleReport, writeReports, type ReportFiles } from './report.js';
import { exitCodeOf } from './summary.js';
import { createSuiteContext, runSuite, skippedReport, type SuiteReport } from './run.js';
import { runSelfChecks } from './self-check.js';
import { loadSpec, type LoadedSpec } from './spec.js';
import { describePlan, openPlanned, parseTargetChoice, planTarget, type TargetChoice, type TargetPlan, type WritesFlag } from './targets.js';
import { HeroContractUsageError } from './usage-error.js';
import { createSpecValidator } from './validate.js';

/** Where the CLI writes and what it reads; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** @default process.cwd() */
  cwd: string;
  /** @default process.env */
  env: Readonly<Record<string, string | undefined>>;
}

export const USAGE = `Usage: hero-contract [options]

Checks that a Hero API target answers as the OpenAPI spec documents: every operation's
documented responses, requests it must reject, and the spec's own consistency.

Targets (--target, or HERO_CONTRACT_TARGET):
  prism (default)    an embedded Prism mock of the spec on 127.0.0.1 (needs @stoplight/prism-cli)
  hero-mock          Hero's hosted mock server (HERO_MOCK_URL or --url overrides its URL)
  staging            Hero's staging API (HERO_API_KEY, HERO_PRACTICE_GROUP_ID)
  production         Hero's production API (HERO_API_KEY, HERO_PRACTICE_GROUP_ID)
  <http(s) URL>      any base URL (HERO_API_KEY used when set)

Options:
  --target <t>             the target (see above)
  --url <url>              override the URL of hero-mock, staging or production
  --allow-writes[=<host>]  also send POST/PUT/PATCH/DELETE. Only GET and HEAD are sent to any
                           target but the embedded mock without it; a non-loopback host must be
                           named: --allow-writes=api.staging.htech.app
  --via-proxy              put Prism's validation proxy in front of a remote target
  --operation <id>         only this operationId (repeatable)
  --spec <file>            OpenAPI document (default: the spec bundled with this package)
  --allow-ref-dir <dir>    let the spec's file $refs read files under <dir> (repeatable); without
                           it a $ref to a file or URL is refused (exit 3): a spec is data
  --timeout-ms <n>         give up on a request (connect and body) after n ms (default: 15000)
  --show-bodies            print failed responses' bodies, masked (patient data, keys), to the
                           terminal only, for local debugging; never written to a report
  --reports <dir>          write contract.junit.xml and contract.json here (default: reports)
  --junit <file>           JUnit XML report path (overrides --reports for this file)
  --json <file>            JSON report path (overrides --reports for this file)
  --markdown <file>        markdown summary, e.g. "$GITHUB_STEP_SUMMARY"
  --quiet                  print only the verdict, not the per-operation table
  -h, --help               show this help
  --version                print the version

Examples:
  npx hero-contract                                   the embedded Prism mock of the bundled spec
  npx hero-contract --target hero-mock                Hero's hosted mock: Hero's current examples
  HERO_API_KEY=… HERO_PRACTICE_GROUP_ID=… npx hero-contract --target staging    read-only
  npx hero-contract --target http://127.0.0.1:8080 --allow-writes    your own stand-in, writes too
  npx hero-contract --target hero-mock --markdown "$GITHUB_STEP_SUMMARY" --junit reports/contract.junit.xml

The API key is sent only over https or to a loopback host (an address, or exactly localhost),
never to Hero's hosted mock, and never after a redirect. Reports name statuses, field paths and
types, never a value from a response.

${exitCodeHelp({
  0: 'every required case passed (rate-limited cases are listed as inconclusive)',
  1: 'a case failed',
  2: 'nothing was sent: a usage error, a command that would be unsafe (writes without\n--allow-writes), a missing peer (ajv, Prism), or a target that cannot be set up',
  3: 'SKIPPED, no verdict: the target was unreachable, or rate limited every case; or the\nspec could not be read, or $refs a file or URL --allow-ref-dir does not cover.\nNothing was tested, so this is never a pass',
})}`;

/** Exit code for a spec whose `$ref`s point outside it, or that cannot be read (see {@link USAGE}). */
export const EXIT_EXTERNAL_REF = TOOL_EXIT.noVerdict;
const DEFAULT_TIMEOUT_MS = 15_000;

interface CliOptions {
  target: string | undefined;
  url: string | undefined;
  allowWrites: WritesFlag;
  viaProxy: boolean;
  operations: string[] | undefined;
  spec: string | undefined;
  allowRefDirs: string[];
  timeoutMs: number;
  showBodies: boolean;
  reports: string;
  junit: string | undefined;
  json: string | undefined;
  markdown: string | undefined;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

/**
 * Reads the arguments. `--allow-writes` is a flag that may carry a value, which parseArgs
 * cannot express, so it is taken out first.
 */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliOptions {
  let allowWrites: WritesFlag = false;
  const rest: string[] = [];
  for (const arg of argv) {
    if (arg === '--allow-writes') allowWrites = true;
    else if (arg.startsWith('--allow-writes=')) allowWrites = arg.slice('--allow-writes='.length) || true;
    else rest.push(arg);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      target: { type: 'string' },
      url: { type: 'string' },
      'via-proxy': { type: 'boolean', default: false },
      operation: { type: 'string', multiple: true },
      spec: { type: 'string' },
      'allow-ref-dir': { type: 'string', multiple: true },
      'timeout-ms': { type: 'string' },
      'show-bodies': { type: 'boolean', default: false },
      reports: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  const timeoutText = values['timeout-ms'];
  const timeoutMs = timeoutText === undefined ? DEFAULT_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new HeroContractUsageError(`--timeout-ms must be a positive whole number of milliseconds`);
  const allowRefDirs = values['allow-ref-dir'] ?? [];
  if (allowRefDirs.some((dir) => dir.trim() === '')) throw new HeroContractUsageError('--allow-ref-dir needs a directory');
  return {
    target: values.target ?? (env.HERO_CONTRACT_TARGET?.trim() || undefined),
    url: values.url,
    allowWrites,
    viaProxy: values['via-proxy'] ?? false,
    operations: values.operation,
    spec: values.spec,
    allowRefDirs,
    timeoutMs,
    showBodies: values['show-bodies'] ?? false,
    reports: values.reports ?? 'reports',
    junit: values.junit,
    json: values.json,
    markdown: values.markdown,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** Runs `hero-contract` and resolves to its exit code. Never calls `process.exit`: bin.ts does. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const rawOut = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const rawErr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  // Everything printed may hold text from a spec or a target: no control reaches the terminal.
  const out = (text: string) => rawOut(terminalSafe(text));
  const err = (text: string) => rawErr(terminalSafe(text));
  const cwd = io.cwd ?? process.cwd();
  const env = io.env ?? process.env;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    return await run(argv, { out, err, cwd, env, cleanups });
  } catch (error) {
    // A bug, or a library tripped by a hostile document: one line, never a stack trace.
    err(`hero-contract: internal error, nothing more was sent: ${describeUnexpected(error)}\n`);
    return TOOL_EXIT.noVerdict;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

interface RunContext {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Run in reverse order when the command ends, however it ends. */
  cleanups: (() => Promise<void>)[];
}

async function run(argv: readonly string[], { out, err, cwd, env, cleanups }: RunContext): Promise<number> {
  const wallStart = performance.now();
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, env);
  } catch (error) {
    err(`hero-contract: ${oneLine((error as Error).message)}\n\n${USAGE}`);
    return TOOL_EXIT.usage;
  }
  const answered = answerHelpOrVersion(options, USAGE, out);
  if (answered !== undefined) return answered;

  let choice: TargetChoice;
  try {
    choice = parseTargetChoice({ target: options.target, url: options.url, viaProxy: options.viaProxy, allowWrites: options.allowWrites });
  } catch (error) {
    if (!(error instanceof HeroContractUsageError)) throw error;
    err(`hero-contract: ${oneLine(error.message)}\n`);
    return TOOL_EXIT.usage;
  }
  const specPath = options.spec ? resolve(cwd, options.spec) : bundledSpecPath();
  // The embedded mock takes longest to become ready (Prism loads its modules, then the spec),
  // so for the spec this package ships it boots in its own process while this one parses the
  // spec and compiles every schema. Any other spec is checked first (a $ref to a file or URL
  // is refused before Prism could resolve it), and Prism starts after.
  const early = options.spec === undefined && choice.kind === 'prism' && !choice.viaProxy;
  const prism: Promise<PrismServer> | undefined = early ? startPrism({ specPath }) : undefined;
  prism?.catch(() => {});
  if (prism) cleanups.push(async () => void (await prism.then((p) => p.stop(), () => {})));

  let spec: LoadedSpec;
  try {
    spec = await loadSpec(specPath, { allowRefDirs: options.allowRefDirs, cwd });
  } catch (error) {
    if (!(error instanceof HeroSpecError)) throw error;
    err(`hero-contract: could not use the spec: ${oneLine(error.message)}\n`);
    return TOOL_EXIT.noVerdict;
  }
  let plan: TargetPlan;
  try {
    plan = planTarget(choice, spec, env);
  } catch (error) {
    if (!(error instanceof HeroContractUsageError)) throw error;
    err(`hero-contract: ${oneLine(error.message)}\n`);
    return TOOL_EXIT.usage;
  }
  // Before any request, the probe included: where it goes and what it may do.
  out(`${oneLine(describePlan(plan))}\n`);

  const files: ReportFiles = {
    ...defaultReportFiles(resolve(cwd, options.reports)),
    ...(options.junit && { junit: resolve(cwd, options.junit) }),
    ...(options.json && { json: resolve(cwd, options.json) }),
    ...(options.markdown && { markdown: resolve(cwd, options.markdown) }),
  };

  const validator = createSpecValidator(spec);
  const selfChecks = runSelfChecks(spec, validator);

  let report: SuiteReport;
  let opened;
  try {
    opened = await openPlanned(plan, spec, { env, timeoutMs: options.timeoutMs, ...(prism && { prism }) });
  } catch (error) {
    // Prism could not start (not installed, or the spec does not load): a broken setup, not an unreachable target.
    err(`hero-contract: could not start the contract target: ${describeStartFailure(error).replaceAll(spec.servedPath, spec.specPath)}\n`);
    return TOOL_EXIT.usage;
  }
  if (!opened.ok) {
    report = skippedReport(spec, { kind: opened.kind, label: opened.label }, opened.reason);
  } else {
    const target = opened;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await target.close();
    };
    cleanups.push(close);
    try {
      const ctx = createSuiteContext(spec, opened.target, validator, { timeoutMs: options.timeoutMs, showBodies: options.showBodies });
      report = await runSuite(ctx, { selfCheckResults: selfChecks, ...(options.operations && { operations: options.operations }) });
    } finally {
      await close();
    }
  }
  const code = exitCodeOf(report);
  const text = formatConsoleReport(report, { showBodies: options.showBodies });
  const print = report.skipped === undefined ? out : err;
  print(`${options.quiet ? text.split('\n').filter((l) => /^(RESULT|!!)/.test(l)).join('\n') : text}\n`);
  const written = await writeReports(report, files);
  out(`Reports: ${written.join(', ')}\n`);
  out(`Wall time including target start/stop: ${((performance.now() - wallStart) / 1000).toFixed(1)} s.\n`);
  return code;
}

/**
 * Why Prism did not start, in a few lines: its own message and Prism's `fatal` lines, without
 * the stack traces and usage text Prism prints with them.
 */
function describeStartFailure(error: unknown): string {
  if (!(error instanceof HeroPrismError)) return describeUnexpected(error);
  const [first = ''] = error.message.split('\n');
  const fatal = error.output
    .split('\n')
    .filter((line) => /✖\s+fatal\b/.test(line))
    .slice(0, 3)
    .map((line) => `\n  ${oneLine(line.replace(/^.*?✖\s+fatal\b\s*/, 'Prism: ').slice(0, 300))}`);
  return `${oneLine(first)}${fatal.join('')}`;
}

function describeUnexpected(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const message = (error instanceof Error ? error.message : String(error)).split(/\r\n|\r|\n/)[0] ?? '';
  return oneLine(`${name}: ${message.length > 200 ? `${message.slice(0, 199)}…` : message}`);
}
