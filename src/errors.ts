/**
 * Every error this package throws extends {@link HeroError}, so one `instanceof`
 * check separates our failures from anything else in a caller's code.
 */
export class HeroError extends Error {
  override name: string = 'HeroError';
}

/**
 * Thrown by `createHeroClient` when options are missing or malformed. Lists every
 * problem; nothing has been sent. Never contains the API key itself.
 */
export class HeroConfigError extends HeroError {
  override name = 'HeroConfigError' as const;
  /** One sentence per problem, naming the option and its environment variable. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid Hero client configuration: ${problems.join('; ')}.`);
    this.problems = problems;
  }
}
