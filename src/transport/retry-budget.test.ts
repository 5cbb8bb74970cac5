import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_BUDGET } from './options.js';
import { createRetryBudget } from './retry-budget.js';

describe('createRetryBudget', () => {
  it('starts full with the AWS standard numbers: 500 tokens, 5 per retry, 10 per timeout retry', () => {
    const budget = createRetryBudget(DEFAULT_RETRY_BUDGET);
    expect(budget.availableTokens).toBe(500);
    expect(budget.tryAcquire('server-error')).toBe(5);
    expect(budget.tryAcquire('timeout')).toBe(10);
    expect(budget.tryAcquire('network-error')).toBe(10);
    expect(budget.tryAcquire('connection-failed')).toBe(10);
    expect(budget.tryAcquire('rate-limited')).toBe(5);
    expect(budget.availableTokens).toBe(460);
  });

  it('refuses, taking nothing, when fewer tokens remain than a retry costs', () => {
    const budget = createRetryBudget({ ...DEFAULT_RETRY_BUDGET, capacity: 12 });
    expect(budget.tryAcquire('timeout')).toBe(10);
    expect(budget.tryAcquire('timeout')).toBeUndefined();
    expect(budget.availableTokens).toBe(2);
    expect(budget.tryAcquire('server-error')).toBeUndefined();
  });

  it('refunds the last retry cost when a retried call succeeds', () => {
    const budget = createRetryBudget(DEFAULT_RETRY_BUDGET);
    const cost = budget.tryAcquire('timeout');
    budget.recordSuccess(cost);
    expect(budget.availableTokens).toBe(500);
  });

  it('adds one token per first-try success, never above capacity', () => {
    const budget = createRetryBudget(DEFAULT_RETRY_BUDGET);
    budget.tryAcquire('server-error');
    budget.recordSuccess(undefined);
    expect(budget.availableTokens).toBe(496);
    for (let i = 0; i < 10; i++) budget.recordSuccess(undefined);
    expect(budget.availableTokens).toBe(500);
  });

  it('keeps separate buckets per budget (per client)', () => {
    const a = createRetryBudget({ ...DEFAULT_RETRY_BUDGET, capacity: 5 });
    const b = createRetryBudget({ ...DEFAULT_RETRY_BUDGET, capacity: 5 });
    a.tryAcquire('server-error');
    expect(a.availableTokens).toBe(0);
    expect(b.availableTokens).toBe(5);
  });
});
