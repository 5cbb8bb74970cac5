import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type ts from 'typescript';
import type { DriftChange } from './change.js';
import { generateFiles } from './client-check.js';
import { HeroDriftSetupError, importTool } from './optional-import.js';
import { type OpenApiDocument } from '../openapi/document.js';
import { listOperations } from './openapi-document.js';

/**
 * The one declaration module every API type of the published package comes from
 * (tsup.config.ts builds it as its own entry). Consumer mode replaces exactly this file.
 */
export const GENERATED_DECLARATIONS = ['dist/generated/hero-api.d.ts', 'dist/generated/hero-api.d.cts'] as const;

/** Options for {@link checkConsumerProject}. */
export interface ConsumerCheckOptions {
  /** Hero's new spec; types are generated from it. */
  document: OpenApiDocument;
  /** Path or URL of the new spec, for error messages. */
  label: string;
  /** The partner's tsconfig.json. */
  projectPath: string;
  /** The installed package (the folder holding its package.json and dist/). */
  packageDir: string;
  /** Spec-level findings, used to name the operation and field behind a compile error. */
  changes?: readonly DriftChange[];
  /** Paths in reports are relative to this. @default dirname(projectPath) */
  cwd?: string;
}

/** One compile error in the partner's code that Hero's new spec causes. */
export interface ConsumerDiagnostic {
  /** Relative to `cwd` when inside it. */
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
  /** The call the error sits in, e.g. `hero.messages.send`. */
  call?: string;
  /** Operations involved, as `METHOD /path (operationId)`. */
  operations: string[];
  /** Fields (properties, parameters) named by the error that Hero's spec changed. */
  fields: string[];
}

/** What {@link checkConsumerProject} found. */
export interface ConsumerCheckResult {
  diagnostics: ConsumerDiagnostic[];
  /** The partner's own files compiled (declaration files not counted). */
  filesChecked: number;
  /** Errors the project already had against the installed types; not reported as drift. */
  preExisting: number;
}

/**
 * Type-checks a partner's project against this package re-typed from Hero's new spec.
 *
 * The project is compiled with the TypeScript compiler API and the project's own tsconfig,
 * with the package's generated declarations
 * ({@link GENERATED_DECLARATIONS}) read from types generated from the new spec. The swap
 * happens in the compiler host's memory, so node_modules is never written (a killed run
 * leaves nothing behind). When that compile has errors, the project is compiled again as
 * installed: errors only the new types give are Hero's change breaking the partner's code;
 * errors the project already had are counted, not reported. Throws `HeroDriftSetupError` when the tsconfig or the installed declarations are
 * missing, `HeroSpecError` when types cannot be generated from the spec.
 */
