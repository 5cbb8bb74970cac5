/**
 * `hero-webhooks`: send a signed test delivery to your receiver (`trigger`, like
 * `stripe trigger`), or sign a captured body (`sign`). The signing key is used to sign and
 * for nothing else: it is never printed, and a delivery whose body, URL or headers would
 * carry it is not sent.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exitCodeHelp, TOOL_EXIT } from '../tool-output/exit-codes.js';
import { packageVersion } from '../tool-output/version.js';
import { isKnownWebhookEventType, KNOWN_HERO_WEBHOOK_EVENT_TYPES } from '../webhooks/events.js';
import { signWebhookPayload } from '../webhooks/sign.js';
import { exampleDelivery, UNDOCUMENTED_OBJECT } from './example-delivery.js';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** @default process.cwd() */
  cwd: string;
  /** @default process.env */
  env: Readonly<Record<string, string | undefined>>;
  /** The body for `sign` without `--file`. @default all of process.stdin */
  readStdin: () => Promise<Buffer>;
}

/** Exit codes, from the table every command of this package shares (src/tool-output/exit-codes.ts). */
export const EXIT_CODE = {
  /** `trigger`: the receiver answered 2xx; `sign`: signed. */
  ok: TOOL_EXIT.ok,
  /** `trigger`: the receiver answered another status (a redirect is not followed). */
  refused: TOOL_EXIT.findings,
  /** A usage or setup error: nothing was sent. */
  usage: TOOL_EXIT.usage,
  /** `trigger`: the receiver could not be reached, or did not answer in time: nothing was tested. */
  unreachable: TOOL_EXIT.noVerdict,
} as const;

const DEFAULT_TIMEOUT_MS = 10_000;
// Enough of the receiver's answer to see what it said, not a page of HTML.
const EXCERPT_CHARS = 200;

export const USAGE = `Usage:
  hero-webhooks trigger <event> --to <url> [options]
  hero-webhooks sign [--file <body>] [options]

trigger   sends a signed test delivery of <event> to your receiver and prints its answer.
          The body is Hero's example for the event ({ object, id, practice_group_id, event }),
          or --file, sent byte for byte.
sign      prints the X-Herohealth-Timestamp and X-Herohealth-Signature headers for a body
          (--file, or standard input), e.g. to replay a captured delivery with curl.

Options:
  --signing-key <key>        the webhook's signing_key (default: $HERO_WEBHOOK_SIGNING_KEY;
                             prefer the variable: other users can read arguments in ps)
  --to <url>                 trigger: the receiver's URL (http or https)
  --file <path>              the body to send (trigger) or sign (sign)
  --id <id>                  trigger: the example's id (default: nine random digits, so every
                             trigger is a new delivery)
  --practice-group-id <id>   trigger: the example's practice_group_id
                             (default: $HERO_PRACTICE_GROUP_ID, else "1")
  --header "Name: value"     trigger: an extra request header (repeatable), e.g. your webhook's
                             custom headers
  --timestamp <seconds>      the signed timestamp, Unix seconds (default: now)
  --timeout-ms <n>           trigger: give up on the receiver after n ms (default: ${DEFAULT_TIMEOUT_MS})
  --json                     print the result as one JSON line
  -h, --help                 show this help
  --version                  print the version

Events: ${KNOWN_HERO_WEBHOOK_EVENT_TYPES.join(', ')}.

Examples:
  export HERO_WEBHOOK_SIGNING_KEY=…        # never printed; prefer it to --signing-key
  npx hero-webhooks trigger appointment.confirmed --to http://127.0.0.1:3000/webhooks/hero
  npx hero-webhooks trigger --file captured.json --to https://staging.example.com/webhooks/hero
  npx hero-webhooks sign --file captured.json
  cat captured.json | npx hero-webhooks sign --json

The signing key only signs: it is never printed, and nothing is sent whose body, URL or
headers contain it. Redirects are not followed.

${exitCodeHelp({
  0: 'trigger: the receiver answered 2xx; sign: signed',
  1: 'trigger: the receiver answered another status (a refusal)',
  2: 'usage or setup error (unknown event, no signing key, unreadable file…): nothing sent',
  3: 'trigger: the receiver could not be reached, or did not answer in time',
})}`;

