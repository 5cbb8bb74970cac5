/**
 * Runs examples/webhook-receiver.ts (the README's Express receiver) as its own process, as a
 * partner would with `npx tsx`, on a free 127.0.0.1 port; collects what it prints and stops
 * it by PID.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The running example. */
export interface ExampleReceiver {
  /** Its webhook URL, `http://127.0.0.1:<port>/webhooks/hero`. */
  readonly url: string;
  /** Every line it printed so far (stdout and stderr). */
  readonly lines: readonly string[];
  stop(): Promise<void>;
}

export function startExampleReceiver(signingKey: string): Promise<ExampleReceiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/webhook-receiver.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HERO_WEBHOOK_SIGNING_KEY: signingKey, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the example receiver did not start within 30 s:\n${lines.join('\n')}`));
    }, 30_000);
    void exited.then(() => reject(new Error(`the example receiver exited:\n${lines.join('\n')}`)));
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        const match = /^Listening for Hero webhooks on (http:\/\/\S+)$/.exec(line);
        if (!match) return;
        clearTimeout(timer);
        resolve({ url: match[1]!, lines, stop });
      });
    }
  });
}
