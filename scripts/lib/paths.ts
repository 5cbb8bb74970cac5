/** Locations every script agrees on, resolved from the repository root. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The vendored Hero description: replace this file with Hero's bundle and run `npm run generate`. */
export const specPath = resolve(repoRoot, 'openapi/hero-public-api.yaml');
export const generatedDir = resolve(repoRoot, 'generated');