export async function checkConsumerProject(options: ConsumerCheckOptions): Promise<ConsumerCheckResult> {
  const projectPath = resolve(options.projectPath);
  const cwd = resolve(options.cwd ?? dirname(projectPath));
  if (!existsSync(projectPath)) {
    throw new HeroDriftSetupError(
      `no TypeScript project at ${projectPath}: run hero-drift where your tsconfig.json is, pass --project <tsconfig>, or --skip-client-check`,
    );
  }
  const overlayTargets = GENERATED_DECLARATIONS.map((file) => join(options.packageDir, file)).filter((file) => existsSync(file));
  if (overlayTargets.length === 0) {
    throw new HeroDriftSetupError(
      `the installed package at ${options.packageDir} has no ${GENERATED_DECLARATIONS[0]}; hero-drift's consumer mode needs a build that keeps the API types in that file`,
    );
  }
  const { default: typescript } = await importTool('typescript', () => import('typescript'));
  const generated = (await generateFiles(options.document, options.label)).get('hero-api.ts') ?? '';

  const config = readProject(typescript, projectPath);
  const baseHost = typescript.createCompilerHost(config.options, true);
  const overlaid = new Set(overlayTargets.flatMap((file) => [normalize(file), normalize(realpathSync(file))]));
  const host = overlayHost(typescript, baseHost, overlaid, generated);
  const errorsOf = (program: ts.Program) =>
    typescript.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.category === typescript.DiagnosticCategory.Error);
  const retyped = typescript.createProgram({ rootNames: config.fileNames, options: config.options, host });
  const after = errorsOf(retyped);
  // Only when the new types give errors is the project compiled as installed, to leave out
  // the errors it already had; a passing run costs one compile.
  let introduced = after;
  if (after.length > 0) {
    const baseline = typescript.createProgram({ rootNames: config.fileNames, options: config.options, host: baseHost, oldProgram: retyped });
    const before = new Set(errorsOf(baseline).map(diagnosticKey));
    introduced = after.filter((diagnostic) => !before.has(diagnosticKey(diagnostic)));
  }

  const context = new DiagnosticContext(typescript, retyped, options.document, options.changes ?? [], cwd);
  return {
    diagnostics: introduced.map((diagnostic) => context.describe(diagnostic)),
    filesChecked: config.fileNames.filter((file) => !/\.d\.[cm]?ts$/.test(file)).length,
    preExisting: after.length - introduced.length,
  };
}

function readProject(typescript: typeof ts, projectPath: string): ts.ParsedCommandLine {
  const problems: string[] = [];
  const parsed = typescript.getParsedCommandLineOfConfigFile(
    projectPath,
    { noEmit: true },
    {
      ...typescript.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => problems.push(flatten(typescript, diagnostic.messageText)),
    },
  );
  if (parsed === undefined || problems.length > 0) {
    throw new HeroDriftSetupError(`cannot read ${projectPath}: ${problems.join('; ') || 'unknown error'}`);
  }
  const fatal = parsed.errors.filter((diagnostic) => diagnostic.category === typescript.DiagnosticCategory.Error);
  if (fatal.length > 0 && parsed.fileNames.length === 0) {
    throw new HeroDriftSetupError(`cannot read ${projectPath}: ${fatal.map((d) => flatten(typescript, d.messageText)).join('; ')}`);
  }
  return { ...parsed, options: { ...parsed.options, noEmit: true } };
}

// Reads of the package's generated declarations answer with the regenerated types.
function overlayHost(typescript: typeof ts, base: ts.CompilerHost, overlaid: ReadonlySet<string>, contents: string): ts.CompilerHost {
  const isOverlaid = (fileName: string) => overlaid.has(normalize(fileName));
  return {
    ...base,
    readFile: (fileName) => (isOverlaid(fileName) ? contents : base.readFile(fileName)),
    getSourceFile: (fileName, languageVersion, onError, shouldCreate) =>
      isOverlaid(fileName)
        ? typescript.createSourceFile(fileName, contents, languageVersion, true)
        : base.getSourceFile(fileName, languageVersion, onError, shouldCreate),
  };
}

function normalize(path: string): string {
  return resolve(path).split(sep).join('/');
}

// Line-independent of the new types: the partner's files are the same in both compiles.
function diagnosticKey(diagnostic: ts.Diagnostic): string {
  const text = typeof diagnostic.messageText === 'string' ? diagnostic.messageText : JSON.stringify(diagnostic.messageText, ['messageText', 'next']);
  return `${diagnostic.file?.fileName ?? ''}:${diagnostic.start ?? -1}:${diagnostic.code}:${text}`;
}

function flatten(typescript: typeof ts, messageText: string | ts.DiagnosticMessageChain): string {
  return typescript.flattenDiagnosticMessageText(messageText, ' ');
}

const HTTP_CALLS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']);

/** Names the call, operation and field behind a compile error. */
class DiagnosticContext {
  private readonly byOperationId = new Map<string, string>();
  private readonly byMethodAndPath = new Map<string, string>();

