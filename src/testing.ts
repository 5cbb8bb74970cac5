/**
 * Test helpers for code that uses this client: a local mock of the Hero API served by
 * Prism from the spec bundled with this package. Shipped as the `/testing` subpath.
 */
import { fileURLToPath } from 'node:url';
import { startPrism } from './testing/prism.js';

export { startPrism, findFreePort, HeroPrismError, type PrismOptions, type PrismServer } from './testing/prism.js';

/** Options of {@link startHeroMock}. */
export interface HeroMockOptions {
  /** Port to listen on. @default a free port chosen by the OS */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** OpenAPI document to serve. @default the Hero spec bundled with this package */
  specPath?: string;
}

/** A running Hero mock. */
export interface HeroMock {
  /** Base URL to pass as `baseUrl` to `createHeroClient`. */
  readonly url: string;
  /** Stops the mock; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * The spec shipped with the package. Resolved from this module's location so it works
 * from `src/` (tsx, vitest) and from `dist/`, both one level below the package root.
 */
export const bundledSpecPath: string = fileURLToPath(new URL('../openapi/hero-public-api.yaml', import.meta.url));

/**
 * Starts a Prism mock of the Hero API and resolves once it answers. Requests are validated
 * against the spec (violations are listed in Prism's `sl-violations` response header);
 * answers come from the spec's examples. Send `Prefer: code=404` to pick a status.
 *
 * @example
 * const mock = await startHeroMock();
 * const hero = createHeroClient({ baseUrl: mock.url, apiKey: 'test', practiceGroupId: '1' });
 * // …
 * await mock.stop();
 */
export async function startHeroMock(options: HeroMockOptions = {}): Promise<HeroMock> {
  const prism = await startPrism({
    specPath: options.specPath ?? bundledSpecPath,
    ...(options.port !== undefined && { port: options.port }),
    ...(options.host !== undefined && { host: options.host }),
  });
  return { url: prism.url, stop: prism.stop };
}
