/**
 * `hero-campaign`: what a campaign's journal says, for the people who must check what was
 * sent. `status` counts the items by status; `export` lists the keys of one status (the
 * outcome-unknown ones to check by hand, above all). It reads the journal and changes
 * nothing; it never sends anything to Hero.
 */
import { parseArgs } from 'node:util';
import { HeroError } from '../errors.js';
import { TOOL_EXIT, exitCodeHelp } from '../tool-output/exit-codes.js';
import { answerHelpOrVersion } from '../tool-output/version.js';
import { HeroCampaignError } from './errors.js';
import { describeRedisUrl } from '../redis/connect.js';
import { createFileJournal } from './file-journal.js';
import type { CampaignItemStatus, CampaignJournal, CampaignStatus, CampaignStatusItem } from './journal.js';
import { createRedisJournal } from './redis-journal.js';

/** Where the CLI writes and what it reads; tests pass their own. */
export interface CampaignCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** @default process.env */
  env: Readonly<Record<string, string | undefined>>;
}

export const USAGE = `Usage: hero-campaign status <campaign> [options]
       hero-campaign export <campaign> --outcome-unknown [options]

Reports on a campaign run with hero.bulk(items, task, { journal, key }). Reads its journal
and changes nothing; sends nothing to Hero.

<campaign> is the journal file's path, or with --redis-url the campaign id.

Commands:
  status                 items by status (sent, failed, outcome unknown, sending, pending),
                         live workers, runs and the last activity
  export                 the keys of the items in one status, one per line (or --json)

Options:
  --redis-url <url>      the campaign's Redis (default: HERO_CAMPAIGN_REDIS_URL)
  --key-prefix <prefix>  the Redis journal's key prefix (default: hero:campaign:)
  --outcome-unknown      export the items Hero may have acted on: check each one
                         (did the patient get it?) before sending it again
  --failed               export the items Hero did not act on (add --not-retryable for those
                         a resumed run will not send again)
  --sent, --pending      export those instead (--pending: Redis journals only)
  --json                 print JSON: status, the counts and every item; export, a list of
                         { key, status, at, code }
  --timeout-ms <ms>      longest wait for Redis (default: 5000)
  -h, --help             show this help
  -v, --version          show the version

Examples:
  hero-campaign status ./flu-2026.journal
  hero-campaign export ./flu-2026.journal --outcome-unknown > to-check.txt
  hero-campaign status flu-2026 --redis-url redis://127.0.0.1:6379 --json

${exitCodeHelp({
  [TOOL_EXIT.ok]: 'status: nothing for a person to check; export: no item listed',
  [TOOL_EXIT.findings]: 'status: items are outcome-unknown, or failed and will not be sent again; export: items listed',
  [TOOL_EXIT.usage]: 'bad arguments, another live run holds the journal, or ioredis not installed\n(nothing is read or changed)',
  [TOOL_EXIT.noVerdict]: 'the journal could not be read: missing, damaged, written for another campaign,\nor Redis out of reach',
})}`;

class UsageError extends Error {}


