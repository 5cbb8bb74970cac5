import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isUrl, loadOpenApiDocument, type LoadedOpenApi } from '../openapi/load.js';
import { packageRoot, VENDORED_SPEC } from '../openapi/package-root.js';
import { HeroSpecError } from '../openapi/spec-error.js';
import { oneLine, terminalSafe } from '../tool-output/escape.js';
import { exitCodeHelp } from '../tool-output/exit-codes.js';
import { answerHelpOrVersion } from '../tool-output/version.js';
import type { DriftChange } from './change.js';
import { classifyChanges, sortChanges } from './classify.js';
import { checkClient } from './client-check.js';
import { checkConsumerProject, type ConsumerDiagnostic } from './consumer-check.js';
import {
  buildErrorReport,
  buildReport,
  EXIT_CODE,
  FAIL_ON_LEVELS,
  type ClientCheckSummary,
  type DriftReport,
  type FailOn,
  type SpecSummary,
} from './drift-report.js';
import { canonicalJson } from './openapi-document.js';
import { typeRelevantJson } from './type-view.js';
import { HeroDriftSetupError } from './optional-import.js';
import { renderJsonReport } from './report-json.js';
import { renderJunitReport } from './report-junit.js';
import { renderMarkdownReport } from './report-markdown.js';
import { HeroDriftUpdateError, updateVendoredSpec } from './update.js';

/** Hero's published bundle, compared against when `--against` is not given. */
export const DEFAULT_AGAINST = 'https://developer.herohealth.net/_bundle/apis/public-api/openapi.yaml';

const DEFAULT_TIMEOUT_MS = 30_000;

/** Where the CLI writes and which directory relative paths start from; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** @default process.cwd() */
  cwd: string;
}

export const USAGE = `Usage: hero-drift [options]

Compares Hero's published OpenAPI spec with the one this package was built from,
classifies every change for a client, and type-checks code against types generated
from Hero's spec: in a partner's project (consumer mode, the default where the package
is installed) the project's own code; in the SDK repository its src/ and README.

Options:
  --against <file|url>   Hero's spec to compare with
                         (default: ${DEFAULT_AGAINST})
  --spec <file>          the vendored spec (default: <root>/${VENDORED_SPEC.split('\\').join('/')})
  --root <dir>           repository or package root holding openapi/, src/, generated/
                         (default: the root of this package)
  --fail-on <level>      breaking | warning | any (default: breaking)
  --markdown <file>      write the markdown report (e.g. $GITHUB_STEP_SUMMARY)
  --json <file>          write the JSON report
  --junit <file>         write the JUnit XML report
  --project <tsconfig>   consumer mode: the project to type-check (default: ./tsconfig.json)
  --mode <mode>          consumer | repository (default: repository when run from the
                         SDK's sources or with --root/--client-src, otherwise consumer)
  --skip-client-check    do not regenerate types and type-check the client
  --client-src <dir>     repository mode: sources to type-check (default: <root>/src)
  --readme <file>        repository mode: markdown whose \`\`\`ts blocks are type-checked
                         (default: <root>/README.md)
  --timeout-ms <n>       give up fetching a URL after n ms (default: ${DEFAULT_TIMEOUT_MS})
  --allow-ref-dir <dir>  let a spec's file $refs read files under <dir> (repeatable); without
                         it any $ref to a file or URL is refused: a spec is data, not a pointer
  --update               after review: write Hero's spec over the vendored one and
                         run \`npm run generate\` (SDK repository only)
  --quiet                do not print the markdown report to stdout
  -h, --help             show this help
  --version              print the version

Examples:
  npx hero-drift                                     your ./tsconfig.json against Hero's published spec
  npx hero-drift --against ./hero-new.yaml --project tsconfig.build.json
  npx hero-drift --markdown "$GITHUB_STEP_SUMMARY" --junit reports/drift.junit.xml
  npx hero-drift --skip-client-check --fail-on warning    spec changes only, fail on warnings too
  npm run drift -- --against <file|url> --update     this repository: vendor Hero's spec after review

${exitCodeHelp({
  0: 'no change at or above --fail-on (or --update done)',
  1: 'a change at or above --fail-on (a compile error in your code is breaking)',
  2: 'usage error, a package hero-drift needs is not installed, no tsconfig.json,\nor a report file that cannot be written',
  3: 'no verdict: a spec could not be fetched, read or parsed (or is too large), or it\n$refs a file or URL that --allow-ref-dir does not cover (nothing it names is read)',
  4: '--update could not write the spec or regenerate types',
})}`;

