/**
 * The scenarios of `npm run bench:rate-limit`, in groups:
 * - `limit`: the true-limit matrix at 50/s burst 10 (one process, four sharing nothing,
 *   four through Redis; learned and known);
 * - `stray`: a 200/s burst 40 limit plus stray errors the client's rate did not cause
 *   (0.5, 1 and 3% of requests; 503 and 429; `Retry-After` 0 and 1);
 * - `burst`: small server bursts (50/s burst 1 and 3), learned;
 * - `latency`: the 50/10 limit 300 ms away;
 * - `fast`: a 200/s burst 40 limit with no stray errors;
 * - `none`: no limit in sight (no-limit.ts, in-process: warm throughput and p99, a fresh
 *   client's first calls, stray errors with no limit).
 * Every group runs this client beside its references in the same run: pacing off
 * (`rateLimit: false`), AWS SDK v3 adaptive, and where the issue names them Hero's
 * getting-started retry loop and Bottleneck at the known limit.
 */
import type { RateContenderName } from './contenders.js';

/** The server one scenario runs against (test/helpers/limited-server.ts). */
export interface ServerSpec {
  /** Requests/s; 0 = no limit. */
  readonly rate: number;
  readonly burst: number;
  readonly latencyMs: number;
  /** Stray errors: share in percent, status, `Retry-After` in seconds ('' = none). */
  readonly stray?: { readonly percent: number; readonly status: 429 | 503; readonly retryAfter: string };
}

/** One cell of the matrix. */
export interface Scenario {
  readonly name: string;
  readonly group: string;
  readonly contender: RateContenderName;
  readonly processes: number;
  readonly concurrency: number;
  readonly shared: boolean;
  readonly known: boolean;
  readonly server: ServerSpec;
}

/** The groups, in the order they run. */
export const GROUPS = ['limit', 'stray', 'burst', 'latency', 'fast', 'none'] as const;

/** How a server is named in a scenario's name: `50/10`, `200/40 +1% 503 RA0`, `50/10 300ms`. */
export function serverLabel(server: ServerSpec): string {
  const stray = server.stray === undefined ? '' : ` +${server.stray.percent}% ${server.stray.status} RA${server.stray.retryAfter || '-'}`;
  return `${server.rate}/${server.burst}${server.latencyMs > 0 ? ` ${server.latencyMs}ms` : ''}${stray}`;
}

function cell(group: string, server: ServerSpec, contender: RateContenderName, processes: number, concurrency: number, shared = false, known = false): Scenario {
  return {
    name: `${serverLabel(server)}: ${contender}, ${processes} proc × ${concurrency}${shared ? ', Redis' : ''}${known ? ', known limit' : ''}`,
    group,
    contender,
    processes,
    concurrency,
    shared,
    known,
    server,
  };
}

const LIMIT: ServerSpec = { rate: 50, burst: 10, latencyMs: 0 };
const FAST: ServerSpec = { rate: 200, burst: 40, latencyMs: 0 };

/** Every scenario, grouped, in the order they run. */
export const MATRIX: readonly Scenario[] = [
  cell('limit', LIMIT, 'hero', 1, 8),
  cell('limit', LIMIT, 'hero', 1, 64),
  cell('limit', LIMIT, 'hero', 1, 64, false, true),
  cell('limit', LIMIT, 'hero', 4, 64),
  cell('limit', LIMIT, 'hero', 4, 64, true),
  cell('limit', LIMIT, 'hero', 4, 64, true, true),
  cell('limit', LIMIT, 'hero, pacing off', 1, 64),
  cell('limit', LIMIT, 'naive retry loop', 1, 64),
  cell('limit', LIMIT, 'naive retry loop', 4, 64),
  cell('limit', LIMIT, 'AWS adaptive', 1, 8),
  cell('limit', LIMIT, 'AWS adaptive', 1, 64),
  cell('limit', LIMIT, 'AWS adaptive', 4, 64),
  cell('limit', LIMIT, 'Bottleneck', 1, 64, false, true),
  cell('limit', LIMIT, 'Bottleneck', 4, 64, true, true),
  // The done-when pair first (1%, Retry-After 0), then the rest of the stray grid.
  ...[
    { percent: 1, status: 503, retryAfter: '0' },
    { percent: 1, status: 429, retryAfter: '0' },
    { percent: 0.5, status: 503, retryAfter: '0' },
    { percent: 0.5, status: 429, retryAfter: '0' },
    { percent: 3, status: 503, retryAfter: '0' },
    { percent: 3, status: 429, retryAfter: '0' },
    { percent: 1, status: 503, retryAfter: '1' },
    { percent: 1, status: 429, retryAfter: '1' },
    { percent: 3, status: 503, retryAfter: '1' },
    { percent: 3, status: 429, retryAfter: '1' },
  ].flatMap((stray, index) => {
    const server: ServerSpec = { ...FAST, stray: stray as ServerSpec['stray'] };
    const cells = [cell('stray', server, 'hero', 1, 64), cell('stray', server, 'hero, pacing off', 1, 64), cell('stray', server, 'AWS adaptive', 1, 64)];
    return index < 2 ? [...cells, cell('stray', server, 'naive retry loop', 1, 64)] : cells;
  }),
  ...[1, 3].flatMap((burst) => {
    const server: ServerSpec = { rate: 50, burst, latencyMs: 0 };
    return [cell('burst', server, 'hero', 1, 64), cell('burst', server, 'AWS adaptive', 1, 64), cell('burst', server, 'hero, pacing off', 1, 64)];
  }),
  ...(() => {
    const server: ServerSpec = { ...LIMIT, latencyMs: 300 };
    return [cell('latency', server, 'hero', 1, 64), cell('latency', server, 'hero', 4, 64, true), cell('latency', server, 'AWS adaptive', 1, 64), cell('latency', server, 'hero, pacing off', 1, 64)];
  })(),
  cell('fast', FAST, 'hero', 1, 64),
  cell('fast', FAST, 'AWS adaptive', 1, 64),
  cell('fast', FAST, 'hero, pacing off', 1, 64),
];
