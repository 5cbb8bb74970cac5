import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../openapi/package-root.js';

/** This package's version, as `--version` prints it: read from its package.json, `unknown` if unreadable. */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageRoot(import.meta.url), 'package.json'), 'utf8')) as { name?: string; version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * What every command does for `--help` (its usage) and `--version`: print it and exit 0. Returns
 * the exit code, or `undefined` when neither was asked for.
 */
export function answerHelpOrVersion(asked: { help: boolean; version: boolean }, usage: string, out: (text: string) => void): 0 | undefined {
  if (asked.help) out(usage);
  else if (asked.version) out(`${packageVersion()}\n`);
  else return undefined;
  return 0;
}
