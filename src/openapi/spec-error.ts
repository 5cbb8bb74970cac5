import { HeroError } from '../errors.js';

/**
 * Why a spec was not read:
 * - `unreadable`: the file or URL could not be read or fetched (missing, HTTP error, time-out);
 * - `too-large`: more bytes, nesting or nodes than a spec has any reason to hold;
 * - `unparsable`: not YAML or JSON, or YAML a JSON document cannot express (a recursive alias, a binary tag);
 * - `not-openapi`: parsed, but not an OpenAPI 3 document;
 * - `external-ref`: a `$ref` points outside the document (a file, `file://`, http) and no
 *   allow-list covers it. The document is data: it never makes the tools read or fetch anything.
 */
export type SpecErrorReason = 'unreadable' | 'too-large' | 'unparsable' | 'not-openapi' | 'external-ref';

/**
 * A spec could not be used. Each tool maps {@link reason} to its own exit code, so a
 * pipeline never mistakes "could not look" for "nothing changed". The message names the
 * source and what is wrong; it never quotes another file's contents.
 */
export class HeroSpecError extends HeroError {
  override name = 'HeroSpecError' as const;
  /** The file path or URL that failed, as the user gave it. */
  readonly source: string;
  readonly reason: SpecErrorReason;

  constructor(message: string, source: string, options: { reason?: SpecErrorReason; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.source = source;
    this.reason = options.reason ?? 'unparsable';
  }
}

/** How to fix a refused external `$ref`; both tools take `--allow-ref-dir`. */
export const REF_HINT =
  'A spec is read as data: files and URLs its $refs name are not read or fetched. Bundle the spec into one file ' +
  '(for example `npx @redocly/cli bundle`), or allow file references under a directory with --allow-ref-dir <dir>.';

/** Shows a ref or pointer from the document in a message: bounded, one line. */
export function quoteFromSpec(text: string, max = 120): string {
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** The error for external `$ref`s when nothing is allow-listed. */
export function externalRefError(source: string, refs: readonly { readonly pointer: string; readonly ref: string; readonly keyword?: string }[]): HeroSpecError {
  const [first] = refs;
  const more = refs.length > 1 ? ` (and ${refs.length - 1} more)` : '';
  const where = first === undefined ? '' : `: ${first.keyword ?? '$ref'} "${quoteFromSpec(first.ref)}" at ${quoteFromSpec(first.pointer)}${more}`;
  return new HeroSpecError(`${source} refers outside itself${where}. ${REF_HINT}`, source, { reason: 'external-ref' });
}