  constructor(
    private readonly typescript: typeof ts,
    private readonly program: ts.Program,
    document: OpenApiDocument,
    private readonly changes: readonly DriftChange[],
    private readonly cwd: string,
  ) {
    for (const operation of listOperations(document).values()) {
      const id = operation.operation.operationId;
      if (typeof id === 'string') this.byOperationId.set(id, operation.label);
      this.byMethodAndPath.set(`${operation.method.toUpperCase()} ${operation.path}`, operation.label);
    }
  }

  describe(diagnostic: ts.Diagnostic): ConsumerDiagnostic {
    const message = flatten(this.typescript, diagnostic.messageText);
    const source = diagnostic.file;
    if (source === undefined || diagnostic.start === undefined) {
      return { file: '(project)', line: 0, column: 0, code: diagnostic.code, message, operations: [], fields: [] };
    }
    const position = source.getLineAndCharacterOfPosition(diagnostic.start);
    const fromCwd = relative(this.cwd, source.fileName);
    const file = (fromCwd.startsWith('..') ? source.fileName : fromCwd).split(sep).join('/');
    const call = enclosingCall(this.typescript, source, diagnostic.start);
    const operations = new Set<string>();
    if (call !== undefined) for (const label of this.operationsOfCall(call)) operations.add(label);
    const fields = this.changedFields(message);
    for (const field of fields) for (const label of field.operations) operations.add(label);
    return {
      file,
      line: position.line + 1,
      column: position.character + 1,
      code: diagnostic.code,
      message,
      ...(call === undefined ? {} : { call: call.expression.getText(source) }),
      operations: [...operations].sort(),
      fields: [...new Set(fields.map((field) => field.name))].sort(),
    };
  }

  // A facade method's declaration names its operation (`RequestBody<'sendMessage'>`); a raw
  // openapi-fetch call names method and path (`hero.raw.POST('/v1/messages', …)`).
  private operationsOfCall(call: ts.CallExpression): string[] {
    const found: string[] = [];
    const callee = call.expression;
    const name = this.typescript.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    const first = call.arguments[0];
    if (name !== undefined && HTTP_CALLS.has(name) && first !== undefined && this.typescript.isStringLiteralLike(first)) {
      const label = this.byMethodAndPath.get(`${name} ${first.text}`);
      if (label !== undefined) found.push(label);
    }
    const declaration = this.program.getTypeChecker().getResolvedSignature(call)?.getDeclaration();
    const text = declaration?.getText() ?? '';
    for (const match of text.matchAll(/['"]([A-Za-z_][\w]*)['"]/g)) {
      const label = this.byOperationId.get(match[1] ?? '');
      if (label !== undefined && !found.includes(label)) found.push(label);
    }
    return found;
  }

  // Quoted names in the message that a spec change is about (a property or parameter).
  private changedFields(message: string): { name: string; operations: string[] }[] {
    const names = new Set([...message.matchAll(/['"]([A-Za-z_$][\w$-]*)['"]/g)].map((match) => match[1] ?? ''));
    const fields: { name: string; operations: string[] }[] = [];
    for (const name of names) {
      const about = this.changes.filter((change) => change.source !== 'typescript' && namesField(change.location, name));
      if (about.length > 0) fields.push({ name, operations: about.flatMap((change) => change.operations) });
    }
    return fields;
  }
}

function namesField(pointer: string, name: string): boolean {
  const last = pointer.split('/').at(-1) ?? '';
  const decoded = last.replace(/~1/g, '/').replace(/~0/g, '~');
  return decoded === name || decoded.endsWith(`:${name}`) || pointer.includes(`/properties/${name}/`);
}

function enclosingCall(typescript: typeof ts, source: ts.SourceFile, position: number): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (position < node.getStart(source) || position >= node.getEnd()) return;
    if (typescript.isCallExpression(node)) found = node;
    node.forEachChild(visit);
  };
  source.forEachChild(visit);
  return found;
}
