/**
 * Loading the optional `ioredis` peer and bounding waits on it, for the webhook store.
 * The same pattern as src/rate-limit/redis-store.ts (dynamic import on first use, an error
 * that says what to install, a time-out around every promise), kept here rather than shared
 * so the two features can change independently.
 */
import { HeroConfigError } from '../../errors.js';

/** The part of an ioredis client the webhook store uses. */
export interface WebhookRedisClient {
  readonly status: string;
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** The ioredis constructor, as far as the store calls it. */
export type WebhookRedisConstructor = new (url: string, options: Record<string, unknown>) => WebhookRedisClient;

/** Rejects with a plain error after `ms`; the promise itself is left to settle (its result is ignored). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms);
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
 * Imports ioredis, or throws a {@link HeroConfigError} saying how to install it.
 * `load` is the literal `() => import('ioredis')` so bundlers still see the specifier;
 * tests pass a failing one.
 */
export async function importIoredis(load: () => Promise<unknown> = () => import('ioredis')): Promise<WebhookRedisConstructor> {
  let module: { default?: unknown; Redis?: unknown };
  try {
    module = (await load()) as { default?: unknown; Redis?: unknown };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new HeroConfigError('createWebhookHandler({ redisUrl }) needs the ioredis package, an optional peer dependency: npm install ioredis');
    }
    throw error;
  }
  return (module.Redis ?? module.default) as WebhookRedisConstructor;
}
