import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of this package's package.json: found upwards from `from` (this module:
 * `src/openapi/` in the repository, `dist/` or a chunk below it once built). Falls back to
 * the working directory when there is none.
 */
export function packageRoot(from: string | URL = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** The vendored spec, relative to the repository or package root. */
export const VENDORED_SPEC = join('openapi', 'hero-public-api.yaml');

/** The Hero spec this package ships (and was generated from). */
export const bundledSpecPath = (): string => join(packageRoot(), VENDORED_SPEC);
