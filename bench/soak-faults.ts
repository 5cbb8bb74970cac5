/**
 * The soak server's fault mix: about 10% of requests fail in one of the ways a real
 * API or network does. Pure, so the mix is documented and reproducible from a seed.
 */

/** What the soak server does with one request. */
export type FaultKind =
  | 'ok'
  /** 429 with `Retry-After: 0` (most) or `1`; Hero did not act. */
  | 'rate-limited'
  /** 503, with `Retry-After: 0` or none; Hero did not act. */
  | 'unavailable'
  /** 500 after acting on the request: a repeat would act twice. */
  | 'server-error'
  /** TCP reset as soon as the request head arrives; not processed. */
  | 'reset-before-processing'
  /** Request read and processed, then a TCP reset instead of the answer. */
  | 'reset-after-processing'
  /** Processed, answered 200 after 20–120 ms (inside the client timeout). */
  | 'slow'
  /** Processed, answered after 400 ms, past the client's 200 ms timeout. */
  | 'timeout';

/** Share of requests per fault, in percent; `ok` takes the rest (90%). */
export const FAULT_PERCENT: Readonly<Record<Exclude<FaultKind, 'ok'>, number>> = {
  'rate-limited': 2,
  unavailable: 1.5,
  'server-error': 1.5,
  'reset-before-processing': 1.5,
  'reset-after-processing': 1.5,
  slow: 1.5,
  timeout: 0.5,
};

/** Whether the server acted on a request given this fault (what a duplicate check counts). */
export function isProcessed(kind: FaultKind): boolean {
  return kind !== 'rate-limited' && kind !== 'unavailable' && kind !== 'reset-before-processing';
}

/** Picks the fault for a uniform random `r` in [0, 1). */
export function pickFault(r: number): FaultKind {
  let edge = 0;
  for (const [kind, percent] of Object.entries(FAULT_PERCENT) as [Exclude<FaultKind, 'ok'>, number][]) {
    edge += percent / 100;
    if (r < edge) return kind;
  }
  return 'ok';
}

export { seededRandom } from '../test/helpers/seeded-random.js';