/**
 * Runs `hero-drift` with the given arguments (without `node` and the script) and resolves
 * to its exit code ({@link EXIT_CODE}). Never calls `process.exit`: bin.ts does.
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  try {
    return await run(argv, io);
  } catch (error) {
    // A bug, or a library tripped by a document: a message and "no verdict", never a stack trace.
    err(`hero-drift: ${oneLine(`internal error: ${describeUnexpected(error)}`)}\n`);
    return EXIT_CODE.unreadable;
  }
}

async function run(argv: readonly string[], io: Partial<CliIo>): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  const cwd = io.cwd ?? process.cwd();

  const parsed = parseCliArgs(argv);
  if ('error' in parsed) {
    err(`hero-drift: ${parsed.error}\n\n${USAGE}`);
    return EXIT_CODE.usage;
  }
  const answered = answerHelpOrVersion(parsed, USAGE, out);
  if (answered !== undefined) return answered;

  const rootDir = resolve(cwd, parsed.root ?? packageRoot());
  const specPath = resolve(cwd, parsed.spec ?? join(rootDir, VENDORED_SPEC));
  const against = isUrl(parsed.against) ? parsed.against : resolve(cwd, parsed.against);
  const baselineSummary: SpecSummary = { source: displayPath(cwd, specPath) };
  const againstSummary: SpecSummary = { source: isUrl(against) ? against : displayPath(cwd, against) };
  const started = performance.now();

  let report: DriftReport;
  let current: LoadedOpenApi | undefined;
  try {
    const loadOptions = { timeoutMs: parsed.timeoutMs, cwd, allowRefDirs: parsed.allowRefDirs };
    const [baseline, loaded] = await Promise.all([loadOpenApiDocument(specPath, loadOptions), loadOpenApiDocument(against, loadOptions)]);
    current = loaded;
    const baselineSide = withVersion(baselineSummary, baseline);
    const againstSide = withVersion(againstSummary, loaded);
    const identical = canonicalJson(baseline.document) === canonicalJson(loaded.document);
    // Documentation, key order and extensions do not reach the generated types: nothing to compile.
    const sameTypes = identical || typeRelevantJson(baseline.document) === typeRelevantJson(loaded.document);
    const changes = identical
      ? []
      : await classifyChanges(
          { document: baseline.document, label: baselineSide.source },
          { document: loaded.document, label: againstSide.source },
        );
    const client = await runClientCheck(parsed, rootDir, cwd, loaded, againstSide.source, { identical, sameTypes }, changes);
    report = buildReport({
      baseline: baselineSide,
      against: againstSide,
      failOn: parsed.failOn,
      changes: sortChanges([...changes, ...client.changes]),
      clientCheck: client.summary,
      durationMs: performance.now() - started,
    });
  } catch (error) {
    if (error instanceof HeroDriftSetupError) {
      err(`hero-drift: ${oneLine(error.message)}\n`);
      return EXIT_CODE.usage;
    }
    // Anything else a hostile or odd document provokes is still "could not compare", with a
    // message and no verdict: never a stack trace, never exit 1 ("breaking").
    const message = error instanceof HeroSpecError ? error.message : `could not compare the specs: ${describeUnexpected(error)}`;
    report = buildErrorReport({
      baseline: baselineSummary,
      against: againstSummary,
      failOn: parsed.failOn,
      error: message,
      durationMs: performance.now() - started,
      exitCode: EXIT_CODE.unreadable,
    });
    err(`hero-drift: ${oneLine(message)}\n`);
  }

  const markdown = renderMarkdownReport(report);
  try {
    await writeReports(parsed, cwd, report, markdown);
  } catch (error) {
    err(`hero-drift: could not write a report: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT_CODE.usage;
  }
  if (!parsed.quiet) out(terminalSafe(markdown));

  if (!parsed.update || report.status === 'error' || current === undefined) return report.exitCode;
  if (report.changes.length === 0) {
    out('Nothing to update: the vendored spec already matches.\n');
    return EXIT_CODE.ok;
  }
  return runUpdate(rootDir, specPath, current, cwd, out, err);
}

export interface CliOptions {
  against: string;
  spec?: string;
  root?: string;
  failOn: FailOn;
  markdown?: string;
  json?: string;
  junit?: string;
  skipClientCheck: boolean;
  mode?: CheckMode;
  project?: string;
  clientSrc?: string;
  readme?: string;
  timeoutMs: number;
  /** Directories a spec's file `$ref`s may read from; empty: every external `$ref` is refused. */
  allowRefDirs: string[];
  update: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

