/**
 * This package's version, for the User-Agent and the OpenTelemetry scope. Builds bake it in
 * (`__HERO_SDK_VERSION__`, tsup's define: scripts/build/version-define.ts), so the shipped
 * client reads no file for it; source runs (tsx, vitest) read package.json once, on first use.
 */
import { nodeFs } from '../lazy-builtins.js';

declare const __HERO_SDK_VERSION__: string | undefined;

let fromManifest: string | undefined;

/** The version this client reports (`0.1.0`), or `unknown` when neither the build nor package.json says. */
export function sdkVersion(): string {
  if (typeof __HERO_SDK_VERSION__ === 'string') return __HERO_SDK_VERSION__;
  return (fromManifest ??= readManifestVersion());
}

function readManifestVersion(): string {
  try {
    // Source runs only (builds bake the version in): this file is src/observability/sdk-version.ts.
    const manifest = JSON.parse(nodeFs().readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
