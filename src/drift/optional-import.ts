import { HeroError } from '../errors.js';

/**
 * A package hero-drift needs is not installed. The SDK itself does not depend on the
 * drift tools, so they may be absent in a consumer's install; the CLI exits 2 with how to fix it.
 */
export class HeroDriftSetupError extends HeroError {
  override name = 'HeroDriftSetupError' as const;
}

const HINTS = {
  'openapi-diff': 'npm install --save-dev openapi-diff@0.24.1',
  typescript: 'npm install --save-dev typescript@5, or run with --skip-client-check',
  'openapi-typescript': 'npm install --save-dev openapi-typescript@7, or run with --skip-client-check',
} as const;

/**
 * Imports one of the drift tools on first use, turning "module not found" into a
 * {@link HeroDriftSetupError} that says what to install. `load` is the literal
 * `() => import('name')` so TypeScript and bundlers still see the specifier.
 */
export async function importTool<T>(name: keyof typeof HINTS, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new HeroDriftSetupError(`hero-drift needs the ${name} package: ${HINTS[name]}`, { cause: error });
    }
    throw error;
  }
}
