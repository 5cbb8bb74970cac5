/**
 * Helpers for the consumer-project tests (consumer-smoke, drift-consumer): run npm and node
 * as a new user's project would, and build + pack this package ONCE per test run however
 * many test files ask for it.
 *
 * Several test files may start at the same moment in different vitest workers; two
 * `npm run build`s at once would delete each other's dist/. The first caller therefore takes
 * a lock directory (mkdir is atomic), builds and packs into it and writes `packed.json`;
 * the others, at once or later in the same run, wait for that file or reuse it. The
 * directory is keyed by the repository and by the parent process (the vitest run), so a
 * later run never reuses an older tarball; each run deletes the directories of runs whose
 * process has ended, so at most the latest run's tarball is left in the temporary folder.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from './paths.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Under `npm test`, npm_execpath is npm's own CLI script: run it with this Node, as
// src/drift/update.ts does. Otherwise use `npm` from PATH.
const npmCommand: [string, string[]] =
  process.env.npm_execpath !== undefined && /npm-cli\.[cm]?js$/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['npm', []];

/**
 * The environment of every child: npm's lifecycle variables (`npm_config_*`, `npm_package_*`,
 * `INIT_CWD`) describe the repository's `npm test` and must not steer an install in another
 * project; `HERO_*` would change what `createHeroClient()` reads. The cache location is kept.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|HERO_)/i.test(key) && key.toLowerCase() !== 'npm_config_cache') continue;
    env[key] = value;
  }
  return env;
}

export function run(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const npm = (args: readonly string[], cwd: string) => run(npmCommand[0], [...npmCommand[1], ...args], cwd);
export const node = (args: readonly string[], cwd: string) => run(process.execPath, args, cwd);

/** Fails with the command's output, so a broken step explains itself. */
export function expectSuccess(result: RunResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited with ${String(result.code)}\n${result.stdout}\n${result.stderr}`);
}

/** Whether npm can be run here at all; without it nothing can be packed (tests skip loudly). */
export async function npmIsAvailable(): Promise<boolean> {
  return (await npm(['--version'], repoRoot).catch(() => undefined))?.code === 0;
}

/** What `npm pack` produced. */
export interface PackedPackage {
  tarball: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

const PACK_WAIT_MS = 240_000;

const repoKey = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
const PACK_PREFIX = `hero-sdk-pack-${repoKey}-`;

function packDir(): string {
  return join(tmpdir(), `${PACK_PREFIX}${process.ppid}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

// Tarballs of earlier runs of this repository's tests, whose vitest process has ended.
async function removeStalePacks(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(PACK_PREFIX)) continue;
    const pid = Number(name.slice(PACK_PREFIX.length));
    if (Number.isInteger(pid) && pid !== process.ppid && !isRunning(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Builds and packs this package as `npm publish` would, once per test run; every caller gets the same tarball. */
export async function packPackageOnce(): Promise<PackedPackage> {
  const dir = packDir();
  const result = join(dir, 'packed.json');
  const failure = join(dir, 'failed.txt');
  let owner = false;
  try {
    await mkdir(dir);
    owner = true;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  if (owner) {
    await removeStalePacks();
    try {
      const packed = await buildAndPack(dir);
      // Written aside, then renamed: a waiting caller never reads half a file.
      await writeFile(`${result}.tmp`, JSON.stringify(packed));
      await rename(`${result}.tmp`, result);
      return packed;
    } catch (error) {
      await writeFile(failure, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  const deadline = Date.now() + PACK_WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(result)) return JSON.parse(await readFile(result, 'utf8')) as PackedPackage;
    if (existsSync(failure)) throw new Error(`another test file's build failed:\n${await readFile(failure, 'utf8')}`);
    await sleep(250);
  }
  throw new Error(`waited ${PACK_WAIT_MS} ms for another test file to pack the package into ${dir}`);
}

async function buildAndPack(dir: string): Promise<PackedPackage> {
  expectSuccess(await npm(['run', 'build'], repoRoot), 'npm run build');
  // --ignore-scripts: prepack would build a second time.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot);
  expectSuccess(packed, 'npm pack');
  const [info] = JSON.parse(packed.stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  if (info === undefined) throw new Error(`npm pack printed no package: ${packed.stdout}`);
  return {
    tarball: join(dir, info.filename),
    filename: info.filename,
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((file) => file.path),
  };
}

/** Installs the tarball and `extra` packages into `projectDir` (which must hold a package.json). */
export async function installInto(projectDir: string, tarball: string, extra: readonly string[]): Promise<void> {
  const installed = await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball, ...extra], projectDir);
  expectSuccess(installed, 'npm install <tarball>');
}

/** The exact version of a package installed in this repository, so installs come from the npm cache. */
export async function installedVersion(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
