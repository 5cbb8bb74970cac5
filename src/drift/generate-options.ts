import type { OpenAPITSOptions } from 'openapi-typescript';

/**
 * The openapi-typescript options that produce `generated/hero-api.ts`.
 *
 * One constant shared by `scripts/generate.ts` and the drift client check, so the types a
 * drift run compiles against are made exactly like the committed ones. Not `immutable`:
 * openapi-fetch 0.17 maps response types through `Readable<T>`, which only recognises
 * mutable arrays and turns `readonly T[]` into an object type. `defaultNonNullable: false`:
 * a request field with a `default` stays optional (the server fills it in); the generator
 * would otherwise make callers send it.
 */
export const GENERATE_OPTIONS = {
  alphabetize: true,
  rootTypes: true,
  defaultNonNullable: false,
} as const satisfies OpenAPITSOptions;
