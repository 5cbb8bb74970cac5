import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of this package's package.json: `src/contract/` in the repository,
 * `dist/contract/` (or a shared chunk in `dist/`) once built, all below it.
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

/** The Hero spec bundled with the package: what the embedded mock serves by default. */
export const bundledSpecPath = (): string => join(packageRoot(), 'openapi', 'hero-public-api.yaml');
