/**
 * `hero-mock`: serves the Hero spec this package ships (or `--spec`) with a Prism mock on
 * 127.0.0.1, prints its URL, and stops on Ctrl-C or SIGTERM. The same mock the `/testing`
 * entry starts in a test (`startHeroMock`, through src/testing/prism.ts), for a terminal, a docker-compose service or a
 * CI step. Prism is an optional peer dependency: without it, a message saying what to install.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOpenApiDocument } from '../openapi/load.js';
import { HeroSpecError } from '../openapi/spec-error.js';
import { bundledSpecPath } from '../openapi/package-root.js';
import type { HeroInputIssue } from '../errors.js';
import { checkListenOptions, HeroPrismError, startPrism, type PrismServer } from '../testing/prism.js';
import { oneLine } from '../tool-output/escape.js';
import { exitCodeHelp, TOOL_EXIT } from '../tool-output/exit-codes.js';
import { answerHelpOrVersion } from '../tool-output/version.js';

/** Where the CLI writes, what it reads, and how it learns to stop; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** @default process.cwd() */
  cwd: string;
  /** @default process.env */
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the mock should stop. @default the first SIGINT or SIGTERM */
  stopSignal: () => Promise<string>;
}

const DEFAULT_PORT = 4010;
// How often a running mock checks that Prism is still there.
const WATCH_INTERVAL_MS = 1_000;

export const USAGE = `Usage: hero-mock [options]

Serves the Hero Public API spec this package ships with a Prism mock, until Ctrl-C or SIGTERM.
Answers come from the spec's examples; requests are validated against it (a violation answers
422 with Prism's sl-violations header, which the client reads as HeroValidationError).

Options:
  --port <n>          port to listen on, 0 for any free one (default: $PORT, else ${DEFAULT_PORT})
  --host <address>    interface to listen on (default: 127.0.0.1; anything else exposes the mock)
  --spec <file>       another OpenAPI document to serve; a $ref to a file or URL in it is refused
  -h, --help          show this help
  --version           print the version

Examples:
  npx hero-mock                                  http://127.0.0.1:4010
  npx hero-mock --port 0                         any free port; the URL is printed
  HERO_BASE_URL=http://127.0.0.1:4010 HERO_API_KEY=test HERO_PRACTICE_GROUP_ID=1 node my-service.js
  curl -H 'x-api-key: test' -H 'x-practice-group-id: 1' -H 'Prefer: code=404' http://127.0.0.1:4010/v1/patients/1

Needs the optional peer @stoplight/prism-cli: npm install --save-dev @stoplight/prism-cli@5

${exitCodeHelp({
  0: 'stopped by Ctrl-C or SIGTERM',
  2: 'nothing started: a usage error, Prism not installed, or the port is taken',
  3: 'no mock: the spec cannot be read or $refs a file or URL; or Prism stopped on its own',
})}`;

interface Options {
  port: number;
  host: string;
  spec: string | undefined;
  help: boolean;
  version: boolean;
}

class UsageError extends Error {}

function parse(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        spec: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const portText = values.port ?? env.PORT ?? String(DEFAULT_PORT);
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535 (or PORT); got "${portText}"`);
  if (values.host === '' || values.spec === '') throw new UsageError(`--${values.host === '' ? 'host' : 'spec'} needs a value`);
  // startPrism would refuse it with a HeroInputError: a usage error here, before anything starts.
  const hostIssues: HeroInputIssue[] = [];
  if (values.host !== undefined) checkListenOptions({ host: values.host }, hostIssues);
  if (hostIssues.length > 0) throw new UsageError("--host must be a host name or address such as 127.0.0.1, without spaces or control characters");
  return { port, host: values.host ?? '127.0.0.1', spec: values.spec, help: values.help === true, version: values.version === true };
}

// The handlers stay installed: while one is there, the Prism launcher's own handler stops
// Prism without ending this process, so the mock is stopped here and the exit code is 0.
const firstSignal = (): Promise<string> =>
  new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => resolve(signal));
  });

/** Runs `hero-mock` until it is told to stop; resolves to its exit code. Never calls `process.exit`: bin.ts does. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const env = io.env ?? process.env;
  let options: Options;
  try {
    options = parse(argv, env);
  } catch (error) {
    err(`hero-mock: ${oneLine((error as Error).message)}\n\n${USAGE}`);
    return TOOL_EXIT.usage;
  }
  const answered = answerHelpOrVersion(options, USAGE, out);
  if (answered !== undefined) return answered;
  // Listening before anything can fail would leave a caller's Ctrl-C unanswered.
  const stopRequested = (io.stopSignal ?? firstSignal)();

  const specPath = options.spec === undefined ? bundledSpecPath() : resolve(io.cwd ?? process.cwd(), options.spec);
  if (options.spec !== undefined) {
    try {
      // Prism would follow a $ref to a file or URL: the spec is checked as data first.
      await loadOpenApiDocument(specPath);
    } catch (error) {
      if (!(error instanceof HeroSpecError)) throw error;
      err(`hero-mock: could not use the spec: ${oneLine(error.message)}\n`);
      return TOOL_EXIT.noVerdict;
    }
  }

  let mock: PrismServer;
  try {
    mock = await startPrism({ specPath, port: options.port, host: options.host });
  } catch (error) {
    if (!(error instanceof HeroPrismError)) throw error;
    err(`hero-mock: ${describePrismFailure(error)}\n`);
    return TOOL_EXIT.usage;
  }
  out(`Hero mock (Prism) listening on ${mock.url}\n`);
  out(`Serving ${oneLine(specPath)}. Send x-api-key and x-practice-group-id; add "Prefer: code=404" to choose a documented status. Ctrl-C stops it.\n`);

  const prismGone = watchPrism(mock);
  const ended = await Promise.race([stopRequested.then((signal) => ({ signal })), prismGone.promise.then(() => ({ signal: undefined }))]);
  prismGone.cancel();
  await mock.stop();
  if (ended.signal === undefined) {
    err('hero-mock: Prism stopped on its own; nothing is served.\n');
    return TOOL_EXIT.noVerdict;
  }
  out('Hero mock stopped.\n');
  return TOOL_EXIT.ok;
}

// Prism's own output stays with Prism: one line for a missing package or a taken port, and
// its fatal lines otherwise.
function describePrismFailure(error: HeroPrismError): string {
  const [first = ''] = error.message.split('\n');
  return oneLine(first);
}

// Resolves when the Prism process is no longer there (signal 0 probes without sending anything).
function watchPrism(mock: PrismServer): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      try {
        process.kill(mock.pid, 0);
      } catch {
        resolve();
      }
    }, WATCH_INTERVAL_MS);
    timer.unref();
  });
  return { promise, cancel: () => clearInterval(timer) };
}
