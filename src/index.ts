/** Public entry point of the Hero Health client. */
export { createHeroClient, type HeroClient, type HeroClientOptions } from './client.js';
export { environments, type HeroEnvironment } from './config.js';
export * from './errors.js';
export type { paths, components, operations } from '../generated/hero-api.js';
