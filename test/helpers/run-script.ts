/**
 * Runs a snippet of TypeScript in a fresh Node process (under tsx, from the repository
 * root, so it can import './src/index.ts'), for tests that need a process of their own:
 * does it exit by itself, what did it print. Killed (exit code `null`) past `timeoutMs`.
 */
import { spawn } from 'node:child_process';

/** How the script ended. */
export interface ScriptRun {
  /** Exit code, or `null` when it had to be killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runScript(script: string, env: Readonly<Record<string, string>>, timeoutMs = 15_000): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, stdout, stderr });
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
