/**
 * Starts and stops Stoplight Prism (mock or validation proxy) as a child process.
 *
 * Prism is run as `node <prism-cli>/dist/index.js`, never through npx: killing an npx
 * wrapper leaves the real Prism process running and holding its port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { HeroError, HeroInputError, type HeroInputIssue } from '../errors.js';
import { isOptionsObject, typeName } from '../validation/type-name.js';

/** Options of {@link startPrism}. */
export interface PrismOptions {
  /** OpenAPI document Prism serves or validates against (path or `file:` URL). */
  specPath: string | URL;
  /** `mock` answers from the spec's examples; `proxy` forwards to `upstream` and validates both ways. @default 'mock' */
  mode?: 'mock' | 'proxy';
  /** Server Prism forwards to; required in `proxy` mode. */
  upstream?: string;
  /** Interface to listen on. Loopback only unless you mean to expose the mock. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; a free one is picked when omitted. @default 0 (any free port) */
  port?: number;
  /** Turn request/response violations into error responses (Prism's `--errors`). @default false in mock mode, true in proxy mode */
  errors?: boolean;
  /** Prism's log level; its request log is noisy and costs time. @default 'warn' */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** How long to wait for Prism to answer HTTP before giving up. @default 30_000 */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before sending SIGKILL. @default 3_000 */
  stopGraceMs?: number;
}

/** A running Prism process. */
export interface PrismServer {
  /** Base URL, e.g. `http://127.0.0.1:43123`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Process id of the Prism process itself (not a wrapper). */
  readonly pid: number;
  /** The last lines Prism wrote (stdout and stderr), for diagnostics. */
  output(): string;
  /** Stops Prism: SIGTERM, then SIGKILL after the grace period. Safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown when Prism cannot be started: it exited, or never answered. Carries Prism's own output. */
export class HeroPrismError extends HeroError {
  override name = 'HeroPrismError' as const;
  /** The tail of Prism's stdout and stderr. */
  readonly output: string;

  constructor(message: string, output: string, options?: ErrorOptions) {
    super(output ? `${message}\n--- Prism output ---\n${output.trimEnd()}` : message, options);
    this.output = output;
  }
}

const MAX_OUTPUT_CHARS = 16_000;
// Readiness is polled on loopback: a refused connect costs microseconds, a long interval is dead time.
const POLL_INTERVAL_MS = 25;
const PORT_ATTEMPTS = 3;

/**
 * Starts Prism and resolves once it answers an HTTP request (polled, never a fixed sleep).
 * Rejects with {@link HeroPrismError}, including Prism's output, if the process exits first
 * or does not answer within `startTimeoutMs`. The process is also killed when this Node
 * process exits or receives SIGINT/SIGTERM, so a Ctrl-C never leaves Prism holding a port.
 */
export async function startPrism(options: PrismOptions): Promise<PrismServer> {
  checkPrismOptions(options);
  const mode = options.mode ?? 'mock';
  if (mode === 'proxy' && !options.upstream) throw new HeroPrismError('Prism proxy mode needs `upstream`', '');
  // Before any port is probed: a missing Prism is the likeliest setup mistake.
  const entryPoint = prismEntryPoint();
  // An explicit port gets one attempt; a port we picked may be taken between probe and bind.
  const attempts = options.port === undefined || options.port === 0 ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await startOnce(options, mode, entryPoint);
    } catch (error) {
      lastError = error;
      if (!(error instanceof HeroPrismError) || !/EADDRINUSE/.test(error.output)) throw error;
    }
  }
  throw lastError;
}

