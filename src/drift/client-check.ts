import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
  /** Root holding `src/`, `generated/`, `tsconfig.json` and `README.md`. */
  rootDir: string;
  /**
   * Source folder to type-check; it imports types as `../generated/hero-api.js`.
   * @default `${rootDir}/src`
   */
  sourceDir?: string;
  /**
   * Markdown file whose ```ts blocks are type-checked too; `false` for none.
   * @default `${rootDir}/README.md` when it exists
   */
  readmePath?: string | false;
  /**
   * Folders directly under `sourceDir` left out: the drift tool itself does not use the generated types.
   * @default ['drift']
   */
  excludeDirs?: readonly string[];
  /**
   * node_modules the copy resolves packages and `@types` from.
   * @default the nearest node_modules at or above `rootDir`
   */
  nodeModulesDir?: string;
  /**
   * Keep the temporary folder (its path is returned) to rerun `tsc -p` there by hand.
   * @default false
   */
  keepTempDir?: boolean;
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
  diagnostics: CompileDiagnostic[];
  /** Source and example files compiled (generated types not counted). */
  filesChecked: number;
  /** Set when `keepTempDir` is true. */
  tempDir?: string;
}

// The banner of generated files names the vendored spec; the check mirrors that.
const VENDORED_SPEC_NAME = 'hero-public-api.yaml';
const EXAMPLES_DIR = 'readme-examples';

/**
 * Generates `generated/` from the new spec exactly as `npm run generate` does and
 * type-checks the client's sources (and README examples) against it in a temporary copy. Every compile
 * error is a place where Hero's change breaks this client. Throws `HeroSpecError` when
 * openapi-typescript cannot read the spec.
 */
