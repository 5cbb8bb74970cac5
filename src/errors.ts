/**
 * Every error this package throws extends {@link HeroError}, so one `instanceof`
 * check separates our failures from anything else in a caller's code.
 */
export class HeroError extends Error {
  override name: string = 'HeroError';
}
