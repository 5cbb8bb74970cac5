/**
 * Injected into the CommonJS build only (see tsup.config.ts), where `import.meta.url` is
 * replaced by this constant. The sources find the bundled spec and Prism relative to
 * their own file, and CommonJS has no `import.meta`.
 *
 * tsup's own shim builds `new URL('file:' + __filename)`, which cuts the path at a `#`
 * and decodes `%xx` in directory names; `pathToFileURL` escapes them.
 */
import { pathToFileURL } from 'node:url';

/** `import.meta.url` of the CommonJS file this constant is bundled into. */
export const importMetaUrl: string = pathToFileURL(__filename).href;
