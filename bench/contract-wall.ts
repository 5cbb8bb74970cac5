/**
 * Wall time of the contract suite against Prism (`npx tsx scripts/contract.ts`), start-up
 * of Prism included. Its own table goes to a log file; only time and exit code are kept.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { round } from './stats.js';

/** One run of the suite. */
export interface ContractWallResult {
  readonly wallSeconds: number;
  /** 0 pass, 1 fail, 2 target unreachable (see scripts/contract.ts). */
  readonly exitCode: number | null;
  /** Where its output went. */
  readonly logPath: string;
}

/** Runs the suite once in `repoRoot`, output to `logPath`. */
export function measureContractSuite(repoRoot: string, logPath: string): Promise<ContractWallResult> {
  const log = createWriteStream(logPath);
  const startedAt = performance.now();
  const child = spawn('npx', ['tsx', 'scripts/contract.ts'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      log.end();
      resolve({ wallSeconds: round((performance.now() - startedAt) / 1000, 2), exitCode: code, logPath });
    });
  });
}
