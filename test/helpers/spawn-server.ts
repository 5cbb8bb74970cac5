/**
 * Starts a bench or soak server script in a child Node process (with tsx) and waits
 * for it to report its port over IPC. A separate process keeps the server's work off
 * the client's event loop and out of the client's `process.cpuUsage()`.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** A running child server. */
export interface ChildServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Sends `message` over IPC and resolves with the first reply of type `${type}-reply`. */
  ask<T>(type: string, payload?: unknown): Promise<T>;
  /** Stops the child (disconnects IPC; the server exits on disconnect). */
  close(): Promise<void>;
}

interface IpcMessage {
  readonly type: string;
  readonly port?: number;
  readonly payload?: unknown;
}

/** Forks `scriptPath` with `args`; rejects if it exits or takes more than 20 s to listen. */
export function spawnServer(scriptPath: string, args: readonly string[] = []): Promise<ChildServer> {
  const child: ChildProcess = fork(scriptPath, [...args], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${scriptPath} did not start listening within 20 s`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${scriptPath} exited with code ${code} before listening`));
    });
    child.on('message', function onListening(message: IpcMessage) {
      if (message.type !== 'listening' || message.port === undefined) return;
      clearTimeout(timer);
      child.off('message', onListening);
      child.removeAllListeners('exit');
      resolve(wrap(child, `http://127.0.0.1:${message.port}`));
    });
  });
}

function wrap(child: ChildProcess, url: string): ChildServer {
  return {
    url,
    ask: <T>(type: string, payload?: unknown) =>
      new Promise<T>((resolve) => {
        child.on('message', function onReply(message: IpcMessage) {
          if (message.type !== `${type}-reply`) return;
          child.off('message', onReply);
          resolve(message.payload as T);
        });
        child.send({ type, payload });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
