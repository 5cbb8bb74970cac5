/**
 * What a caller sees when code the package loads on first use (one of its own chunks, through
 * a dynamic `import()`) fails to load: a {@link HeroError} naming the feature, with the
 * loader's error as `cause`, rather than a bare ERR_MODULE_NOT_FOUND. It happens when the
 * package's files changed under a running process (an upgrade in place renames the hashed
 * chunks) or the process is out of file handles; Node retries a failed import, so callers
 * that cache the load forget a failure and try again on the next use.
 */
import { HeroError } from './errors.js';

/** A rejection handler for `import('./chunk.js')` of the feature `what` ("the bulk runner"). */
export function lazyLoadFailed(what: string): (error: unknown) => never {
  return (error) => {
    throw new HeroError(
      `${what} could not be loaded from @hero-sdk/hero-health's files; if the package was upgraded or reinstalled while this process ran, restart the process`,
      { cause: error },
    );
  };
}
