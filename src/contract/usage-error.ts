import { HeroError } from '../errors.js';

/**
 * The contract run was asked for something unsafe or impossible before anything was sent:
 * writes to a host not named in `--allow-writes`, the API key over plain http, an unknown
 * target. `hero-contract` exits 1 with the message; nothing reached the target.
 */
export class HeroContractUsageError extends HeroError {
  override name = 'HeroContractUsageError' as const;
}

