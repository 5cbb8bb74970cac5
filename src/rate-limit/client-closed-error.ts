import { HeroError } from '../errors.js';

/**
 * The client was closed (`hero.close()`) while this call waited for its turn to be
 * sent, or before it started: nothing was sent, so it is safe to send again with
 * another client.
 */
export class HeroClientClosedError extends HeroError {
  override name = 'HeroClientClosedError' as const;

  constructor() {
    super('The Hero client was closed before this call was sent; nothing was sent.');
  }
}