export async function checkClient(options: ClientCheckOptions): Promise<ClientCheckResult> {
  const rootDir = resolve(options.rootDir);
  const sourceDir = resolve(options.sourceDir ?? join(rootDir, 'src'));
  const readmePath = options.readmePath === undefined ? join(rootDir, 'README.md') : options.readmePath;
  const excludeDirs = new Set(options.excludeDirs ?? ['drift']);
  const { default: typescript } = await importTool('typescript', () => import('typescript'));
  const generated = await generateFiles(options.document, options.label);

  const tempDir = await mkdtemp(join(tmpdir(), 'hero-drift-'));
  try {
    const sourceCopy = join(tempDir, 'src');
    await cp(sourceDir, sourceCopy, {
      recursive: true,
      filter: (path) => isCopied(relative(sourceDir, path), excludeDirs),
    });
    // Other generated files the sources may import come along; hero-api.ts is then replaced.
    const generatedDir = join(rootDir, 'generated');
    if (existsSync(generatedDir)) await cp(generatedDir, join(tempDir, 'generated'), { recursive: true });
    await mkdir(join(tempDir, 'generated'), { recursive: true });
    for (const [name, contents] of generated) await writeFile(join(tempDir, 'generated', name), contents);

    const examples = readmePath !== false && existsSync(readmePath) ? extractTypeScriptExamples(await readFile(readmePath, 'utf8')) : [];
    await writeExamples(tempDir, examples);

    const nodeModules = options.nodeModulesDir === undefined ? findNodeModules(rootDir) : resolve(options.nodeModulesDir);
    if (nodeModules !== undefined) await symlink(nodeModules, join(tempDir, 'node_modules'), 'junction');
    const packageName = await readPackageName(rootDir);
    await writeFile(join(tempDir, 'package.json'), `${JSON.stringify({ name: packageName, private: true, type: 'module' }, null, 2)}\n`);
    await writeTsconfig(typescript, rootDir, tempDir, nodeModules, packageName, examples.length > 0);

    const compiled = compile(typescript, tempDir);
    const diagnostics = compiled.diagnostics.map((diagnostic) =>
      locate(diagnostic, { tempDir, rootDir, sourceDir, readmePath: readmePath === false ? undefined : readmePath, examples }),
    );
    const generatedDirInTemp = join(tempDir, 'generated');
    const filesChecked = compiled.fileNames.filter((file) => !resolve(file).startsWith(generatedDirInTemp)).length;
    return options.keepTempDir === true ? { diagnostics, filesChecked, tempDir } : { diagnostics, filesChecked };
  } finally {
    if (options.keepTempDir !== true) await rm(tempDir, { recursive: true, force: true });
  }
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

function isCopied(relativePath: string, excludeDirs: ReadonlySet<string>): boolean {
  if (relativePath === '') return true;
  const segments = relativePath.split(sep);
  if (segments.length > 0 && excludeDirs.has(segments[0] ?? '')) return false;
  if (segments.includes('fixtures')) return false;
  const name = segments.at(-1) ?? '';
  return !/\.test(-d)?\.[cm]?tsx?$/.test(name);
}

// Each block becomes a module (`export {}`), so names declared in two blocks do not collide.
async function writeExamples(tempDir: string, examples: readonly CodeExample[]): Promise<void> {
  if (examples.length === 0) return;
  await mkdir(join(tempDir, EXAMPLES_DIR));
  await Promise.all(
    examples.map((example, index) => writeFile(join(tempDir, EXAMPLES_DIR, exampleFileName(index)), `${example.code}\nexport {};\n`)),
  );
}

function exampleFileName(index: number): string {
  return `example-${String(index + 1).padStart(2, '0')}.ts`;
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

// The project's own tsconfig (so the check matches how it compiles), with what the copy
// needs forced on top. Written to disk so `tsc -p <tempDir>` reproduces a failure by hand.
async function writeTsconfig(
  typescript: typeof ts,
  rootDir: string,
  tempDir: string,
  nodeModules: string | undefined,
  packageName: string,
  withExamples: boolean,
): Promise<void> {
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
    // README examples import the package by name; point that at the copied sources.
    ...(withExamples ? { paths: { [packageName]: ['./src/index.ts'], [`${packageName}/*`]: ['./src/*.ts'] } } : {}),
  });
  const tsconfig = {
    ...(extendsPath === undefined ? {} : { extends: extendsPath }),
    compilerOptions,
    include: ['src', 'generated', ...(withExamples ? [EXAMPLES_DIR] : [])],
  };
  await writeFile(join(tempDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

function compile(typescript: typeof ts, tempDir: string): { diagnostics: ts.Diagnostic[]; fileNames: string[] } {
  const configPath = join(tempDir, 'tsconfig.json');
  const { config } = typescript.readConfigFile(configPath, (path) => typescript.sys.readFile(path));
  const parsed = typescript.parseJsonConfigFileContent(config, typescript.sys, tempDir, undefined, configPath);
  const program = typescript.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = [...parsed.errors, ...typescript.getPreEmitDiagnostics(program)].filter(
    (diagnostic) => diagnostic.category === typescript.DiagnosticCategory.Error,
  );
  return { diagnostics, fileNames: parsed.fileNames };
}

interface Locations {
  tempDir: string;
  rootDir: string;
  sourceDir: string;
  readmePath: string | undefined;
  examples: readonly CodeExample[];
}

// Maps a position in the temporary copy back to the file a person would open.
function locate(diagnostic: ts.Diagnostic, where: Locations): CompileDiagnostic {
  const message = flatten(diagnostic.messageText);
  const file = diagnostic.file;
  if (file === undefined || diagnostic.start === undefined) {
    return { file: 'tsconfig.json (drift check)', line: 0, column: 0, code: diagnostic.code, message };
  }
  const position = file.getLineAndCharacterOfPosition(diagnostic.start);
  const line = position.line + 1;
  const column = position.character + 1;
  const inTemp = relative(where.tempDir, file.fileName).split(sep).join('/');
  const toPosix = (path: string) => path.split(sep).join('/');
  if (inTemp.startsWith('src/')) {
    const original = join(where.sourceDir, inTemp.slice('src/'.length));
    return { file: toPosix(relative(where.rootDir, original)), line, column, code: diagnostic.code, message };
  }
  if (inTemp.startsWith('generated/')) {
    return { file: `${inTemp} (regenerated)`, line, column, code: diagnostic.code, message };
  }
  const example = /^readme-examples\/example-(\d+)\.ts$/.exec(inTemp);
  const block = example === null ? undefined : where.examples[Number(example[1]) - 1];
  if (block !== undefined && where.readmePath !== undefined) {
    const readme = toPosix(relative(where.rootDir, where.readmePath));
    return { file: readme, line: block.startLine + line - 1, column, code: diagnostic.code, message };
  }
  return { file: inTemp.startsWith('..') ? toPosix(file.fileName) : inTemp, line, column, code: diagnostic.code, message };
}

function flatten(messageText: string | ts.DiagnosticMessageChain): string {
  if (typeof messageText === 'string') return messageText;
  const next = (messageText.next ?? []).map(flatten);
  return [messageText.messageText, ...next].join(' ');
}
