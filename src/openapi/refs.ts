/**
 * What a spec's external `$ref`s may do: nothing, unless the user allow-lists a directory.
 * A spec under test is data written by someone else; a `$ref` to `/etc/passwd`, to
 * `file:///home/runner/.npmrc` or to `http://169.254.169.254/…` must not make a CI job read or
 * fetch it. Allowed file references are inlined here, by this code, so the libraries that
 * later read the document (openapi-diff, openapi-typescript, Prism, ajv) only ever see a
 * self-contained document with `#/…` references and have nothing to resolve.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isObject, readPointer, type JsonObject } from './document.js';
import { DEFAULT_SPEC_LIMITS, parseSpecValue, type SpecLimits } from './parse.js';
import { HeroSpecError, quoteFromSpec, REF_HINT } from './spec-error.js';

interface RefFile {
  /** The path refs in this file are resolved against (as reached, not symlink-resolved). */
  readonly path: string;
  /** The real path, for identity and the allow-list check. */
  readonly real: string;
  readonly value: unknown;
}

/**
 * Replaces every external `$ref` by the value it names, reading only regular files whose real
 * path (symlinks resolved) lies under one of `allowRefDirs`. `http(s):` and other schemes are
 * never followed. References inside an inlined file are resolved against that file; a
 * reference back into the root document stays a `#/…` reference. A cycle through files is
 * refused (bundle such a spec with a real bundler). Limits apply to the result as a whole.
 */
export function inlineAllowedRefs(
  root: unknown,
  rootPath: string,
  source: string,
  allowRefDirs: readonly string[],
  limits: SpecLimits = DEFAULT_SPEC_LIMITS,
): unknown {
  const allowed = allowRefDirs.map((dir) => {
    try {
      return realpathSync(dir);
    } catch {
      throw new HeroSpecError(`--allow-ref-dir ${quoteFromSpec(dir)} is not a readable directory`, source, { reason: 'unreadable' });
    }
  });
  const rootFile: RefFile = { path: rootPath, real: safeRealpath(rootPath) ?? rootPath, value: root };
  const files = new Map<string, RefFile>([[rootFile.real, rootFile]]);
  let bytes = 0;
  let nodes = 0;

  const refused = (ref: string, at: string, why: string) =>
    new HeroSpecError(`${source}: $ref "${quoteFromSpec(ref)}" at ${quoteFromSpec(at)} ${why}`, source, { reason: 'external-ref' });

  const open = (ref: string, at: string, from: RefFile): RefFile => {
    const hash = ref.indexOf('#');
    const target = hash < 0 ? ref : ref.slice(0, hash);
    let path: string;
    if (/^file:/i.test(target)) {
      try {
        path = fileURLToPath(target);
      } catch {
        throw refused(ref, at, 'is not a usable file: URL');
      }
    } else if (/^[a-z][a-z0-9+.-]+:/i.test(target)) {
      throw refused(ref, at, `names a URL; references are only followed to files under --allow-ref-dir, never fetched. ${REF_HINT}`);
    } else {
      let decoded = target;
      try {
        decoded = decodeURI(target);
      } catch {
        // Not percent-encoded after all: read the path as written.
      }
      path = isAbsolute(decoded) ? decoded : resolve(dirname(from.path), decoded);
    }
    const real = safeRealpath(path);
    if (real === undefined) throw refused(ref, at, 'names a file that does not exist');
    // Already read: the root spec itself, or an allowed file.
    const known = files.get(real);
    if (known) return known;
    if (!allowed.some((dir) => real === dir || real.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`))) {
      throw refused(ref, at, 'names a file outside every --allow-ref-dir');
    }
    const text = readRegularFile(real, limits.maxBytes - bytes, () => refused(ref, at, 'names something other than a regular file'), () =>
      new HeroSpecError(`${source} and the files its $refs name are over the ${limits.maxBytes} bytes a spec may be`, source, { reason: 'too-large' }),
    );
    bytes += Buffer.byteLength(text, 'utf8');
    // Errors in the referenced file name the ref, never quote the file.
    const { value } = parseSpecValue(text, `the file $ref "${quoteFromSpec(ref)}" names`, limits);
    const file: RefFile = { path, real, value };
    files.set(real, file);
    return file;
  };

  const copy = (node: unknown, file: RefFile, at: string, stack: readonly string[], depth: number): unknown => {
    if (++nodes > limits.maxNodes) throw new HeroSpecError(`${source} holds more than ${limits.maxNodes} values once its $refs are inlined`, source, { reason: 'too-large' });
    if (depth > limits.maxDepth) throw new HeroSpecError(`${source} nests deeper than ${limits.maxDepth} levels once its $refs are inlined`, source, { reason: 'too-large' });
    if (Array.isArray(node)) return node.map((child, i) => copy(child, file, `${at}/${i}`, stack, depth + 1));
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && !(ref.startsWith('#') && file === rootFile)) {
      const target = ref.startsWith('#') ? file : open(ref, at, file);
      const hash = ref.indexOf('#');
      const fragment = hash < 0 ? '#' : ref.slice(hash);
      // A reference back into the root document stays a reference: the root is the bundle.
      if (target === rootFile) return { $ref: fragment };
      const key = `${target.real}${fragment}`;
      if (stack.includes(key)) throw refused(ref, at, 'is part of a cycle across files; bundle this spec with a bundler that keeps components');
      const value = readPointer(target.value, fragment);
      if (value === undefined) throw refused(ref, at, 'does not resolve');
      return copy(value, target, at, [...stack, key], depth + 1);
    }
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] = copy(child, file, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, stack, depth + 1);
    }
    return out;
  };
  return copy(root, rootFile, '#', [], 0);
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Reads a regular file of at most `maxBytes`. A FIFO or a device (`/dev/zero`, `/dev/stdin`)
 * would block or never end, so anything but a regular file is refused before reading.
 */
export function readRegularFile(path: string, maxBytes: number, notRegular: () => Error, tooLarge: () => Error): string {
  if (!statSync(path).isFile()) throw notRegular();
  // O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it cannot block.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notRegular();
    if (stat.size > maxBytes) throw tooLarge();
    const text = readFileSync(fd, 'utf8');
    if (Buffer.byteLength(text, 'utf8') > maxBytes) throw tooLarge();
    return text;
  } finally {
    closeSync(fd);
  }
}
