/**
 * Wall time of the contract suite against Prism (`hero-contract` from source, as `npm start` runs it), start-up
 * of Prism included. Its own table goes to a log file; only time and exit code are kept.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { round } from './stats.js';

/** One run of the suite. */
export interface ContractWallResult {
  readonly wallSeconds: number;
  /** The CLI's exit code: 0 when every case passed (README "Commands and exit codes"). */
  readonly exitCode: number | null;
  /** Where its output went. */
  readonly logPath: string;
}

/** Runs the suite once in `repoRoot`, output to `logPath`. */
export function measureContractSuite(repoRoot: string, logPath: string): Promise<ContractWallResult> {
  const log = createWriteStream(logPath);
  const startedAt = performance.now();
  // scripts/contract.ts became the hero-contract CLI (src/contract/bin.ts); its default target is the embedded Prism.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/contract/bin.ts'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
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
