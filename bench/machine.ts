/** What the figures were measured on, for the reports. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** Machine and code the numbers come from. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages when the run started; above `cpus` means other work competed. */
  readonly loadAverage: readonly number[];
  readonly gitCommit: string | undefined;
  readonly date: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Reads CPU model (/proc/cpuinfo), CPU count, node version, load and git HEAD of `repoRoot`. */
export function describeMachine(repoRoot: string): MachineInfo {
  let gitCommit: string | undefined;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    gitCommit = undefined;
  }
  return {
    cpuModel: cpuModel(),
    cpus: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    gitCommit,
    date: new Date().toISOString(),
  };
}
