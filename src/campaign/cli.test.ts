/**
 * `hero-campaign status` and `export` on journals written by real campaign runs (a file, and
 * Redis when redis-server is installed), called in-process through `main`, plus the built
 * bin's --help/--version once through a child process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '../client.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { main, USAGE } from './cli.js';
import { encodeRecord } from './file-format.js';
import { createFileJournal } from './file-journal.js';
import { createRedisJournal } from './redis-journal.js';

let server: FaultServer;
let hero: HeroClient;
let dir: string;

beforeAll(async () => {
  server = await startFaultServer();
  // p1: 400 (failed, a person must fix it); p2: 503 (failed, retried on resume); p3: 500 (outcome unknown).
  server.setFallback((request) => {
    const id = (JSON.parse(request.body || '{}') as { patient_id?: string }).patient_id;
    const status = id === 'p1' ? 400 : id === 'p2' ? 503 : id === 'p3' ? 500 : 200;
    return { type: 'respond', status, body: status === 200 ? { message_id: '1' } : { error: true, statusCode: status, message: [] } };
  });
  hero = createHeroClient({ apiKey: 'hk_test_campaign_cli_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 } });
  dir = await mkdtemp(join(tmpdir(), 'hero-campaign-cli-'));
});
afterAll(async () => {
  await hero.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}` }));
const send = (p: { id: string }) => hero.messages.send({ patient_id: p.id, message_type: 'sms', message_string: 'hello' });

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { code, stdout, stderr };
}

describe('hero-campaign on a file journal', () => {
  let path: string;
  beforeAll(async () => {
    path = join(dir, 'flu.journal');
    await hero.bulk(items(6), send, { journal: createFileJournal(path), key: (p) => p.id });
  });

  it('status: counts by status, what to do about them, exit 1 for findings', async () => {
    const { code, stdout } = await cli('status', path);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Campaign flu \(file journal .*flu\.journal\)/);
    expect(stdout).toMatch(/sent\s+3/);
    expect(stdout).toMatch(/failed\s+2 {2}1 will be sent again/);
    expect(stdout).toMatch(/outcome unknown\s+1 {2}check each by hand/);
    expect(stdout).toMatch(/pending\s+0/);
  });

  it('status --json: the counts and every recorded item', async () => {
    const { code, stdout } = await cli('status', path, '--json');
    expect(code).toBe(1);
    const status = JSON.parse(stdout) as { sent: number; items: { key: string; status: string; code?: string }[] };
    expect(status.sent).toBe(3);
    expect(status.items.find((i) => i.key === 'p3')).toMatchObject({ status: 'outcome-unknown', code: 'HeroServerError 500' });
  });

  it('export --outcome-unknown: one key per line on stdout, a count on stderr, exit 1', async () => {
    const { code, stdout, stderr } = await cli('export', path, '--outcome-unknown');
    expect(code).toBe(1);
    expect(stdout).toBe('p3\n');
    expect(stderr).toContain('1 item(s) outcome-unknown');
  });

  it('export --failed --not-retryable lists only what a resume will not send again; --json gives codes', async () => {
    expect((await cli('export', path, '--failed', '--not-retryable')).stdout).toBe('p1\n');
    const json = JSON.parse((await cli('export', path, '--failed', '--json')).stdout) as { key: string; retryable: boolean }[];
    expect(json.map((i) => [i.key, i.retryable])).toEqual([
      ['p1', false],
      ['p2', true],
    ]);
  });

  it('exit 0 when nothing is listed or nothing needs a person', async () => {
    const clean = join(dir, 'clean.journal');
    await hero.bulk([{ id: 'p0' }], send, { journal: createFileJournal(clean), key: (p) => p.id });
    expect((await cli('status', clean)).code).toBe(0);
    expect(await cli('export', clean, '--outcome-unknown')).toMatchObject({ code: 0, stdout: '' });
  });

  it('escapes control characters a hand-edited journal could carry into the terminal', async () => {
    const edited = join(dir, 'edited.journal');
    await hero.bulk([{ id: 'p0' }], send, { journal: createFileJournal(edited), key: (p) => p.id });
    await appendFile(edited, encodeRecord({ k: 'p0\u001b[2J', s: 'outcome-unknown', at: new Date().toISOString(), code: 'x' }));
    const { stdout } = await cli('export', edited, '--outcome-unknown');
    expect(stdout).toBe('p0\\u001b[2J\n');
  });

  it.each([
    [[], 'a command is needed'],
    [['launch', 'x'], 'unknown command'],
    [['status'], 'needs the campaign'],
    [['export', 'x.journal'], 'exactly one of'],
    [['export', 'x.journal', '--sent', '--failed'], 'exactly one of'],
    [['status', 'x.journal', '--failed'], 'go with export'],
    [['status', 'x.journal', '--bogus'], 'Unknown option'],
    [['export', 'x.journal', '--pending'], 'needs a Redis journal'],
    [['status', 'x.journal', '--timeout-ms', '0'], '--timeout-ms'],
  ])('usage errors exit 2: %j', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('a journal that cannot be read exits 3 (no verdict): no such journal, a damaged one', async () => {
    expect(await cli('status', join(dir, 'missing.journal'))).toMatchObject({ code: 3, stderr: expect.stringContaining('no campaign journal') });
    const damaged = join(dir, 'damaged.journal');
    await hero.bulk(items(1), send, { journal: createFileJournal(damaged), key: (p) => p.id });
    await appendFile(damaged, 'garbage\n' + encodeRecord({ k: 'p0', s: 'sent', at: new Date().toISOString() }));
    expect(await cli('status', damaged)).toMatchObject({ code: 3, stderr: expect.stringContaining('damaged at line') });
  });

  it('--help and --version exit 0', async () => {
    expect(await cli('--help')).toMatchObject({ code: 0, stdout: USAGE });
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

const skipRedis = redisUnavailableReason();
describe.skipIf(skipRedis !== undefined)('hero-campaign on a Redis journal', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    await hero.bulk(items(5), send, { journal: createRedisJournal({ redisUrl: redis.url, campaign: 'flu-2024' }), key: (p) => p.id });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('status and export through --redis-url', async () => {
    const status = await cli('status', 'flu-2024', '--redis-url', redis.url);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('Redis journal at redis://127.0.0.1:');
    expect(status.stdout).toMatch(/sent\s+2/);
    expect((await cli('export', 'flu-2024', '--redis-url', redis.url, '--outcome-unknown')).stdout).toBe('p3\n');
    expect((await cli('export', 'flu-2024', '--redis-url', redis.url, '--sent')).stdout).toBe('p0\np4\n');
  });

  it('a Redis that cannot be reached: exit 3, within the time-out, the password not shown', async () => {
    const { code, stderr } = await cli('status', 'flu-2024', '--redis-url', 'redis://:hunter2@127.0.0.1:1', '--timeout-ms', '300');
    expect(code).toBe(3);
    expect(stderr).not.toContain('hunter2');
  });

  it('reads the Redis URL from HERO_CAMPAIGN_REDIS_URL', async () => {
    let stdout = '';
    const code = await main(['export', 'flu-2024', '--outcome-unknown'], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: { HERO_CAMPAIGN_REDIS_URL: redis.url } });
    expect([code, stdout]).toEqual([1, 'p3\n']);
  });

  it('a campaign Redis does not hold: exit 3', async () => {
    expect((await cli('status', 'measles', '--redis-url', redis.url)).code).toBe(3);
  });
});

const bin = join(process.cwd(), 'dist', 'campaign', 'bin.js');
describe('the built bin', () => {
  it.skipIf(!existsSync(bin))('runs through node: --version exits 0, a usage error 2 (after npm run build)', () => {
    const built = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(built.status).toBe(0);
    expect(spawnSync(process.execPath, [bin, 'status'], { encoding: 'utf8' }).status).toBe(2);
  });
});