async function startOnce(options: PrismOptions, mode: 'mock' | 'proxy', entryPoint: string): Promise<PrismServer> {
  const host = options.host ?? '127.0.0.1';
  // An explicit port is checked first: if another server holds it, polling would reach
  // that server and mistake it for Prism.
  if (options.port) await assertPortFree(host, options.port);
  const port = options.port || (await findFreePort(host));
  const specPath = options.specPath instanceof URL ? fileURLToPath(options.specPath) : options.specPath;
  const errors = options.errors ?? mode === 'proxy';
  const args = [entryPoint, mode, specPath];
  if (mode === 'proxy') args.push(options.upstream!);
  // -m false: one process, so the pid we signal is the one serving requests.
  args.push('-h', host, '-p', String(port), '-m', 'false', '-v', options.logLevel ?? 'warn', `--errors=${errors}`);

  const preload = (await setsFakerOptions(specPath)) ? [] : ENGLISH_FAKER_FLAGS;
  const child = spawn(process.execPath, [...preload, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Prism must be drained or it blocks on a full pipe; keep only the tail for error messages.
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (error) => resolve(`spawn error: ${error.message}`));
  });
  track(child);

  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  const stop = () => stopChild(child, exited, options.stopGraceMs ?? 3_000);
  const ready = await waitUntilAnswering(url, exited, options.startTimeoutMs ?? 30_000);
  if (ready !== true) {
    await stop();
    throw new HeroPrismError(`Prism ${mode} for ${specPath} did not start on ${url}: ${ready}`, output);
  }
  return { url, port, pid: child.pid!, output: () => output, stop };
}

/**
 * Prism's mock generator requires @faker-js/faker, whose index builds a faker holding all of
 * its 60-odd locales: about 1.2 s of CPU, a third of Prism's start-up. Prism only ever uses
 * the default English locale unless the spec's `x-json-schema-faker` sets another, so this
 * preload hands Prism faker's own English-only build (`@faker-js/faker/locale/en`, the same
 * Faker class with locale and fallback `en`); a faker without that entry point gets the full build. Passed as a `data:` module so nothing extra
 * ships; `--import` needs Node 20.6+, and older Nodes start Prism as it is.
 */
const ENGLISH_FAKER_PRELOAD = `
import Module from 'node:module';
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request !== '@faker-js/faker' || !/[\\\\/]@stoplight[\\\\/]prism-http[\\\\/]/.test(parent?.filename ?? '')) return load.apply(this, arguments);
  let english;
  try { english = load.call(Module, '@faker-js/faker/locale/en', parent, false); } catch { return load.apply(this, arguments); }
  const faker = english.faker ?? english;
  return { __esModule: true, default: faker, faker };
};`;
const [nodeMajor = 0, nodeMinor = 0] = process.versions.node.split('.').map(Number);
const ENGLISH_FAKER_FLAGS: readonly string[] =
  nodeMajor > 20 || (nodeMajor === 20 && nodeMinor >= 6) ? ['--import', `data:text/javascript,${encodeURIComponent(ENGLISH_FAKER_PRELOAD)}`] : [];

/** True when the spec configures Prism's faker (a locale, say): then Prism gets the full faker. */
async function setsFakerOptions(specPath: string): Promise<boolean> {
  try {
    return (await readFile(specPath, 'utf8')).includes('x-json-schema-faker');
  } catch {
    return true; // Prism reports the unreadable spec itself.
  }
}

/** What to run when Prism is missing; the version this package is tested with. */
const PRISM_INSTALL_HINT = 'npm install --save-dev @stoplight/prism-cli@5';

/**
 * Absolute path of Prism's CLI entry point, resolved the way Node resolves this package's
 * own imports (`from`, default this module). Prism is an optional peer dependency: the
 * client does not need it, so a missing Prism throws {@link HeroPrismError} saying what to install.
 */
export function prismEntryPoint(from: string | URL = import.meta.url): string {
  try {
    return createRequire(from).resolve('@stoplight/prism-cli');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new HeroPrismError(
      `@stoplight/prism-cli is not installed. The mock and proxy helpers need it; it is an optional peer dependency, so install it next to this package: ${PRISM_INSTALL_HINT}`,
      '',
      { cause: error },
    );
  }
}

const LOG_LEVELS: ReadonlySet<unknown> = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
const MAX_TIMER_MS = 2_147_483_647;
// A host name or address to listen on: no whitespace or control characters.
const HOST = /^[^\s\u0000-\u001f\u007f]+$/;

/**
 * Checks `host` and `port` of mock or Prism options into `issues`: `host` a non-empty host name
 * or address, `port` an integer from 0 to 65535. Both may be left out.
 */
export function checkListenOptions(options: Record<string, unknown>, issues: HeroInputIssue[]): void {
  const { host, port } = options;
  if (host !== undefined && !(typeof host === 'string' && HOST.test(host))) issues.push({ field: 'host', message: `must be a host name or address such as '127.0.0.1' (received ${typeName(host)})` });
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    issues.push({ field: 'port', message: `must be an integer from 0 to 65535 (received ${typeof port === 'number' ? String(port) : typeName(port)})` });
  }
}

