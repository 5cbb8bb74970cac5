import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type ts from 'typescript';
import { HeroSpecError } from '../openapi/spec-error.js';
import { HeroDriftSetupError, importTool } from './optional-import.js';
import { isObject, type JsonObject, type OpenApiDocument } from '../openapi/document.js';
import { extractTypeScriptExamples, type CodeExample } from './readme-examples.js';
import { renderGeneratedFiles } from './render-generated.js';

/** Options for {@link checkClient}. */
export interface ClientCheckOptions {
  /** The new spec; types are generated from it. */
  document: OpenApiDocument;
  /** Label of the new spec (path or URL) for error messages. */
  label: string;
  /** Root holding `package.json`, `src/`, `generated/`, `tsconfig.json` and `README.md`. */
  rootDir: string;
  /**
   * Source folder the package is built from; it imports types as `../generated/hero-api.js`.
   * @default `${rootDir}/src`
   */
  sourceDir?: string;
  /**
   * Markdown file whose ```ts blocks are type-checked too; `false` for none.
   * @default `${rootDir}/README.md` when it exists
   */
  readmePath?: string | false;
  /**
   * Folder of documented examples compiled too (`*.test.ts` left out); `false` for none.
   * @default `${rootDir}/examples` when it exists
   */
  examplesDir?: string | false;
  /**
   * Entry points directly under these folders of `sourceDir` are left out: the drift tool itself
   * does not use the generated types.
   * @default ['drift']
   */
  excludeDirs?: readonly string[];
  /**
   * node_modules the compile resolves `@types` from.
   * @default the nearest node_modules at or above `rootDir`
   */
  nodeModulesDir?: string;
}

/** One TypeScript error, located in the repository's own files. */
export interface CompileDiagnostic {
  /** Path relative to the root (`src/client.ts`, `README.md`), or `generated/hero-api.ts (regenerated)`. */
  file: string;
  line: number;
  column: number;
  /** TypeScript's code, e.g. 2339. */
  code: number;
  message: string;
}

/** What {@link checkClient} found. */
export interface ClientCheckResult {
  /** Errors the regenerated types cause. */
  diagnostics: CompileDiagnostic[];
  /** Source, example and README files compiled (generated types and declarations not counted). */
  filesChecked: number;
  /** Errors the same files already had against the vendored types; not caused by the new spec. */
  preExisting: number;
}

// The banner of generated files names the vendored spec; the check mirrors that.
const VENDORED_SPEC_NAME = 'hero-public-api.yaml';
// README blocks are compiled as modules under this (virtual) folder of the root.
const README_DIR = '.hero-drift-readme';

/**
 * Generates `generated/` from the new spec exactly as `npm run generate` does and
 * type-checks, against it, what this package ships and documents: the source files reachable
 * from the entry points package.json names (`exports`, `bin`; `dist/x.js` is built from
 * `src/x.ts`), the README's ```ts blocks and the examples. Test files and test helpers are
 * never compiled: nothing reaches them from an entry point. The regenerated files replace
 * `generated/` in the compiler host's memory, so nothing on disk is written or copied. An
 * error the new types cause is a place where Hero's change breaks this client; when there are
 * errors, the same files are compiled against the vendored types too, and errors they already
 * had are counted, not blamed on Hero. Throws `HeroSpecError` when openapi-typescript cannot
 * read the spec.
 */
export async function checkClient(options: ClientCheckOptions): Promise<ClientCheckResult> {
  const rootDir = resolve(options.rootDir);
  const sourceDir = resolve(options.sourceDir ?? join(rootDir, 'src'));
  const readmePath = options.readmePath === undefined ? join(rootDir, 'README.md') : options.readmePath;
  const examplesDir = options.examplesDir === undefined ? join(rootDir, 'examples') : options.examplesDir;
  const { default: typescript } = await importTool('typescript', () => import('typescript'));
  const generated = await generateFiles(options.document, options.label);

  const examples = readmePath !== false && existsSync(readmePath) ? extractTypeScriptExamples(await readFile(readmePath, 'utf8')) : [];
  const readmeFiles = new Map(examples.map((example, index) => [normalize(join(rootDir, README_DIR, exampleFileName(index))), `${example.code}\nexport {};\n`]));
  const roots = [
    ...(await shippedEntryPoints(rootDir, sourceDir, new Set(options.excludeDirs ?? ['drift']))),
    ...(examplesDir !== false ? await documentedExamples(examplesDir) : []),
    ...readmeFiles.keys(),
  ];
  const nodeModules = options.nodeModulesDir === undefined ? findNodeModules(rootDir) : resolve(options.nodeModulesDir);
  const compilerOptions = await compilerOptionsFor(typescript, rootDir, sourceDir, nodeModules);

  const regenerated = new Map([...generated].map(([name, contents]) => [normalize(join(rootDir, 'generated', name)), contents]));
  const vendoredHost = overlayHost(typescript, typescript.createCompilerHost(compilerOptions, true), readmeFiles);
  const newHost = overlayHost(typescript, vendoredHost, regenerated);
  const errorsOf = (program: ts.Program) =>
    typescript.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.category === typescript.DiagnosticCategory.Error);
  const retyped = typescript.createProgram({ rootNames: roots, options: compilerOptions, host: newHost });
  const after = errorsOf(retyped);
  let introduced = after;
  if (after.length > 0) {
    // The files are the same in both compiles; only the generated types differ, so the
    // second compile reuses every parsed source file.
    const vendored = typescript.createProgram({ rootNames: roots, options: compilerOptions, host: vendoredHost, oldProgram: retyped });
    const before = new Set(errorsOf(vendored).map(diagnosticKey));
    introduced = after.filter((diagnostic) => !before.has(diagnosticKey(diagnostic)));
  }
  const where: Locations = { rootDir, regenerated, readmePath: readmePath === false ? undefined : readmePath, examples };
  const compiled = retyped.getSourceFiles().filter((file) => !file.isDeclarationFile && !regenerated.has(normalize(file.fileName)));
  return {
    diagnostics: introduced.map((diagnostic) => locate(typescript, diagnostic, where)),
    filesChecked: compiled.filter((file) => !normalize(file.fileName).includes('/node_modules/')).length,
    preExisting: after.length - introduced.length,
  };
}

