import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { HeroError } from '../errors.js';
import type { LoadedOpenApi } from '../openapi/load.js';
import { isObject } from '../openapi/document.js';

/** `--update` could not write the spec or regenerate the types (exit code 4). */
export class HeroDriftUpdateError extends HeroError {
  override name = 'HeroDriftUpdateError' as const;
}

/** Options for {@link updateVendoredSpec}. */
export interface UpdateOptions {
  /** Repository root: holds package.json (with a `generate` script) and generated/. */
  rootDir: string;
  /** The vendored spec file to overwrite. */
  specPath: string;
  /** Hero's spec as fetched. */
  spec: LoadedOpenApi;
}

/** What `--update` changed. */
export interface UpdateResult {
  specPath: string;
  linesBefore: number;
  linesAfter: number;
  /** Files under generated/ whose content changed, relative to the root, with `+`/`-` for added/removed. */
  generatedChanges: string[];
  /** Output of `npm run generate`. */
  generateOutput: string;
}

/**
 * Writes Hero's spec over the vendored one and runs the repository's `npm run generate`,
 * the one place generation is configured, then lists what changed. Meant for a person
 * who has read the drift report; CI should only report.
 */
export async function updateVendoredSpec(options: UpdateOptions): Promise<UpdateResult> {
  await assertGenerateScript(options.rootDir);
  const generatedDir = join(options.rootDir, 'generated');
  const hashesBefore = await hashFiles(generatedDir);
  const previous = existsSync(options.specPath) ? await readFile(options.specPath, 'utf8') : '';
  const text = textToWrite(options.spec, options.specPath);
  try {
    await writeFile(options.specPath, text);
  } catch (error) {
    throw new HeroDriftUpdateError(`Could not write ${options.specPath}: ${String(error)}`, { cause: error });
  }
  const generateOutput = await runGenerate(options.rootDir);
  const hashesAfter = await hashFiles(generatedDir);
  const generatedChanges: string[] = [];
  for (const [file, hash] of hashesAfter) {
    const before = hashesBefore.get(file);
    if (before === undefined) generatedChanges.push(`+ ${relativeTo(options.rootDir, join(generatedDir, file))}`);
    else if (before !== hash) generatedChanges.push(`  ${relativeTo(options.rootDir, join(generatedDir, file))}`);
  }
  for (const file of hashesBefore.keys()) {
    if (!hashesAfter.has(file)) generatedChanges.push(`- ${relativeTo(options.rootDir, join(generatedDir, file))}`);
  }
  return {
    specPath: options.specPath,
    linesBefore: lineCount(previous),
    linesAfter: lineCount(text),
    generatedChanges: generatedChanges.sort((a, b) => a.slice(2).localeCompare(b.slice(2))),
    generateOutput,
  };
}

// Hero's bundle is YAML; if a JSON copy was given, keep the vendored file YAML as its name says.
// A spec whose allow-listed file $refs were inlined is written as the one document it became.
function textToWrite(spec: LoadedOpenApi, specPath: string): string {
  const isJson = spec.text.trimStart().startsWith('{');
  return spec.refsInlined || (isJson && /\.ya?ml$/i.test(specPath)) ? stringifyYaml(spec.document) : spec.text;
}

async function assertGenerateScript(rootDir: string): Promise<void> {
  let scripts: unknown;
  try {
    const parsed: unknown = JSON.parse(await readFile(join(rootDir, 'package.json'), 'utf8'));
    scripts = isObject(parsed) ? parsed.scripts : undefined;
  } catch (error) {
    throw new HeroDriftUpdateError(`--update needs the SDK repository; no readable package.json in ${rootDir}`, { cause: error });
  }
  if (!isObject(scripts) || typeof scripts.generate !== 'string') {
    throw new HeroDriftUpdateError(`--update needs the SDK repository; ${rootDir}/package.json has no "generate" script`);
  }
}

// Under `npm run`, npm_execpath names npm's own script, which works on every platform;
// otherwise fall back to `npm` on PATH.
function runGenerate(rootDir: string): Promise<string> {
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli !== undefined && /npm-cli\.[cm]?js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'run', 'generate']]
      : ['npm', ['run', 'generate']];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: rootDir, shell: process.platform === 'win32' && command === 'npm' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new HeroDriftUpdateError(`Could not start npm run generate: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolvePromise(output);
      else {
        const tail = output.trim().split('\n').slice(-20).join('\n');
        const message = `npm run generate failed (exit ${String(code)}); the new spec is written, generated/ may be stale`;
        reject(new HeroDriftUpdateError(`${message}:\n${tail}`));
      }
    });
  });
}

async function hashFiles(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (!existsSync(dir)) return hashes;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    // `parentPath` is Node 20.12+; `path` is the older name for the same thing.
    const parent = (entry as { parentPath?: string }).parentPath ?? entry.path;
    const full = join(parent, entry.name);
    hashes.set(relative(dir, full), createHash('sha256').update(await readFile(full)).digest('hex'));
  }
  return hashes;
}

function relativeTo(rootDir: string, path: string): string {
  return relative(rootDir, path).split(sep).join('/');
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