/** Refuses, before any process or port is touched, what the types of {@link startPrism} forbid. */
function checkPrismOptions(options: unknown): asserts options is PrismOptions {
  if (!isOptionsObject(options)) throw new HeroInputError([{ field: '(options)', message: `must be an object with at least specPath (received ${typeName(options)})` }], 'Prism options');
  const issues: HeroInputIssue[] = [];
  const { specPath, mode, upstream, errors, logLevel, startTimeoutMs, stopGraceMs } = options;
  if (!((typeof specPath === 'string' && specPath !== '') || specPath instanceof URL)) issues.push({ field: 'specPath', message: `must be a file path or a file: URL (received ${typeName(specPath)})` });
  if (mode !== undefined && mode !== 'mock' && mode !== 'proxy') issues.push({ field: 'mode', message: "must be 'mock' or 'proxy'" });
  if (upstream !== undefined && typeof upstream !== 'string') issues.push({ field: 'upstream', message: `must be a URL string (received ${typeName(upstream)})` });
  if (errors !== undefined && typeof errors !== 'boolean') issues.push({ field: 'errors', message: `must be true or false (received ${typeName(errors)})` });
  if (logLevel !== undefined && !LOG_LEVELS.has(logLevel)) issues.push({ field: 'logLevel', message: `must be one of ${[...LOG_LEVELS].join(', ')}` });
  for (const [field, value] of [['startTimeoutMs', startTimeoutMs], ['stopGraceMs', stopGraceMs]] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS)) issues.push({ field, message: `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}` });
  }
  checkListenOptions(options, issues);
  if (issues.length > 0) throw new HeroInputError(issues, 'Prism options');
}

/**
 * Binds port 0 on `host`, reads the port the OS chose, and releases it. Rejects with
 * `HeroInputError` for a `host` that is not a host name or address, and {@link HeroPrismError}
 * when it cannot listen there (a host that does not resolve, an address not on this machine).
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const issues: HeroInputIssue[] = [];
  checkListenOptions({ host }, issues);
  if (issues.length > 0) throw new HeroInputError(issues, 'findFreePort host');
  try {
    return await bindAndRelease(host, 0);
  } catch (error) {
    throw cannotListen(host, 0, error);
  }
}

async function assertPortFree(host: string, port: number): Promise<void> {
  try {
    await bindAndRelease(host, port);
  } catch (error) {
    throw cannotListen(host, port, error);
  }
}

function cannotListen(host: string, port: number, error: unknown): HeroPrismError {
  const code = (error as { code?: string }).code ?? (error as Error).message;
  return new HeroPrismError(`Prism cannot listen on ${host}:${port}: ${code}`, String(code), { cause: error });
}

function bindAndRelease(host: string, requested: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: requested }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the free port'))));
    });
  });
}

/** Resolves `true` once `url` answers any HTTP response, or a reason when Prism exited or time ran out. */
async function waitUntilAnswering(url: string, exited: Promise<string>, timeoutMs: number): Promise<true | string> {
  let exitReason: string | undefined;
  void exited.then((reason) => (exitReason = reason));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitReason !== undefined) return `Prism exited (${exitReason})`;
    try {
      // Any status counts: Prism answers unknown paths with its own 404.
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }
  return exitReason !== undefined ? `Prism exited (${exitReason})` : `no HTTP answer within ${timeoutMs} ms`;
}

async function stopChild(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    if ((await Promise.race([exited, graceOver])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }
  untrack(child);
}

// Children still running when this process ends. Module state on purpose: 'exit' and
// signal handlers are process-wide, and one set of handlers must see every Prism we started.
const liveChildren = new Set<ChildProcess>();
let handlersInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => untrack(child));
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only signal that cannot be ignored.
  process.once('exit', () => {
    for (const c of liveChildren) c.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => onSignal(signal));
}

function untrack(child: ChildProcess): void {
  liveChildren.delete(child);
}

function onSignal(signal: NodeJS.Signals): void {
  // SIGTERM lets Prism close its port; the 'exit' handler SIGKILLs whatever is left.
  for (const c of liveChildren) c.kill('SIGTERM');
  // Our handler replaced Node's default (exit). Re-raise so the process still ends,
  // unless the application installed its own handler and wants to decide itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
