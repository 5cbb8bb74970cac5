/**
 * Forks a campaign worker (campaign-worker.ts) for the crash and fleet tests and the bench,
 * and follows it: ready, running (journal open, sending), done, exit. `kill()` sends SIGKILL
 * to its PID; every forked worker is killed by `killAll()` so a failing test leaves none behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerDone, WorkerJob } from './campaign-worker.js';

export interface ForkedWorker {
  readonly child: ChildProcess;
  /** The worker has built its client and journal and waits for `go()`. */
  readonly ready: Promise<void>;
  /** The journal is open and items are being sent. */
  readonly running: Promise<void>;
  /** The run ended; its counts. Never settles if the worker is killed. */
  readonly done: Promise<WorkerDone>;
  /** Exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
  go(): void;
  kill(): void;
}

const live = new Set<ChildProcess>();

export function forkWorker(job: WorkerJob): ForkedWorker {
  const child = fork(new URL('./campaign-worker.ts', import.meta.url).pathname, [JSON.stringify(job)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  const waitFor = <T>(type: string): Promise<T> =>
    new Promise<T>((resolve) => {
      child.on('message', function on(message: { type: string; payload?: unknown }) {
        if (message.type !== type) return;
        child.off('message', on);
        resolve(message.payload as T);
      });
    });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? code ?? -1);
    });
  });
  return {
    child,
    ready: waitFor('ready'),
    running: waitFor('running'),
    done: waitFor<WorkerDone>('done'),
    exited,
    go: () => child.send({ type: 'go' }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    },
  };
}

/** Kills every worker still running. */
export function killAll(): void {
  for (const child of live) if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
}