/** Renders the files of `generated/` for a spec; throws `HeroSpecError` when openapi-typescript cannot read it. */
export async function generateFiles(document: OpenApiDocument, label: string): Promise<Map<string, string>> {
  // openapi-typescript prints each lint error of the spec with console.error even when
  // `silent`; that text is the untrusted spec's own (pointers, names) and would reach the
  // terminal unescaped. The last error is in what it throws, which is reported escaped.
  const { error: consoleError, warn: consoleWarn } = console;
  console.error = () => {};
  console.warn = () => {};
  try {
    return await renderGeneratedFiles(document, VENDORED_SPEC_NAME);
  } catch (error) {
    if (error instanceof HeroDriftSetupError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new HeroSpecError(`openapi-typescript could not generate types from ${label}: ${detail}`, label, { reason: 'unparsable', cause: error });
  } finally {
    console.error = consoleError;
    console.warn = consoleWarn;
  }
}

function exampleFileName(index: number): string {
  return `example-${String(index + 1).padStart(2, '0')}.ts`;
}

// What ships: `dist/<name>.js` (and .cjs) in package.json `exports` and `bin` is built from
// `<sourceDir>/<name>.ts`. A package.json that names none (a bare project) falls back to
// `<sourceDir>/index.ts`, then to every non-test file under `sourceDir`.
async function shippedEntryPoints(rootDir: string, sourceDir: string, excludeDirs: ReadonlySet<string>): Promise<string[]> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(rootDir, 'package.json'), 'utf8'));
  } catch {
    manifest = undefined;
  }
  const targets = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') targets.add(value);
    else if (isObject(value)) for (const child of Object.values(value)) collect(child);
  };
  if (isObject(manifest)) {
    collect(manifest.exports);
    collect(manifest.bin);
  }
  const entries = new Set<string>();
  for (const target of targets) {
    const built = /^\.?\/?dist\/(.+)\.(?:c|m)?js$/.exec(target);
    if (built === null) continue;
    const source = join(sourceDir, `${built[1]}.ts`);
    const first = relative(sourceDir, source).split(sep)[0] ?? '';
    if (!excludeDirs.has(first) && existsSync(source)) entries.add(normalize(source));
  }
  if (entries.size > 0) return [...entries].sort();
  if (existsSync(join(sourceDir, 'index.ts'))) return [normalize(join(sourceDir, 'index.ts'))];
  const all = await readdir(sourceDir, { recursive: true });
  return all
    .filter((file) => /\.ts$/.test(file) && !/\.test(-d)?\.ts$|\.d\.ts$/.test(file) && !excludeDirs.has(file.split(sep)[0] ?? ''))
    .map((file) => normalize(join(sourceDir, file)));
}

// The examples the README copies and links to; their tests are not documentation.
async function documentedExamples(examplesDir: string): Promise<string[]> {
  if (!existsSync(examplesDir)) return [];
  const files = await readdir(examplesDir);
  return files.filter((file) => /\.[cm]?ts$/.test(file) && !/\.test\.[cm]?ts$/.test(file)).map((file) => normalize(join(examplesDir, file)));
}

// npm may hoist this package's dependencies above it (a consumer's node_modules), so walk up.
function findNodeModules(rootDir: string): string | undefined {
  for (let dir = rootDir; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules' && existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules');
    if (dirname(dir) === dir) return undefined;
  }
}

async function readPackageName(rootDir: string): Promise<string> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(rootDir, 'package.json'), 'utf8'));
    return isObject(parsed) && typeof parsed.name === 'string' ? parsed.name : 'hero-drift-check';
  } catch {
    return 'hero-drift-check';
  }
}

