/**
 * Node built-ins the client needs only on some paths, loaded on first use. Importing
 * node:crypto costs ~3 ms of every partner's cold start, and an ES `import` of node:fs builds
 * its whole namespace, which loads fs/promises and the streams (~2 ms more); `require` of a
 * built-in is synchronous, so callers stay synchronous.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

type NodeCrypto = typeof import('node:crypto');
type NodeFs = typeof import('node:fs');

let requireBuiltin: NodeJS.Require | undefined;
let crypto: NodeCrypto | undefined;
let fs: NodeFs | undefined;

// A bundler that turns this module into CommonJS (esbuild --format=cjs, the usual Lambda build)
// leaves import.meta empty; a built-in resolves the same from any absolute path.
const anchor = (): string => (typeof import.meta.url === 'string' ? import.meta.url : join(process.cwd(), 'index.js'));
// process.getBuiltinModule (Node 20.16+, 22.3+, Deno, Bun) needs no anchor at all; older Node 20 requires.
const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
const load = (name: string): unknown => (typeof getBuiltin === 'function' ? getBuiltin.call(process, name) : (requireBuiltin ??= createRequire(anchor()))(name));

/** node:crypto (hashing a Redis key, verifying a webhook, a campaign's key fingerprint). */
export function nodeCrypto(): NodeCrypto {
  return (crypto ??= load('node:crypto') as NodeCrypto);
}

/** node:fs (reading package.json when running from source). */
export function nodeFs(): NodeFs {
  return (fs ??= load('node:fs') as NodeFs);
}
