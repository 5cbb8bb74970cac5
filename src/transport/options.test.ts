import { describe, expect, it } from 'vitest';
import { HeroConfigError } from '../errors.js';
import { DEFAULT_RETRY, DEFAULT_RETRY_BUDGET, normalizeTransportOptions } from './options.js';
import type { TransportOptions } from './types.js';

describe('normalizeTransportOptions', () => {
  it('fills every default when given nothing', () => {
    expect(normalizeTransportOptions()).toEqual({
      retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000, budget: DEFAULT_RETRY_BUDGET },
      timeoutMs: 30_000,
      deadlineMs: Infinity,
      hooks: { onRequest: undefined, onResponse: undefined, onRetry: undefined },
      logFormat: 'pino',
    });
  });

  it('merges partial retry and budget options over the defaults', () => {
    const normalized = normalizeTransportOptions({ retry: { maxAttempts: 1, budget: { capacity: 50 } }, deadlineMs: 5000 });
    expect(normalized.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 1, budget: { ...DEFAULT_RETRY_BUDGET, capacity: 50 } });
    expect(normalized.deadlineMs).toBe(5000);
  });

  it('turns timeoutMs false into no timeout and budget false into no budget', () => {
    const normalized = normalizeTransportOptions({ timeoutMs: false, retry: { budget: false } });
    expect(normalized.timeoutMs).toBe(Infinity);
    expect(normalized.retry.budget).toBe(false);
  });

  it('keeps the hooks it was given', () => {
    const onRetry = (): void => {};
    expect(normalizeTransportOptions({ hooks: { onRetry } }).hooks.onRetry).toBe(onRetry);
  });

  it('returns a frozen object, so later code cannot change a client’s settings', () => {
    const normalized = normalizeTransportOptions({ retry: { maxAttempts: 2 } });
    expect(Object.isFrozen(normalized)).toBe(true);
    expect(Object.isFrozen(normalized.retry)).toBe(true);
  });

  it.each<[TransportOptions, string]>([
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts must be an integer >= 1'],
    [{ retry: { maxAttempts: 2.5 } }, 'retry.maxAttempts must be an integer'],
    [{ retry: { maxAttempts: Number.NaN } }, 'retry.maxAttempts'],
    [{ retry: { baseDelayMs: -1 } }, 'retry.baseDelayMs'],
    [{ retry: { maxDelayMs: Infinity } }, 'retry.maxDelayMs'],
    [{ retry: { maxRetryAfterMs: 2 ** 31 } }, 'retry.maxRetryAfterMs'],
    [{ retry: { budget: { retryCost: -5 } } }, 'retry.budget.retryCost'],
    [{ timeoutMs: 0 }, 'timeoutMs must be a finite number > 0'],
    [{ timeoutMs: 2 ** 31 }, 'timeoutMs'],
    [{ deadlineMs: Infinity }, 'deadlineMs'],
    [{ retry: { maxAttempts: '3' as unknown as number } }, '(received a string)'],
    [{ hooks: { onRetry: 'log' as unknown as () => void } }, 'hooks.onRetry must be a function'],
  ])('rejects %o with a HeroConfigError naming the option', (options, message) => {
    expect(() => normalizeTransportOptions(options)).toThrow(HeroConfigError);
    expect(() => normalizeTransportOptions(options)).toThrow(message);
  });
});