/** Parses `hero-drift` arguments; exported so the workflow examples can be checked against it. */
export function parseCliArgs(argv: readonly string[]): CliOptions | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        against: { type: 'string' },
        spec: { type: 'string' },
        root: { type: 'string' },
        'fail-on': { type: 'string' },
        markdown: { type: 'string' },
        json: { type: 'string' },
        junit: { type: 'string' },
        'skip-client-check': { type: 'boolean' },
        'client-src': { type: 'string' },
        project: { type: 'string' },
        mode: { type: 'string' },
        readme: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'allow-ref-dir': { type: 'string', multiple: true },
        update: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const failOn = values['fail-on'] ?? 'breaking';
  if (!(FAIL_ON_LEVELS as readonly string[]).includes(failOn)) {
    return { error: `--fail-on must be one of ${FAIL_ON_LEVELS.join(', ')}; got "${failOn}"` };
  }
  const timeoutText = values['timeout-ms'];
  const timeoutMs = timeoutText === undefined ? DEFAULT_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    return { error: `--timeout-ms must be a positive whole number of milliseconds; got "${String(timeoutText)}"` };
  }
  for (const flag of ['against', 'spec', 'root', 'markdown', 'json', 'junit', 'client-src', 'readme', 'project'] as const) {
    if (values[flag] === '') return { error: `--${flag} needs a value` };
  }
  const allowRefDirs = values['allow-ref-dir'] ?? [];
  if (allowRefDirs.some((dir) => dir.trim() === '')) return { error: '--allow-ref-dir needs a directory' };
  const mode = values.mode;
  if (mode !== undefined && mode !== 'consumer' && mode !== 'repository') {
    return { error: `--mode must be consumer or repository; got "${mode}"` };
  }
  const repositoryOnly = ['root', 'client-src', 'readme'] as const;
  const consumerFlag = values.project !== undefined || mode === 'consumer';
  const repositoryFlag = repositoryOnly.find((flag) => values[flag] !== undefined);
  if (consumerFlag && (repositoryFlag !== undefined || mode === 'repository')) {
    return { error: `--${repositoryFlag ?? 'mode repository'} is for repository mode and cannot be combined with --project or --mode consumer` };
  }
  const options: CliOptions = {
    against: values.against ?? DEFAULT_AGAINST,
    failOn: failOn as FailOn,
    skipClientCheck: values['skip-client-check'] === true,
    timeoutMs,
    allowRefDirs,
    update: values.update === true,
    quiet: values.quiet === true,
    help: values.help === true,
    version: values.version === true,
  };
  const optional = {
    spec: values.spec,
    root: values.root,
    markdown: values.markdown,
    json: values.json,
    junit: values.junit,
    clientSrc: values['client-src'],
    readme: values.readme,
    project: values.project,
    mode: (mode as CheckMode | undefined) ?? (consumerFlag ? 'consumer' : repositoryFlag !== undefined ? 'repository' : undefined),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  return options;
}

/** Whose code the client check compiles: a partner's project, or this repository's src/ and README. */
export type CheckMode = 'consumer' | 'repository';

// Run from the SDK's own sources (`npm run drift`), the repository is what gets checked;
// run from an installed package (`npx hero-drift` in a partner's project), the partner's code.
function defaultMode(rootDir: string): CheckMode {
  return existsSync(join(rootDir, 'src', 'drift')) ? 'repository' : 'consumer';
}