class UsageError extends Error {}

interface Parsed {
  readonly command: 'trigger' | 'sign' | 'help' | 'version';
  readonly event?: string;
  readonly values: {
    readonly to?: string;
    readonly 'signing-key'?: string;
    readonly file?: string;
    readonly id?: string;
    readonly 'practice-group-id'?: string;
    readonly header?: string[];
    readonly timestamp?: string;
    readonly 'timeout-ms'?: string;
    readonly json?: boolean;
  };
}

function parse(argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        to: { type: 'string' },
        'signing-key': { type: 'string' },
        file: { type: 'string' },
        id: { type: 'string' },
        'practice-group-id': { type: 'string' },
        header: { type: 'string', multiple: true },
        timestamp: { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    // parseArgs names options, never their values.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', values };
  if (values.version) return { command: 'version', values };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('name a command: trigger or sign');
  if (command === 'trigger') {
    if (rest.length > 1) throw new UsageError('trigger takes one event name (other arguments are not used)');
    return { command, event: rest[0], values };
  }
  if (command === 'sign') {
    if (rest.length > 0) throw new UsageError('sign takes no arguments; pass the body with --file or on standard input');
    return { command, values };
  }
  throw new UsageError('the command must be trigger or sign');
}

/** Every place the key must not appear, as text. */
function containsKey(text: string, key: string): boolean {
  return text.includes(key);
}

/** A receiver's answer made safe to print: one line, no control characters, the key masked. */
function excerpt(text: string, key: string): string {
  const line = text.split(key).join('[REDACTED]').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,11}$/.test(value)) throw new UsageError('--timestamp must be Unix seconds (digits)');
  return Number(value);
}

function parseHeaders(values: readonly string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError('--header must be "Name: value"');
    if (/^x-herohealth-(signature|timestamp)$/i.test(name)) throw new UsageError('--header cannot set the signature headers; the command signs the delivery');
    headers[name] = value.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Runs `hero-webhooks` with the given arguments (without `node` and the script) and resolves
 * to its exit code ({@link EXIT_CODE}). Never calls `process.exit`: bin.ts does.
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const cwd = io.cwd ?? process.cwd();
  const env = io.env ?? process.env;
  const readStdin =
    io.readStdin ??
    (async () => {
      // A terminal would wait for typing that is not coming: ask for the body instead.
      if (process.stdin.isTTY) throw new UsageError('sign needs the body: --file <path>, or pipe it in');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });

  try {
    const parsed = parse(argv);
    if (parsed.command === 'help') {
      out(USAGE);
      return EXIT_CODE.ok;
    }
    if (parsed.command === 'version') {
      out(`${packageVersion()}\n`);
      return EXIT_CODE.ok;
    }
    const { values } = parsed;
    const signingKey = values['signing-key'] ?? env.HERO_WEBHOOK_SIGNING_KEY ?? '';
    if (signingKey === '') throw new UsageError('no signing key: set HERO_WEBHOOK_SIGNING_KEY (or pass --signing-key)');
    const timestamp = parseTimestamp(values.timestamp);
    const readBody = async (path: string): Promise<Buffer> => {
      try {
        return await readFile(resolve(cwd, path));
      } catch {
        throw new UsageError('--file cannot be read');
      }
    };

    if (parsed.command === 'sign') {
      const body = values.file !== undefined ? await readBody(values.file) : await readStdin();
      if (body.length === 0) throw new UsageError('the body to sign is empty');
      const signed = signWebhookPayload({ rawBody: body, signingKey, ...(timestamp === undefined ? {} : { timestamp }) });
      out(
        values.json
          ? `${JSON.stringify({ timestamp: signed.timestamp, signature: signed.signature })}\n`
          : `X-Herohealth-Timestamp: ${signed.timestamp}\nX-Herohealth-Signature: ${signed.signature}\n`,
      );
      return EXIT_CODE.ok;
    }

    return await trigger(parsed, { signingKey, timestamp, readBody, env, out, err });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`hero-webhooks: ${error.message}\n\n${USAGE}`);
    return EXIT_CODE.usage;
  }
}

