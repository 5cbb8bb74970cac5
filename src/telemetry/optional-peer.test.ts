/**
 * `@opentelemetry/api` is an optional peer: importing the package never loads it, the first
 * call does (once), and when it is not installed calls work without telemetry, unless the
 * caller asked for it (`telemetry: true`: a HeroConfigError naming the package). Each case is
 * a fresh `node` whose module resolution hook counts loads of the API or makes it missing.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const realApi = pathToFileURL(createRequire(import.meta.url).resolve('@opentelemetry/api')).href;

// Runs in the loader thread: '@opentelemetry/api' becomes a module that counts its loads, or a missing package.
const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier !== '@opentelemetry/api') return next(specifier, context);
  if (process.env.OTEL_PROBE === 'absent') throw Object.assign(new Error("Cannot find package '@opentelemetry/api'"), { code: 'ERR_MODULE_NOT_FOUND' });
  const source = 'globalThis.__heroOtelLoads = (globalThis.__heroOtelLoads ?? 0) + 1; export * from ' + JSON.stringify(${JSON.stringify(realApi)}) + ';';
  return { url: 'data:text/javascript,' + encodeURIComponent(source), shortCircuit: true };
}`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;

interface Probe {
  loadsAtImport: number;
  loadsAfterCalls: number;
  outcomes: string[];
}

let port = 0;
beforeAll(async () => {
  // A port nothing listens on: every call fails fast with a HeroNetworkError, after telemetry started.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

function run(api: 'present' | 'absent', telemetry: 'unset' | 'true' | 'false'): Probe {
  const option = telemetry === 'unset' ? '' : `telemetry: ${telemetry},`;
  const script = `
const { createHeroClient } = await import('./src/index.ts');
const loadsAtImport = globalThis.__heroOtelLoads ?? 0;
const hero = createHeroClient({ apiKey: 'hk_test_optional_peer_1a2b3c', practiceGroupId: '1', baseUrl: 'http://127.0.0.1:${port}', env: {}, retry: { maxAttempts: 1 }, rateLimit: false, ${option} });
const outcomes = [];
for (let i = 0; i < 2; i++) outcomes.push(await hero.booking.listLocations().then(() => 'ok', (error) => error.name));
process.stdout.write(JSON.stringify({ loadsAtImport, loadsAfterCalls: globalThis.__heroOtelLoads ?? 0, outcomes }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, OTEL_PROBE: api, HERO_DEBUG: '' },
    timeout: 30_000,
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as Probe;
}

describe('@opentelemetry/api, an optional peer', () => {
  it('installed: not loaded by importing the package, loaded once by the first call', () => {
    expect(run('present', 'unset')).toEqual({ loadsAtImport: 0, loadsAfterCalls: 1, outcomes: ['HeroNetworkError', 'HeroNetworkError'] });
  });

  it('installed, telemetry: false: never loaded', () => {
    expect(run('present', 'false')).toEqual({ loadsAtImport: 0, loadsAfterCalls: 0, outcomes: ['HeroNetworkError', 'HeroNetworkError'] });
  });

  it('not installed, telemetry unset: calls work without telemetry', () => {
    expect(run('absent', 'unset').outcomes).toEqual(['HeroNetworkError', 'HeroNetworkError']);
  });

  it('not installed, telemetry: true: every call fails with a HeroConfigError', () => {
    expect(run('absent', 'true').outcomes).toEqual(['HeroConfigError', 'HeroConfigError']);
  });
});