async function runClientCheck(
  options: CliOptions,
  rootDir: string,
  cwd: string,
  spec: LoadedOpenApi,
  label: string,
  compared: { identical: boolean; sameTypes: boolean },
  specChanges: readonly DriftChange[],
): Promise<{ summary: ClientCheckSummary; changes: DriftChange[] }> {
  const mode = options.mode ?? defaultMode(rootDir);
  const unchangedTypes = compared.identical ? 'the specs are identical' : 'the types generated from the new spec are the same (documentation, key order or extensions changed)';
  if (mode === 'consumer') {
    const project = resolve(cwd, options.project ?? 'tsconfig.json');
    if (options.skipClientCheck) return { summary: { status: 'skipped', mode, reason: 'turned off with --skip-client-check' }, changes: [] };
    if (compared.sameTypes) return { summary: { status: 'skipped', mode, reason: unchangedTypes }, changes: [] };
    const result = await checkConsumerProject({ document: spec.document, label, projectPath: project, packageDir: rootDir, changes: specChanges, cwd });
    const changes = result.diagnostics.map(consumerChange);
    return {
      summary: {
        status: changes.length === 0 ? 'passed' : 'failed',
        mode,
        project: displayPath(cwd, project),
        filesChecked: result.filesChecked,
        preExistingErrors: result.preExisting,
      },
      changes,
    };
  }
  const sourceDir = resolve(cwd, options.clientSrc ?? join(rootDir, 'src'));
  const skipped = (reason: string) => ({ summary: { status: 'skipped' as const, mode, reason }, changes: [] });
  if (options.skipClientCheck) return skipped('turned off with --skip-client-check');
  if (compared.sameTypes) return skipped(unchangedTypes);
  if (!existsSync(sourceDir)) return skipped(`no sources at ${displayPath(cwd, sourceDir)}`);
  const result = await checkClient({
    document: spec.document,
    label,
    rootDir,
    sourceDir,
    ...(options.readme === undefined ? {} : { readmePath: resolve(cwd, options.readme) }),
  });
  const changes = result.diagnostics.map(
    (diagnostic): DriftChange => ({
      severity: 'breaking',
      rule: 'client.compile-error',
      source: 'typescript',
      operations: [],
      location: `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`,
      message: diagnostic.message,
      details: { file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, code: diagnostic.code },
    }),
  );
  return {
    summary: { status: changes.length === 0 ? 'passed' : 'failed', mode, filesChecked: result.filesChecked, preExistingErrors: result.preExisting },
    changes,
  };
}

// The location (`src/notify.ts:9:7`) and code are shown by every report; the message adds
// the call, operation and field, then the compiler's words.
function consumerChange(diagnostic: ConsumerDiagnostic): DriftChange {
  const where = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`;
  const context = [
    diagnostic.call === undefined ? undefined : `in ${diagnostic.call}(…)`,
    diagnostic.operations.length === 0 ? undefined : `operation ${diagnostic.operations.join(', ')}`,
    diagnostic.fields.length === 0 ? undefined : `field ${diagnostic.fields.join(', ')}`,
  ].filter((part) => part !== undefined);
  return {
    severity: 'breaking',
    rule: 'client.compile-error',
    source: 'typescript',
    operations: diagnostic.operations,
    location: where,
    message: `${context.length === 0 ? '' : `${context.join('; ')}: `}${diagnostic.message}`,
    details: {
      file: diagnostic.file,
      line: diagnostic.line,
      column: diagnostic.column,
      code: diagnostic.code,
      ...(diagnostic.call === undefined ? {} : { call: diagnostic.call }),
      fields: diagnostic.fields,
    },
  };
}

async function writeReports(options: CliOptions, cwd: string, report: DriftReport, markdown: string): Promise<void> {
  const outputs: [string | undefined, () => string][] = [
    [options.markdown, () => markdown],
    [options.json, () => renderJsonReport(report)],
    [options.junit, () => renderJunitReport(report)],
  ];
  for (const [target, render] of outputs) {
    if (target === undefined) continue;
    const path = resolve(cwd, target);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, render());
  }
}

async function runUpdate(
  rootDir: string,
  specPath: string,
  spec: LoadedOpenApi,
  cwd: string,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  try {
    const result = await updateVendoredSpec({ rootDir, specPath, spec });
    const lines = [
      '',
      `Updated ${displayPath(cwd, result.specPath)} (${result.linesBefore} → ${result.linesAfter} lines) from ${spec.source}.`,
      'Ran npm run generate.',
      result.generatedChanges.length === 0 ? 'generated/: no file changed.' : 'generated/ changes:',
      ...result.generatedChanges.map((file) => `  ${file}`),
      'Review with git diff, then commit.',
      '',
    ];
    out(terminalSafe(lines.join('\n')));
    return EXIT_CODE.ok;
  } catch (error) {
    const message = error instanceof HeroDriftUpdateError ? error.message : `--update failed: ${describeUnexpected(error)}`;
    err(`hero-drift: ${terminalSafe(message)}\n`);
    return EXIT_CODE.updateFailed;
  }
}

function withVersion(summary: SpecSummary, spec: LoadedOpenApi): SpecSummary {
  return spec.version === undefined ? summary : { ...summary, version: spec.version };
}

function displayPath(cwd: string, path: string): string {
  const fromCwd = relative(cwd, path);
  return fromCwd.startsWith('..') || fromCwd === '' ? path : fromCwd.split('\\').join('/');
}

// One line naming what failed, never a stack: the error may come from a library reading a
// hostile document, so its text is shown as data (escaped by each report).
function describeUnexpected(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split(/\r\n|\r|\n/)[0] ?? '';
  return `${name}: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}
