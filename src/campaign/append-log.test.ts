import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAppendLog } from './append-log.js';

/** A file handle that records writes and syncs; `failAt` makes that write reject. */
function fakeHandle(failAt?: number) {
  const writes: string[] = [];
  let syncs = 0;
  const handle = {
    async write(buffer: Buffer, offset: number, length: number) {
      if (writes.length === failAt) throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
      writes.push(buffer.toString('utf8', offset, offset + length));
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { bytesWritten: length };
    },
    async datasync() {
      syncs++;
    },
  };
  return { handle: handle as unknown as FileHandle, writes, syncs: () => syncs };
}

describe('the group-committing append log', () => {
  it('writes lines queued during a write together, with one sync per batch, and resolves each after its sync', async () => {
    const { handle, writes, syncs } = fakeHandle();
    const log = createAppendLog(handle, 'fsync', () => undefined);
    await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(`line ${i}\n`)));
    expect(writes.join('')).toBe(Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
    expect(writes.length).toBe(2);
    expect(syncs()).toBe(2);
    expect(log.stats()).toEqual({ lines: 10, batches: 2 });
  });

  it('maxBatchLines 1: one write and sync per line (what group commit is measured against)', async () => {
    const { handle, syncs } = fakeHandle();
    const log = createAppendLog(handle, 'fsync', () => undefined, 1);
    await Promise.all(Array.from({ length: 5 }, (_, i) => log.append(`${i}\n`)));
    expect(syncs()).toBe(5);
  });

  it("'write' durability never syncs", async () => {
    const { handle, syncs } = fakeHandle();
    await createAppendLog(handle, 'write', () => undefined).append('x\n');
    expect(syncs()).toBe(0);
  });

  it('after a failed write, that batch and every later append reject, and the failure is reported once', async () => {
    const { handle } = fakeHandle(1);
    const failures: unknown[] = [];
    const log = createAppendLog(handle, 'fsync', (error) => failures.push(error));
    await log.append('first\n');
    await expect(log.append('second\n')).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(log.append('third\n')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(failures).toHaveLength(1);
  });
});
