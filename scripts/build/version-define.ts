/**
 * The package version as a compile-time constant (`__HERO_SDK_VERSION__`), for tsup's and the
 * bench build's `define`: the client sends it in its User-Agent without reading package.json
 * at run time. Source runs (tsx, vitest) have no define and read package.json once instead
 * (src/observability/sdk-version.ts).
 */
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** esbuild `define` entries that bake the version in. */
export const versionDefine: Readonly<Record<string, string>> = Object.freeze({ __HERO_SDK_VERSION__: JSON.stringify(manifest.version) });