// The project's own tsconfig (so the check matches how it compiles), with what the check
// needs forced on top: strict, NodeNext, no emit, and the package name resolving to the sources
// (README blocks and examples import it by name).
async function compilerOptionsFor(typescript: typeof ts, rootDir: string, sourceDir: string, nodeModules: string | undefined): Promise<ts.CompilerOptions> {
  const projectConfig = join(rootDir, 'tsconfig.json');
  let compilerOptions: JsonObject = { target: 'ES2022', lib: ['ES2023', 'DOM', 'DOM.Iterable'], esModuleInterop: true };
  let extendsPath: string | undefined;
  if (existsSync(projectConfig)) {
    const { config } = typescript.readConfigFile(projectConfig, (path) => typescript.sys.readFile(path));
    if (isObject(config)) {
      if (isObject(config.compilerOptions)) compilerOptions = { ...config.compilerOptions };
      if (typeof config.extends === 'string') extendsPath = config.extends.startsWith('.') ? resolve(rootDir, config.extends) : config.extends;
    }
  }
  for (const key of ['rootDir', 'outDir', 'tsBuildInfoFile', 'baseUrl', 'paths', 'declarationDir']) delete compilerOptions[key];
  const hasNodeTypes = nodeModules !== undefined && existsSync(join(nodeModules, '@types', 'node'));
  const packageName = await readPackageName(rootDir);
  const fromRoot = (path: string) => `./${relative(rootDir, path).split(sep).join('/')}`;
  Object.assign(compilerOptions, {
    noEmit: true,
    skipLibCheck: true,
    strict: true,
    noUncheckedIndexedAccess: true,
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    composite: false,
    incremental: false,
    declaration: false,
    types: hasNodeTypes ? ['node'] : [],
    ...(nodeModules === undefined ? {} : { typeRoots: [join(nodeModules, '@types')] }),
    paths: { [packageName]: [fromRoot(join(sourceDir, 'index.ts'))], [`${packageName}/*`]: [`${fromRoot(sourceDir)}/*.ts`] },
  });
  const config = { ...(extendsPath === undefined ? {} : { extends: extendsPath }), compilerOptions, files: [] };
  return typescript.parseJsonConfigFileContent(config, typescript.sys, rootDir, undefined, projectConfig).options;
}

// Reads of the overlaid files answer from memory: regenerated types, README blocks.
function overlayHost(typescript: typeof ts, base: ts.CompilerHost, files: ReadonlyMap<string, string>): ts.CompilerHost {
  const overlaid = (fileName: string) => files.get(normalize(fileName));
  const directories = new Set([...files.keys()].map((file) => dirname(file)));
  return {
    ...base,
    fileExists: (fileName) => overlaid(fileName) !== undefined || base.fileExists(fileName),
    directoryExists: (name) => directories.has(normalize(name)) || (base.directoryExists?.(name) ?? typescript.sys.directoryExists(name)),
    readFile: (fileName) => overlaid(fileName) ?? base.readFile(fileName),
    getSourceFile: (fileName, languageVersion, onError, shouldCreate) => {
      const contents = overlaid(fileName);
      return contents === undefined
        ? base.getSourceFile(fileName, languageVersion, onError, shouldCreate)
        : typescript.createSourceFile(fileName, contents, languageVersion, true);
    },
  };
}

function normalize(path: string): string {
  return resolve(path).split(sep).join('/');
}

// Independent of the generated types: the compiled files are the same in both compiles.
function diagnosticKey(diagnostic: ts.Diagnostic): string {
  const text = typeof diagnostic.messageText === 'string' ? diagnostic.messageText : JSON.stringify(diagnostic.messageText, ['messageText', 'next']);
  return `${diagnostic.file?.fileName ?? ''}:${diagnostic.start ?? -1}:${diagnostic.code}:${text}`;
}

interface Locations {
  rootDir: string;
  regenerated: ReadonlyMap<string, string>;
  readmePath: string | undefined;
  examples: readonly CodeExample[];
}

// Maps a position to the file a person would open.
function locate(typescript: typeof ts, diagnostic: ts.Diagnostic, where: Locations): CompileDiagnostic {
  const message = typescript.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  const file = diagnostic.file;
  if (file === undefined || diagnostic.start === undefined) {
    return { file: 'tsconfig.json (drift check)', line: 0, column: 0, code: diagnostic.code, message };
  }
  const position = file.getLineAndCharacterOfPosition(diagnostic.start);
  const line = position.line + 1;
  const column = position.character + 1;
  const fromRoot = relative(where.rootDir, file.fileName).split(sep).join('/');
  if (where.regenerated.has(normalize(file.fileName))) {
    return { file: `${fromRoot} (regenerated)`, line, column, code: diagnostic.code, message };
  }
  const example = new RegExp(`^${README_DIR.replace('.', '\\.')}/example-(\\d+)\\.ts$`).exec(fromRoot);
  const block = example === null ? undefined : where.examples[Number(example[1]) - 1];
  if (block !== undefined && where.readmePath !== undefined) {
    const readme = relative(where.rootDir, where.readmePath).split(sep).join('/');
    return { file: readme, line: block.startLine + line - 1, column, code: diagnostic.code, message };
  }
  return { file: fromRoot.startsWith('..') ? file.fileName : fromRoot, line, column, code: diagnostic.code, message };
}
