import type { OpenAPITSOptions } from 'openapi-typescript';

/**
 * The openapi-typescript options that produce `generated/hero-api.ts`.
 *
 * One constant shared by `scripts/generate.ts` and the drift client check, so the
 * types the drift check compiles against are exactly the types the package ships.
 */
export const GENERATE_OPTIONS = {
  alphabetize: true,
  immutable: true,
  rootTypes: true,
} as const satisfies OpenAPITSOptions;
