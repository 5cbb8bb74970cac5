/**
 * Appends lines to a file with group commit: lines queued while a write is under way go
 * out together in the next write, followed by one `fdatasync`, and every caller waiting on
 * them resumes only then. One sync per batch instead of per line is what keeps a durable
 * journal within a few per cent of no journal (docs/campaigns.md has the measurements).
 *
 * Once a write fails, every later append fails too: the journal can no longer be trusted
 * to hold what happened, so the campaign must stop.
 */
import type { FileHandle } from 'node:fs/promises';

/** How far each line must get before its append resolves. */
export type Durability = 'fsync' | 'write';

/** Counters, for the bench and for tests. */
export interface AppendLogStats {
  readonly lines: number;
  readonly batches: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A group-committing appender on an open file handle. */
export interface AppendLog {
  /** Resolves once `line` is written (and synced, for `fsync`). */
  append(line: string): Promise<void>;
  /** Waits for everything queued. */
  flush(): Promise<void>;
  stats(): AppendLogStats;
}

/**
 * `maxBatchLines` caps one batch (1 gives one sync per line, for measuring what group
 * commit saves). `onFailure` hears about the first failed write.
 */
export function createAppendLog(handle: FileHandle, durability: Durability, onFailure: (error: unknown) => void, maxBatchLines = Infinity): AppendLog {
  const queued: string[] = [];
  const waiters: Waiter[] = [];
  let writing: Promise<void> | undefined;
  let failure: unknown;
  let lines = 0;
  let batches = 0;

  async function writeAll(): Promise<void> {
    while (queued.length > 0) {
      const take = Math.min(queued.length, maxBatchLines);
      const batch = queued.splice(0, take);
      const batchWaiters = waiters.splice(0, take);
      try {
        if (failure !== undefined) throw failure;
        const bytes = Buffer.from(batch.join(''), 'utf8');
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
          offset += bytesWritten;
        }
        if (durability === 'fsync') await handle.datasync();
        lines += batch.length;
        batches++;
        for (const waiter of batchWaiters) waiter.resolve();
      } catch (error) {
        if (failure === undefined) {
          failure = error;
          onFailure(error);
        }
        for (const waiter of batchWaiters) waiter.reject(error);
      }
    }
  }

  function kick(): void {
    writing ??= writeAll().finally(() => {
      writing = undefined;
      if (queued.length > 0) kick();
    });
  }

  return {
    append(line) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        queued.push(line);
        waiters.push({ resolve, reject });
        kick();
      });
    },
    async flush() {
      while (writing !== undefined) await writing;
    },
    stats: () => ({ lines, batches }),
  };
}
