import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HeroError } from '../errors.js';
import { isObject, type OpenApiDocument } from './openapi-document.js';

/**
 * A spec could not be fetched, read or parsed. The drift CLI maps it to exit code 3,
 * so a pipeline never mistakes "could not look" for "nothing changed".
 */
export class HeroSpecError extends HeroError {
  override name = 'HeroSpecError' as const;
  /** The file path or URL that failed, as the user gave it. */
  readonly source: string;

  constructor(message: string, source: string, options?: { cause?: unknown }) {
    super(message, options);
    this.source = source;
  }
}

/** A spec read from a file or URL. */
export interface LoadedSpec {
  /** The file path or URL as given. */
  source: string;
  /** The text as read, kept so `--update` writes what Hero published. */
  text: string;
  document: OpenApiDocument;
  /** `info.version`, when the spec has one. */
  version?: string;
}

/** Options for {@link loadSpec}. */
export interface LoadSpecOptions {
  /**
   * Give up on a URL after this long.
   * @default 30_000
   */
  timeoutMs?: number;
  /**
   * Directory relative file paths are read from.
   * @default process.cwd()
   */
  cwd?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** True when `source` is an http(s) URL rather than a file path. */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Reads an OpenAPI 3 document (YAML or JSON) from a file or an http(s) URL; throws {@link HeroSpecError}. */
export async function loadSpec(source: string, options: LoadSpecOptions = {}): Promise<LoadedSpec> {
  const text = isUrl(source)
    ? await fetchText(source, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    : await readText(resolve(options.cwd ?? process.cwd(), source), source);
  const document = parseSpecText(text, source);
  const info = document.info;
  const version = isObject(info) && typeof info.version === 'string' ? info.version : undefined;
  return version === undefined ? { source, text, document } : { source, text, document, version };
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/yaml, application/json;q=0.9, */*;q=0.1' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new HeroSpecError(`Could not fetch ${url}: ${describeFetchFailure(error, timeoutMs)}`, url, { cause: error });
  }
  if (!response.ok) {
    // Drain the body so the connection is released before we give up.
    await response.body?.cancel();
    throw new HeroSpecError(`Could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim(), url);
  }
  try {
    return await response.text();
  } catch (error) {
    throw new HeroSpecError(`Could not read the body of ${url}: ${describeFetchFailure(error, timeoutMs)}`, url, {
      cause: error,
    });
  }
}

// undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (isObject(cause) && typeof cause.code === 'string') return `${cause.code} (${String(cause.message ?? '')})`;
  return error instanceof Error ? error.message : String(error);
}

async function readText(path: string, source: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = isObject(error) && typeof error.code === 'string' ? error.code : 'read failed';
    throw new HeroSpecError(`Could not read ${source}: ${code}`, source, { cause: error });
  }
}

/** Parses YAML or JSON text into an OpenAPI 3 document; throws {@link HeroSpecError} naming `source`. */
export function parseSpecText(text: string, source: string): OpenApiDocument {
  let parsed: unknown;
  try {
    // JSON is YAML 1.2, so one parser reads both and reports a line for either.
    parsed = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new HeroSpecError(`Could not parse ${source} as YAML or JSON: ${detail}`, source, { cause: error });
  }
  if (!isObject(parsed)) {
    throw new HeroSpecError(`${source} is not an OpenAPI document (the top level is not an object)`, source);
  }
  if (typeof parsed.openapi !== 'string' || !/^3\.\d+/.test(parsed.openapi)) {
    const found = typeof parsed.swagger === 'string' ? `Swagger ${parsed.swagger}` : 'no `openapi: 3.x` field';
    throw new HeroSpecError(`${source} is not an OpenAPI 3 document (${found})`, source);
  }
  if (!isObject(parsed.paths) && !isObject(parsed.webhooks)) {
    throw new HeroSpecError(`${source} has neither \`paths\` nor \`webhooks\``, source);
  }
  return parsed as OpenApiDocument;
}
