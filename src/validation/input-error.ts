// The class lives with every other error type in src/errors.ts; kept here so validation code imports from its own folder.
export { HeroInputError, type HeroInputIssue } from '../errors.js';
