/**
 * A throwaway `redis-server` for tests and the rate-limit bench: on a free 127.0.0.1
 * port, nothing written to disk, stopped by its PID. Where redis-server is missing,
 * {@link redisServerPath} says so, and tests skip loudly — except under CI, where a
 * missing server is a failure (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { findClosedPort } from './fault-server.js';

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops it with SIGTERM (SIGKILL after 3 s) and waits for the exit. */
  stop(): Promise<void>;
}

/** Path of redis-server, or `undefined` when it is not installed. */
export function redisServerPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/** Why Redis tests cannot run here, or `undefined` when they can. Throws under CI. */
export function redisUnavailableReason(): string | undefined {
  if (redisServerPath() !== undefined) return undefined;
  const reason = 'redis-server is not installed (apt-get install -y redis-server); the Redis rate-limit tests are SKIPPED';
  if (process.env.CI) throw new Error(`${reason} — not allowed under CI, where .ci/run installs it`);
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts redis-server; rejects if it is not accepting connections within 10 s. */
export async function startRedisServer(): Promise<RedisServer> {
  const path = redisServerPath();
  if (path === undefined) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const port = await findClosedPort();
  const child: ChildProcess = spawn(path, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  const giveUpAt = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > giveUpAt) {
      await stop();
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid!, stop };
}
