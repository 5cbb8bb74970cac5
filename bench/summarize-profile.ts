/**
 * Prints where a `.cpuprofile` spent its time: self time by function and by file
 * (node internals, undici, openapi-fetch, src/), so overhead can be attributed.
 * Usage: npx tsx bench/summarize-profile.ts <file.cpuprofile> [top=25]
 * (`--cpu-prof` under tsx also writes a profile of tsx's loader thread, `*.1.002.cpuprofile`; use `*.0.001`.)
 */
import { readFileSync } from 'node:fs';
import { formatTable } from './table.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topText = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: summarize-profile.ts <file.cpuprofile> [top]');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
// Idle time is waiting on the server, not work; leave it out of the percentages.
const isIdle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)';
const total = [...selfMicros].filter(([id]) => !isIdle(id)).reduce((a, [, b]) => a + b, 0);

const repoRoot = new URL('..', import.meta.url).href;

/** Groups a frame into a readable bucket: a VM pseudo-frame, a package, a node: module or a repo file. */
function bucketOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.includes('node_modules/openapi-fetch')) return 'openapi-fetch';
  if (url.includes('node_modules/tsx')) return 'tsx';
  if (url.startsWith(repoRoot)) return url.slice(repoRoot.length);
  if (url.startsWith('node:internal/deps/undici')) return 'undici (node:internal/deps/undici)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 3).join('/');
  return url;
}

const byFunction = new Map<string, number>();
const byBucket = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  if (isIdle(id)) continue;
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const bucket = bucketOf(url, functionName);
  const key = url === '' ? bucket : `${functionName || '(anonymous)'} ${bucket}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + micros);
}
const top = (map: Map<string, number>, n: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, Math.round(v / 1000), (100 * v) / total] as const);

console.log(`busy (not idle) sampled time: ${Math.round(total / 1000)} ms\n`);
console.log(formatTable(['file / bucket', 'self ms', '%'], top(byBucket, 20)));
console.log();
console.log(formatTable(['function', 'self ms', '%'], top(byFunction, Number(topText))));
