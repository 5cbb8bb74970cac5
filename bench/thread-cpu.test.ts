import { describe, expect, it } from 'vitest';
import { parseSchedstat, threadCpuClock } from './thread-cpu.js';

describe('main-thread CPU clock', () => {
  it('reads the first schedstat field (ns on the CPU) as µs', () => {
    expect(parseSchedstat('263303000 1200 15\n')).toBe(263303);
    expect(parseSchedstat('42000')).toBe(42);
    expect(() => parseSchedstat('garbage')).toThrow(/schedstat/);
  });

  it.runIf(process.platform === 'linux')('counts this thread\'s work and never goes back', () => {
    const clock = threadCpuClock();
    expect(clock).toBeDefined();
    const before = clock!();
    let x = 0;
    for (let i = 0; i < 5_000_000; i++) x += Math.sqrt(i);
    const after = clock!();
    expect(x).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(before);
  });
});
