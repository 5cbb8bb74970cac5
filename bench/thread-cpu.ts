/**
 * CPU time of the calling thread (the main thread, where the client runs), in µs, from Linux's
 * /proc/thread-self/schedstat (nanosecond run time; about 1 µs per read). `process.cpuUsage()`
 * counts every thread, so V8's background compiler and GC helpers add noise that, on a
 * loaded 2-CPU machine, swamps a 1% difference; Node 20 has no `threadCpuUsage()`.
 * `undefined` where the file does not exist (not Linux).
 */
import { openSync, readSync } from 'node:fs';

export function threadCpuClock(): (() => number) | undefined {
  let fd: number;
  try {
    // Opened from the main thread, the descriptor keeps reading that thread's figures.
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(96);
  return () => {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return parseSchedstat(buffer.toString('latin1', 0, length));
  };
}

/** The first field of a schedstat line (ns on the CPU) in µs. */
export function parseSchedstat(line: string): number {
  const space = line.indexOf(' ');
  const nanos = Number(space === -1 ? line.trim() : line.slice(0, space));
  if (!Number.isFinite(nanos)) throw new Error(`unexpected schedstat line: ${JSON.stringify(line)}`);
  return nanos / 1000;
}