interface TriggerContext {
  readonly signingKey: string;
  readonly timestamp: number | undefined;
  readBody(path: string): Promise<Buffer>;
  readonly env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

async function trigger(parsed: Parsed, context: TriggerContext): Promise<number> {
  const { values } = parsed;
  const { signingKey, out, err } = context;
  if (values.to === undefined) throw new UsageError('trigger needs --to <url>, the receiver to send to');
  let url: URL;
  try {
    url = new URL(values.to);
  } catch {
    throw new UsageError('--to is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--to must be an http or https URL');
  const timeoutMs = values['timeout-ms'] === undefined ? DEFAULT_TIMEOUT_MS : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout-ms must be a positive whole number');
  const headers = parseHeaders(values.header);

  let body: Buffer;
  const event = parsed.event;
  if (values.file !== undefined) {
    body = await context.readBody(values.file);
    if (body.length === 0) throw new UsageError('--file is empty');
    if (event !== undefined) {
      let sent: unknown;
      try {
        sent = (JSON.parse(body.toString('utf8')) as { event?: unknown }).event;
      } catch {
        sent = undefined;
      }
      if (sent !== event) throw new UsageError('the event named differs from the "event" of --file; name none, or the same');
    }
  } else {
    if (event === undefined) throw new UsageError(`trigger needs an event: ${KNOWN_HERO_WEBHOOK_EVENT_TYPES.join(', ')}`);
    if (!isKnownWebhookEventType(event)) {
      throw new UsageError(`unknown event; known: ${KNOWN_HERO_WEBHOOK_EVENT_TYPES.join(', ')} (use --file to send any body)`);
    }
    const example = exampleDelivery(event, { id: values.id, practiceGroupId: values['practice-group-id'] ?? context.env.HERO_PRACTICE_GROUP_ID ?? '1' });
    if (!example.objectDocumented) err(`hero-webhooks: Hero has not documented the payload of ${event}; "object" is "${UNDOCUMENTED_OBJECT}" (use --file for your own)\n`);
    body = Buffer.from(example.body);
  }

  // The key signs the delivery and goes nowhere else.
  const where = [
    ['the body', body.toString('utf8')],
    ['the URL', `${values.to} ${url.href} ${decodeURIComponent(url.href)}`],
    ['a --header', Object.entries(headers).flat().join('\n')],
  ] as const;
  for (const [place, text] of where) {
    if (containsKey(text, signingKey)) throw new UsageError(`refusing to send: ${place} contains the signing key`);
  }

  const signed = signWebhookPayload({ rawBody: body, signingKey, ...(context.timestamp === undefined ? {} : { timestamp: context.timestamp }) });
  const target = `${url.origin}${url.pathname}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'hero-webhooks', ...headers, ...signed.headers },
      body: new Uint8Array(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'could not connect';
    if (values.json) out(`${JSON.stringify({ to: target, event: event ?? null, status: null, error: reason })}\n`);
    else out(`POST ${target}: ${reason}\n`);
    return EXIT_CODE.unreachable;
  }
  const text = excerpt(await response.text().catch(() => ''), signingKey);
  if (values.json) out(`${JSON.stringify({ to: target, event: event ?? null, status: response.status, body: text })}\n`);
  else out(`POST ${target}${event === undefined ? '' : ` (${event})`}: ${response.status} ${response.statusText}${text === '' ? '' : `  ${text}`}\n`);
  return response.ok ? EXIT_CODE.ok : EXIT_CODE.refused;
}
