/**
 * One process of a rate-limit bench scenario. Forked by rate-limit.ts; receives its
 * setup and share of sends over IPC, waits for `go` (so every process of a scenario
 * starts together), runs the sends with `concurrency` loops and reports back. It must
 * then exit by itself: a client that keeps a connection open would hang it here.
 */
import { createRateContender, type ContenderSetup, type RateContenderName } from './contenders.js';

/** Sent by the orchestrator. */
export interface WorkerJob {
  readonly contender: RateContenderName;
  readonly setup: ContenderSetup;
  readonly markers: readonly string[];
  readonly concurrency: number;
}

/** Sent back. */
export interface WorkerReport {
  readonly succeeded: number;
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  /** Per-call wall time, ms. */
  readonly latenciesMs: readonly number[];
  /** `Date.now()` when the last call finished. */
  readonly finishedAt: number;
}

let job: WorkerJob | undefined;
let finished = false;

process.on('message', (message: { type: string; payload?: unknown }) => {
  if (message.type === 'job') {
    job = message.payload as WorkerJob;
    process.send?.({ type: 'ready' });
  } else if (message.type === 'go' && job !== undefined) {
    void run(job);
  }
});
process.send?.({ type: 'started' });
// The orchestrator went away (stopped with Ctrl-C): so does this worker, mid-job or not.
process.once('disconnect', () => {
  if (job !== undefined && !finished) process.exit(0);
});

async function run({ contender, setup, markers, concurrency }: WorkerJob): Promise<void> {
  const client = createRateContender(contender, setup);
  let next = 0;
  let succeeded = 0;
  const failures: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let finishedAt = Date.now();
  const loop = async (): Promise<void> => {
    while (next < markers.length) {
      const marker = markers[next++]!;
      const startedAt = performance.now();
      try {
        await client.send(marker);
        succeeded++;
      } catch (error) {
        const name = error instanceof Error ? `${error.name}: ${error.message.slice(0, 60)}` : String(error);
        failures[name] = (failures[name] ?? 0) + 1;
      }
      latenciesMs.push(performance.now() - startedAt);
      finishedAt = Date.now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const report: WorkerReport = { succeeded, failed: markers.length - succeeded, failures, latenciesMs, finishedAt };
  process.send?.({ type: 'report', payload: report });
  finished = true;
  await client.close();
  process.disconnect();
}