// A journal written by hand or damaged on purpose could hold terminal control sequences.
// eslint-disable-next-line no-control-regex
const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function formatStatus(status: CampaignStatus, where: string, exportHint: string): string {
  const row = (label: string, value: number, note = '') => `  ${label.padEnd(17)}${String(value).padStart(8)}${note === '' ? '' : `  ${note}`}`;
  const lines = [
    `Campaign ${printable(status.campaign)} (${where})`,
    row('items', status.total),
    row('sent', status.sent),
    row('failed', status.failed, status.failed === 0 ? '' : `${status.retryableFailed} will be sent again when the campaign is resumed; the others need a person`),
    row('outcome unknown', status.outcomeUnknown, status.outcomeUnknown === 0 ? '' : `check each by hand before sending again: ${exportHint}`),
    row('sending', status.sending, status.sending === 0 ? '' : 'being sent by a live run'),
    row('pending', status.pending),
    `  runs ${status.runs}, live workers ${status.workers}, last activity ${status.lastActivityAt ?? 'unknown'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * A journal that could not be read (missing, damaged, another campaign's, Redis out of reach)
 * gives no verdict (3), as a spec that cannot be fetched does for hero-drift; a lock held by a
 * live run, a bad option or a missing ioredis is set-up (2).
 */
function exitCodeOf(error: HeroError): number {
  if (error instanceof HeroCampaignError && error.reason !== 'journal-locked') return TOOL_EXIT.noVerdict;
  return TOOL_EXIT.usage;
}

const findings = (status: CampaignStatus): boolean => status.outcomeUnknown > 0 || status.failed - status.retryableFailed > 0;

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[], io: Partial<CampaignCliIo> = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const env = io.env ?? process.env;
  let journal: CampaignJournal | undefined;
  try {
    const { values, positionals } = (() => {
      try {
        return parseArgs({
          args: [...argv],
          allowPositionals: true,
          options: {
            'redis-url': { type: 'string' },
            'key-prefix': { type: 'string' },
            'outcome-unknown': { type: 'boolean', default: false },
            failed: { type: 'boolean', default: false },
            'not-retryable': { type: 'boolean', default: false },
            sent: { type: 'boolean', default: false },
            pending: { type: 'boolean', default: false },
            json: { type: 'boolean', default: false },
            'timeout-ms': { type: 'string' },
            help: { type: 'boolean', short: 'h', default: false },
            version: { type: 'boolean', short: 'v', default: false },
          },
        });
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : 'unreadable arguments');
      }
    })();
    const answered = answerHelpOrVersion(values, USAGE, stdout);
    if (answered !== undefined) return answered;
    const [command, target, ...extra] = positionals;
    if (command !== 'status' && command !== 'export') throw new UsageError(command === undefined ? 'a command is needed: status or export' : `unknown command "${printable(command)}": use status or export`);
    if (target === undefined || target === '') throw new UsageError(`${command} needs the campaign: a journal file, or a campaign id with --redis-url`);
    if (extra.length > 0) throw new UsageError(`unexpected argument(s) after the campaign: ${extra.length}`);
    const timeoutMs = values['timeout-ms'] === undefined ? 5000 : Number(values['timeout-ms']);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw new UsageError('--timeout-ms takes a whole number of milliseconds from 1 to 600000');
    const wanted: CampaignItemStatus[] = [];
    if (values['outcome-unknown']) wanted.push('outcome-unknown');
    if (values.failed) wanted.push('failed');
    if (values.sent) wanted.push('sent');
    if (values.pending) wanted.push('pending');
    if (command === 'export' && wanted.length !== 1) throw new UsageError('export takes exactly one of --outcome-unknown, --failed, --sent or --pending');
    if (command === 'status' && (wanted.length > 0 || values['not-retryable'])) throw new UsageError('--outcome-unknown, --failed, --sent, --pending and --not-retryable go with export');
    if (values['not-retryable'] && !values.failed) throw new UsageError('--not-retryable goes with --failed');

    const redisUrl = values['redis-url'] ?? env.HERO_CAMPAIGN_REDIS_URL;
    const where = redisUrl === undefined ? `file journal ${target}` : `Redis journal at ${describeRedisUrl(redisUrl)}`;
    if (redisUrl !== undefined && wanted[0] === 'pending') {
      // Redis journals know every key; file journals only the ones recorded.
    } else if (wanted[0] === 'pending') {
      throw new UsageError('--pending needs a Redis journal: a file journal records only the items a run started');
    }
    journal =
      redisUrl === undefined
        ? createFileJournal(target)
        : createRedisJournal({ redisUrl, campaign: target, connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs, ...(values['key-prefix'] !== undefined && { keyPrefix: values['key-prefix'] }) });
    const status = await journal.status();

    if (command === 'status') {
      const hint = `hero-campaign export ${printable(target)}${redisUrl === undefined ? '' : ' --redis-url …'} --outcome-unknown`;
      stdout(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, where, hint));
      return findings(status) ? TOOL_EXIT.findings : TOOL_EXIT.ok;
    }
    const status0 = wanted[0]!;
    const listed: CampaignStatusItem[] = status.items.filter((item) => item.status === status0 && (!values['not-retryable'] || item.retryable !== true));
    if (values.json) stdout(`${JSON.stringify(listed, null, 2)}\n`);
    else for (const item of listed) stdout(`${printable(item.key)}\n`);
    stderr(`${listed.length} item(s) ${status0}${values['not-retryable'] ? ' and not retryable' : ''} in campaign ${printable(status.campaign)} (${where})\n`);
    return listed.length > 0 ? TOOL_EXIT.findings : TOOL_EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`hero-campaign: ${error.message}\n\n${USAGE}`);
      return TOOL_EXIT.usage;
    }
    if (error instanceof HeroError) {
      stderr(`hero-campaign: ${error.message}\n`);
      return exitCodeOf(error);
    }
    stderr(`hero-campaign: unexpected error: ${error instanceof Error ? error.name : 'unknown'}\n`);
    return TOOL_EXIT.noVerdict;
  } finally {
    await journal?.close().catch(() => undefined);
  }
}
