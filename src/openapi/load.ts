/**
 * The one way the tools read an OpenAPI document: from a file or an http(s) URL, bounded in
 * time and size, parsed by {@link parseOpenApiText}, and self-contained (external `$ref`s
 * refused, or inlined from allow-listed directories by {@link inlineAllowedRefs}).
 */
import { resolve } from 'node:path';
import { isObject, type OpenApiDocument } from './document.js';
import { checkOpenApiShape, DEFAULT_SPEC_LIMITS, inspectValue, parseSpecValue, type SpecLimits } from './parse.js';
import { inlineAllowedRefs, readRegularFile } from './refs.js';
import { externalRefError, HeroSpecError } from './spec-error.js';

/** A spec read from a file or URL. */
export interface LoadedOpenApi {
  /** The file path or URL as given. */
  readonly source: string;
  /** The text as read. */
  readonly text: string;
  /** Self-contained: every `$ref` in it is `#/…`. */
  readonly document: OpenApiDocument;
  /** `info.version`, when the spec has one. */
  readonly version?: string;
  /** True when allow-listed file references were inlined: {@link text} is then not the whole document. */
  readonly refsInlined: boolean;
}

/** Options for {@link loadOpenApiDocument}. */
export interface LoadOpenApiOptions {
  /**
   * Give up on a URL after this long (connecting and reading the body).
   * @default 30_000
   */
  timeoutMs?: number;
  /**
   * Directory relative file paths are read from.
   * @default process.cwd()
   */
  cwd?: string;
  /**
   * Directories whose files external `$ref`s of a spec read from a file may name; resolved
   * against `cwd`. Empty: every external `$ref` is refused.
   * @default []
   */
  allowRefDirs?: readonly string[];
  /** Size and shape limits. @default DEFAULT_SPEC_LIMITS */
  limits?: Partial<SpecLimits>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** True when `source` is an http(s) URL rather than a file path. */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * Reads an OpenAPI 3 document (YAML or JSON) from a file or an http(s) URL. Throws
 * {@link HeroSpecError}, whose `reason` says whether it could not be read, was too large,
 * did not parse, was not OpenAPI 3, or named something outside itself.
 */
export async function loadOpenApiDocument(source: string, options: LoadOpenApiOptions = {}): Promise<LoadedOpenApi> {
  const limits: SpecLimits = { ...DEFAULT_SPEC_LIMITS, ...options.limits };
  const cwd = options.cwd ?? process.cwd();
  const path = isUrl(source) ? undefined : resolve(cwd, source);
  const text = path === undefined ? await fetchText(source, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, limits.maxBytes) : readText(path, source, limits.maxBytes);
  const { value: parsed, externalRefs: external } = parseSpecValue(text, source, limits);
  checkOpenApiShape(parsed, source);
  const allowRefDirs = (options.allowRefDirs ?? []).map((dir) => resolve(cwd, dir));
  let document = parsed as OpenApiDocument;
  if (external.length > 0) {
    // A spec fetched from a URL resolves its relative refs against the URL: never followed.
    // An externalValue or a mapping reference is never inlined: it is refused wherever it points.
    const notInlined = external.filter((ref) => ref.keyword !== undefined);
    if (path === undefined || allowRefDirs.length === 0 || notInlined.length > 0) throw externalRefError(source, notInlined.length > 0 ? notInlined : external);
    document = checkOpenApiShape(inlineAllowedRefs(parsed, path, source, allowRefDirs, limits), source);
    // Files inlined from an allowed directory may hold them too.
    const left = inspectValue(document, source, limits).filter((ref) => ref.keyword !== undefined);
    if (left.length > 0) throw externalRefError(source, left);
  }
  const info = document.info;
  const version = isObject(info) && typeof info.version === 'string' ? info.version : undefined;
  return { source, text, document, refsInlined: external.length > 0, ...(version === undefined ? {} : { version }) };
}

function readText(path: string, source: string, maxBytes: number): string {
  try {
    return readRegularFile(
      path,
      maxBytes,
      () => new HeroSpecError(`Could not read ${source}: not a regular file`, source, { reason: 'unreadable' }),
      () => new HeroSpecError(`${source} is over the ${maxBytes} bytes a spec may be`, source, { reason: 'too-large' }),
    );
  } catch (error) {
    if (error instanceof HeroSpecError) throw error;
    const code = isObject(error) && typeof error.code === 'string' ? error.code : 'read failed';
    throw new HeroSpecError(`Could not read ${source}: ${code}`, source, { reason: 'unreadable', cause: error });
  }
}

/**
 * Fetches `url` within `timeoutMs` in all (connect, headers, body) and at most `maxBytes`
 * of body, counted after decompression so a compressed bomb stops at the limit too.
 */
async function fetchText(url: string, timeoutMs: number, maxBytes: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  const unreadable = (what: string, cause?: unknown) => new HeroSpecError(`Could not fetch ${url}: ${what}`, url, { reason: 'unreadable', cause });
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/yaml, application/json;q=0.9, */*;q=0.1' }, signal });
  } catch (error) {
    throw unreadable(describeFetchFailure(error, timeoutMs), error);
  }
  if (!response.ok) {
    // Release the connection before giving up.
    await response.body?.cancel().catch(() => {});
    throw unreadable(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new HeroSpecError(`${url} is over the ${maxBytes} bytes a spec may be`, url, { reason: 'too-large' });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          await response.body.cancel().catch(() => {});
          throw new HeroSpecError(`${url} is over the ${maxBytes} bytes a spec may be`, url, { reason: 'too-large' });
        }
        chunks.push(chunk);
      }
    }
  } catch (error) {
    if (error instanceof HeroSpecError) throw error;
    throw new HeroSpecError(`Could not read the body of ${url}: ${describeFetchFailure(error, timeoutMs)}`, url, { reason: 'unreadable', cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}

// undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  const name = isObject(error) || error instanceof Error ? (error as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (isObject(cause) && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
