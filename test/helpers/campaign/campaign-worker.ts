/**
 * One campaign worker process for the crash and fleet tests and the journal bench: runs a
 * campaign of `items` messages (keys `<prefix>0…`) against `baseUrl` with a file or Redis
 * journal, and reports over IPC: `running` once the journal is open and sending starts,
 * `done` with the report's counts. The parent kills it with SIGKILL at moments of its choosing.
 *
 * Job (JSON in argv[2]): see {@link WorkerJob}.
 */
import { createHeroClient, createRedisJournal, type CampaignJournal, type CampaignReport } from '../../../src/index.js';
import { createFileJournalWith } from '../../../src/campaign/file-journal.js';

export interface WorkerJob {
  readonly baseUrl: string;
  readonly items: number;
  readonly prefix?: string;
  readonly requestsPerSecond?: number;
  readonly burst?: number;
  /** Share the rate limit through this Redis. */
  readonly rateLimitRedisUrl?: string;
  readonly rateLimitKey?: string;
  readonly concurrency?: number;
  readonly journal:
    | { readonly kind: 'file'; readonly path: string; readonly durability?: 'fsync' | 'write'; readonly maxBatchLines?: number }
    | { readonly kind: 'redis'; readonly url: string; readonly campaign: string; readonly leaseMs?: number }
    | { readonly kind: 'none' };
}

export interface WorkerDone {
  readonly sent: number;
  readonly failed: number;
  readonly outcomeUnknown: number;
  readonly pending: number;
  readonly thisRun: CampaignReport<unknown, unknown>['thisRun'];
  readonly elapsedMs: number;
  /** With no journal: sends that succeeded. */
  readonly succeeded?: number;
  /** File journal: records written and the batches (writes + syncs) they took. */
  readonly log?: { readonly lines: number; readonly batches: number };
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
const send = (message: { type: string; payload?: unknown }): void => {
  process.send?.(message);
};

const hero = createHeroClient({
  apiKey: 'hk_test_campaign_worker_123456',
  practiceGroupId: '4242',
  baseUrl: job.baseUrl,
  env: {},
  timeoutMs: 10_000,
  rateLimit: {
    ...(job.requestsPerSecond !== undefined && { requestsPerSecond: job.requestsPerSecond }),
    ...(job.burst !== undefined && { burst: job.burst }),
    ...(job.rateLimitRedisUrl !== undefined && { redisUrl: job.rateLimitRedisUrl }),
    ...(job.rateLimitKey !== undefined && { key: job.rateLimitKey }),
  },
});
const prefix = job.prefix ?? 'c';
const items = Array.from({ length: job.items }, (_, i) => ({ id: `${prefix}${i}` }));
const task = (item: { id: string }) => hero.messages.send({ patient_id: item.id, message_type: 'sms', message_string: `Campaign message [${item.id}]` });

let journal: CampaignJournal | undefined;
let log: { lines: number; batches: number } | undefined;
if (job.journal.kind === 'file') {
  journal = createFileJournalWith(
    job.journal.path,
    { durability: job.journal.durability ?? 'fsync' },
    { ...(job.journal.maxBatchLines !== undefined && { maxBatchLines: job.journal.maxBatchLines }), onClose: (stats) => (log = { ...stats }) },
  );
} else if (job.journal.kind === 'redis') {
  journal = createRedisJournal({ redisUrl: job.journal.url, campaign: job.journal.campaign, ...(job.journal.leaseMs !== undefined && { leaseMs: job.journal.leaseMs }) });
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'go') void run();
});
send({ type: 'ready' });

async function run(): Promise<void> {
  const startedAt = performance.now();
  const journalOfRun = journal;
  if (journalOfRun === undefined) {
    const report = await hero.bulk(items, task, { concurrency: job.concurrency ?? 16 });
    send({ type: 'done', payload: { sent: report.succeeded, failed: report.failed, outcomeUnknown: report.outcomeUnknown, pending: 0, thisRun: { started: items.length, sent: report.succeeded, failed: report.failed, outcomeUnknown: report.outcomeUnknown }, elapsedMs: performance.now() - startedAt, succeeded: report.succeeded } satisfies WorkerDone });
  } else {
    let announced = false;
    const report = await hero.bulk(items, task, {
      journal: journalOfRun,
      key: (item) => item.id,
      concurrency: job.concurrency ?? 16,
      progressIntervalMs: 0,
      onProgress: () => {
        if (announced) return;
        announced = true;
        send({ type: 'running' });
      },
    });
    send({ type: 'done', payload: { sent: report.sent, failed: report.failed, outcomeUnknown: report.outcomeUnknown, pending: report.pending, thisRun: report.thisRun, elapsedMs: performance.now() - startedAt, ...(log !== undefined && { log }) } satisfies WorkerDone });
  }
  await hero.close();
  process.disconnect();
}
