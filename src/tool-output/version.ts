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
