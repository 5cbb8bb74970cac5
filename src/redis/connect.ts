/**
 * Loading `ioredis` (an optional peer, imported only when a feature that needs Redis is
 * used) and connecting with every wait bounded: the TCP connect, the handshake (a server
 * that accepts the connection but never answers, is `LOADING`, or answers `-ERR`), and
 * each command. Written for the campaign journal; small and neutral so the rate-limit
 * store and the webhook replay guard can share it later.
 */
import { HeroConfigError } from '../errors.js';

/** The part of an ioredis client these helpers use. */
export interface RedisConnection {
  readonly status: string;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  removeListener(event: 'ready', listener: () => void): unknown;
}

type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisConnection;

/** The command that installs the optional peer. */
export const IOREDIS_INSTALL_HINT = 'npm install ioredis';

/** A Redis wait ran past its time-out. */
export class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError' as const;
}

/**
 * Rejects with {@link RedisTimeoutError} if `promise` has not settled within `ms`. The
 * operation itself is not cancelled (Redis has no way to); callers treat its outcome as unknown.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(`${what} did not finish within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Imports ioredis, or throws {@link HeroConfigError} saying how to install it. `purpose`
 * completes "… needs the ioredis package", e.g. `a Redis campaign journal`.
 */
export async function importIoredis(purpose: string): Promise<RedisConstructor> {
  try {
    const module = (await import('ioredis')) as unknown as { default: unknown; Redis?: unknown };
    return (module.Redis ?? module.default) as RedisConstructor;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new HeroConfigError(`${purpose} needs the ioredis package, an optional peer dependency: ${IOREDIS_INSTALL_HINT}`);
    }
    throw error;
  }
}

/** `redis://host:port/db` without the user name and password, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the Redis URL (not a valid URL)';
  }
}

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /** Longest wait for the connection and the handshake together. */
  readonly timeoutMs: number;
  /** Completes "… needs the ioredis package" in the install hint. */
  readonly purpose: string;
}

/**
 * Opens a connection and waits until it is ready (connected and past the handshake),
 * within `timeoutMs`; on failure the client is disconnected and the error says why,
 * without the URL's credentials. Commands fail fast while disconnected (no offline queue)
 * and the client reconnects in the background after a later drop.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions): Promise<RedisConnection> {
  const Redis = await importIoredis(options.purpose);
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    maxRetriesPerRequest: 1,
    connectTimeout: options.timeoutMs,
    retryStrategy: (times: number) => Math.min(times * 250, 2000),
  });
  // Errors reach callers as rejected commands; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  try {
    await withTimeout(client.connect(), options.timeoutMs, `connecting to ${describeRedisUrl(url)}`);
    if (client.status !== 'ready') await waitUntilReady(client, options.timeoutMs, url);
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/** Waits for a client (ours or the caller's) to be ready, within `timeoutMs`. */
export async function waitUntilReady(client: RedisConnection, timeoutMs: number, url = ''): Promise<void> {
  if (client.status === 'ready') return;
  let onReady: (() => void) | undefined;
  try {
    await withTimeout(
      new Promise<void>((resolve) => {
        onReady = resolve;
        client.once('ready', resolve);
      }),
      timeoutMs,
      `the handshake with ${url === '' ? 'Redis' : describeRedisUrl(url)}`,
    );
  } finally {
    if (onReady !== undefined) client.removeListener('ready', onReady);
  }
}
