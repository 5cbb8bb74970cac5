/**
 * The client's metric instruments, created once per meter provider and shared by every client
 * on it. Names: semconv's `http.client.request.duration` for each HTTP request sent (an attempt,
 * as the conventions count them), and this SDK's `hero.client.*` for whole calls, retries, 429s and
 * rate-limit holds (the controller's gauges are in rate-limit-metrics.ts).
 */
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { OtelApi } from './load-api.js';

export interface HeroInstruments {
  /** `http.client.request.duration`, seconds: one per attempt, send to end of response (headers, or the error body). */
  readonly requestDuration: Histogram;
  /** `hero.client.call.duration`, seconds: one per call, retries and waits included. */
  readonly callDuration: Histogram;
  /** `hero.client.retries`: attempts retried, by reason. */
  readonly retries: Counter;
  /** `hero.client.rate_limited`: 429 responses received. */
  readonly rateLimited: Counter;
  /** `hero.client.rate_limit.holds`: attempts held back by rate limiting, by reason (`pacing`: queued for a permit; `retry_after`: a 429's wait). */
  readonly holds: Counter;
}

// Semconv's advised boundaries for http.client.request.duration, in seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
// Whole calls include backoff and Retry-After waits: a longer tail.
const CALL_DURATION_BUCKETS = [...DURATION_BUCKETS, 30, 60, 120];

const byMeter = new WeakMap<Meter, HeroInstruments>();

/** The instruments on `meter`, created on first use. */
export function instrumentsFor(api: OtelApi, meter: Meter): HeroInstruments {
  let instruments = byMeter.get(meter);
  if (instruments === undefined) {
    instruments = {
      requestDuration: meter.createHistogram('http.client.request.duration', {
        description: 'Duration of HTTP client requests (each attempt of a call).',
        unit: 's',
        valueType: api.ValueType.DOUBLE,
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      callDuration: meter.createHistogram('hero.client.call.duration', {
        description: 'Duration of Hero client calls, retries, backoff and rate-limit waits included.',
        unit: 's',
        valueType: api.ValueType.DOUBLE,
        advice: { explicitBucketBoundaries: CALL_DURATION_BUCKETS },
      }),
      retries: meter.createCounter('hero.client.retries', { description: 'Failed attempts the client retried.', unit: '{retry}', valueType: api.ValueType.INT }),
      rateLimited: meter.createCounter('hero.client.rate_limited', { description: '429 Too Many Requests responses received.', unit: '{response}', valueType: api.ValueType.INT }),
      holds: meter.createCounter('hero.client.rate_limit.holds', {
        description: 'Attempts held back by rate limiting: queued for a permit (pacing) or waiting out a 429 (retry_after).',
        unit: '{hold}',
        valueType: api.ValueType.INT,
      }),
    };
    byMeter.set(meter, instruments);
  }
  return instruments;
}
