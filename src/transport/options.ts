import { HeroConfigError } from '../errors.js';
import { normalizeLogFormat, normalizeLogger } from './attempt-log.js';
import type { NormalizedRetryBudgetOptions, NormalizedRetryOptions, NormalizedTransportOptions, RetryBudgetOptions, RetryOptions, TransportOptions } from './types.js';

/** Defaults of {@link RetryOptions}; the AWS standard retry mode's numbers for the budget. */
export const DEFAULT_RETRY_BUDGET: NormalizedRetryBudgetOptions = Object.freeze({
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  successIncrement: 1,
});

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: NormalizedRetryOptions = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  budget: DEFAULT_RETRY_BUDGET,
});

/** Default of {@link TransportOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 30_000;

// setTimeout fires at once for delays above 2^31-1 ms (Node prints a warning); ky rejects them too.
const MAX_TIMER_MS = 2_147_483_647;

/** Bounds of a numeric option. */
export interface NumberRule {
  min: number;
  integer?: boolean;
  /** True when the minimum itself is not allowed. */
  exclusiveMin?: boolean;
}

/**
 * What is wrong with a numeric option, or `undefined` when it is fine: finite, within
 * the rule and at most 2^31-1 ms. Prints numbers only: a misplaced string could be a secret.
 */
export function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
    value <= MAX_TIMER_MS &&
    (!rule.integer || Number.isInteger(value));
  if (ok) return undefined;
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const bound = `${rule.exclusiveMin ? '>' : '>='} ${rule.min} and <= ${MAX_TIMER_MS}`;
  const received = typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`;
  return `must be ${kind} ${bound} (received ${received})`;
}

function checkNumber(name: string, value: unknown, rule: NumberRule): number {
  const problem = numberProblem(value, rule);
  if (problem !== undefined) throw new HeroConfigError(`${name} ${problem}`);
  return value as number;
}

function checkHook(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new HeroConfigError(`hooks.${name} must be a function (received a ${typeof value})`);
  }
}

/** Throws {@link HeroConfigError} unless `value` is an options object. */
function checkObject(name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HeroConfigError(`${name} must be an object (received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`})`);
  }
}

function normalizeBudget(budget: RetryBudgetOptions | false | undefined): NormalizedRetryBudgetOptions | false {
  if (budget === false) return false;
  if (budget === undefined) return DEFAULT_RETRY_BUDGET;
  checkObject('retry.budget (or false)', budget);
  const d = DEFAULT_RETRY_BUDGET;
  return Object.freeze({
    capacity: checkNumber('retry.budget.capacity', budget.capacity ?? d.capacity, { min: 0 }),
    retryCost: checkNumber('retry.budget.retryCost', budget.retryCost ?? d.retryCost, { min: 0 }),
    timeoutRetryCost: checkNumber('retry.budget.timeoutRetryCost', budget.timeoutRetryCost ?? d.timeoutRetryCost, { min: 0 }),
    successIncrement: checkNumber('retry.budget.successIncrement', budget.successIncrement ?? d.successIncrement, { min: 0 }),
  });
}

function normalizeRetry(retry: RetryOptions | undefined): NormalizedRetryOptions {
  if (retry === undefined) return DEFAULT_RETRY;
  checkObject('retry', retry);
  const d = DEFAULT_RETRY;
  return Object.freeze({
    maxAttempts: checkNumber('retry.maxAttempts', retry.maxAttempts ?? d.maxAttempts, { min: 1, integer: true }),
    baseDelayMs: checkNumber('retry.baseDelayMs', retry.baseDelayMs ?? d.baseDelayMs, { min: 0 }),
    // A cap below the base is allowed: the cap wins.
    maxDelayMs: checkNumber('retry.maxDelayMs', retry.maxDelayMs ?? d.maxDelayMs, { min: 0 }),
    maxRetryAfterMs: checkNumber('retry.maxRetryAfterMs', retry.maxRetryAfterMs ?? d.maxRetryAfterMs, { min: 0 }),
    budget: normalizeBudget(retry.budget),
  });
}

/**
 * Merges caller options over the defaults into a fully required object, once per
 * client (ky:source/utils/normalize.ts). Throws {@link HeroConfigError} naming the
 * option for a malformed number, so a typo fails at construction, not mid-traffic.
 * `env` is read for `HERO_DEBUG` only (the client passes its `env` option or process.env).
 */
export function normalizeTransportOptions(
  options: TransportOptions = {},
  env: Readonly<Record<string, string | undefined>> = {},
): NormalizedTransportOptions {
  if (options.hooks !== undefined) checkObject('hooks', options.hooks);
  const hooks = options.hooks ?? {};
  checkHook('onRequest', hooks.onRequest);
  checkHook('onResponse', hooks.onResponse);
  checkHook('onRetry', hooks.onRetry);
  const logger = normalizeLogger(options.logger, env);
  return Object.freeze({
    retry: normalizeRetry(options.retry),
    timeoutMs:
      options.timeoutMs === false
        ? Infinity
        : checkNumber('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, { min: 0, exclusiveMin: true }),
    deadlineMs:
      options.deadlineMs === undefined ? Infinity : checkNumber('deadlineMs', options.deadlineMs, { min: 0, exclusiveMin: true }),
    hooks: Object.freeze({ onRequest: hooks.onRequest, onResponse: hooks.onResponse, onRetry: hooks.onRetry }),
    logger,
    logFormat: normalizeLogFormat(options.logFormat, logger),
  });
}
