/**
 * The README's TypeScript blocks, and a type-check of each as a module of its own, as a user
 * pastes it: strict, NodeNext, importing the package by name. scripts/readme.test.ts checks
 * them against the sources (the package's entry points, src/index.ts and src/testing.ts);
 * scripts/readme.package.test.ts against the packed tarball installed in a new project.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import ts from 'typescript';
import { extractTypeScriptExamples } from '../../src/drift/readme-examples.js';
import { repoRoot } from './paths.js';

/** A ```ts block: where it starts, its code, and the example file it copies, if marked. */
export interface ReadmeBlock {
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly code: string;
  /** `examples/<file>` named by `<!-- example: … -->` above the fence. */
  readonly source: string | undefined;
}

const EXAMPLE_MARKER = /^<!-- example: (\S+?) -->$/;

/** Every ```ts / ```typescript block of a markdown text, with the example marker above it. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split(/\r?\n/);
  // extractTypeScriptExamples leaves out blocks after the drift skip marker; every block is checked here.
  return extractTypeScriptExamples(markdown.replace(/<!-- hero-drift: skip -->/g, '')).map((example) => {
    let source: string | undefined;
    // The marker sits on the line above the fence (the fence is at startLine - 1).
    for (let index = example.startLine - 3; index >= Math.max(0, example.startLine - 4); index -= 1) {
      const match = EXAMPLE_MARKER.exec(lines[index]?.trim() ?? '');
      if (match) source = match[1];
    }
    return { line: example.startLine, code: example.code, source };
  });
}

/** The text of an example file (or of its `// #region name`), as the README should show it. */
export function readExample(source: string): string {
  const [file, region] = source.split('#');
  const text = readFileSync(join(repoRoot, file!), 'utf8');
  if (!region) return text.replace(/\n$/, '');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex((line) => line.trim() === `// #endregion ${region}`);
  if (start < 0 || end < start) throw new Error(`${file} has no region ${region}`);
  return lines.slice(start + 1, end).join('\n');
}

/** A compile error inside one of the checked modules. */
export interface BlockDiagnostic {
  file: string;
  line: number;
  code: number;
  message: string;
}

/** Options every user of a typical Node service has: strict, NodeNext, Node types. */
export const USER_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/**
 * Type-checks `modules` (absolute path → code) as if they were files in `projectDir`, which
 * holds (or inherits) the node_modules they import from; reports errors in those modules only.
 * `extra` is added over {@link USER_COMPILER_OPTIONS}, e.g. `paths` to the sources.
 */
export function typeCheckModules(projectDir: string, modules: ReadonlyMap<string, string>, extra: ts.CompilerOptions = {}): {
  diagnostics: BlockDiagnostic[];
  program: ts.Program;
} {
  const options: ts.CompilerOptions = { ...USER_COMPILER_OPTIONS, ...extra };
  const base = ts.createCompilerHost(options, true);
  const normalize = (path: string) => resolve(path).split(sep).join('/');
  const virtual = new Map([...modules].map(([path, code]) => [normalize(path), code]));
  const directories = new Set([...virtual.keys()].map((path) => dirname(path)));
  const host: ts.CompilerHost = {
    ...base,
    getCurrentDirectory: () => projectDir,
    fileExists: (name) => virtual.has(normalize(name)) || base.fileExists(name),
    directoryExists: (name) => directories.has(normalize(name)) || ts.sys.directoryExists(name),
    readFile: (name) => virtual.get(normalize(name)) ?? base.readFile(name),
    getSourceFile: (name, version, onError, create) => {
      const code = virtual.get(normalize(name));
      return code === undefined ? base.getSourceFile(name, version, onError, create) : ts.createSourceFile(name, code, version, true);
    },
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .filter((diagnostic) => diagnostic.file === undefined || virtual.has(normalize(diagnostic.file.fileName)))
    .map((diagnostic) => ({
      file: diagnostic.file?.fileName ?? '(options)',
      line: diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0,
      code: diagnostic.code,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
    }));
  return { diagnostics, program };
}

// Option groups whose keys are options themselves (named `…Options` or `…Hooks`); other
// object-typed options (a logger, a store, `env`, `fetch`) are values, not settings.
const OPTION_GROUP = /(Options|Hooks)$/;

/**
 * Every key of `HeroClientOptions`, with the keys of its option groups (`retry.maxAttempts`,
 * `retry.budget.capacity`, `hooks.onRetry`, `rateLimit.maxInFlight`…), read from the types
 * in `program` through a module that imports it from the package.
 */
export function clientOptionKeys(program: ts.Program, probeFile: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probeFile);
  if (source === undefined) throw new Error(`${probeFile} is not part of the program`);
  let optionsType: ts.Type | undefined;
  source.forEachChild((node) => {
    if (ts.isVariableStatement(node)) {
      const declaration = node.declarationList.declarations[0];
      if (declaration !== undefined) optionsType = checker.getTypeAtLocation(declaration.name);
    }
  });
  if (optionsType === undefined) throw new Error(`${probeFile} declares no variable of the options type`);
  const keys: string[] = [];
  const walk = (type: ts.Type, prefix: string, depth: number) => {
    for (const property of checker.getPropertiesOfType(type)) {
      const name = `${prefix}${property.name}`;
      keys.push(name);
      if (depth > 3) continue;
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration === undefined) continue;
      const propertyType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration));
      const members = propertyType.isUnion() ? propertyType.types : [propertyType];
      for (const member of members) {
        const groupName = member.aliasSymbol?.name ?? member.getSymbol()?.name ?? '';
        if (OPTION_GROUP.test(groupName)) walk(member, `${name}.`, depth + 1);
      }
    }
  };
  walk(optionsType, '', 0);
  return keys;
}
