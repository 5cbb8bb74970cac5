/**
 * `npx hero-webhooks` from the packed package, installed in a throwaway project as a partner
 * installs it, against the README's Express receiver (examples/webhook-receiver.ts) running
 * as its own process: the delivery reaches it and its handler runs once. Also checks that
 * the package does not load Express or Fastify (the receiver only borrows their req/res).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleReceiver, type ExampleReceiver } from '../test/helpers/example-receiver.js';
import { expectSuccess, installInto, npm, npmIsAvailable, packPackageOnce } from './lib/consumer-project.js';
import { repoRoot } from './lib/paths.js';

const signingKey = 'bin-test-signing-key-3c1d';
const packageName = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;
const npmAvailable = await npmIsAvailable();
if (!npmAvailable) console.warn('hero-webhooks bin test SKIPPED: npm cannot be run here, so the package cannot be packed.');

let workDir = '';
let projectDir = '';
let receiver: ExampleReceiver | undefined;

/** `npx hero-webhooks …` in the consumer project; --no: never download a package of that name. */
const npxHeroWebhooks = (args: readonly string[]) => npm(['exec', '--no', '--', 'hero-webhooks', ...args], projectDir, { HERO_WEBHOOK_SIGNING_KEY: signingKey });

beforeAll(async () => {
  if (!npmAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'hero-webhooks-bin-'));
  projectDir = join(workDir, 'partner');
  await mkdir(projectDir);
  const [packed, started] = await Promise.all([packPackageOnce(), startExampleReceiver(signingKey)]);
  receiver = started;
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify({ name: 'partner', version: '0.0.0', private: true }, null, 2)}\n`);
  await installInto(projectDir, packed.tarball, []);
}, 240_000);

afterAll(async () => {
  await receiver?.stop();
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe.skipIf(!npmAvailable)('npx hero-webhooks (built and packed)', () => {
  it('triggers appointment.confirmed at the Express example, whose handler runs once', async () => {
    const result = await npxHeroWebhooks(['trigger', 'appointment.confirmed', '--to', receiver!.url, '--id', '777001']);
    expectSuccess(result, 'hero-webhooks trigger');
    expect(result.stdout).toBe(`POST ${receiver!.url} (appointment.confirmed): 200 OK  {"status":"handled"}\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver!.lines.filter((line) => line.startsWith('appointment 777001 confirmed'))).toHaveLength(1);
    expect(`${result.stdout}${result.stderr}${receiver!.lines.join('\n')}`).not.toContain(signingKey);
  });

  it('exits 1 when the receiver refuses, 2 for a usage error', async () => {
    const refused = await npm(['exec', '--no', '--', 'hero-webhooks', 'trigger', 'appointment.confirmed', '--to', receiver!.url], projectDir, {
      HERO_WEBHOOK_SIGNING_KEY: 'another-key',
    });
    expect([refused.code, refused.stdout]).toEqual([1, expect.stringContaining('400 Bad Request  {"error":"webhook verification failed","reason":"signature_mismatch"}')]);
    expect((await npxHeroWebhooks(['trigger', 'appointment.created', '--to', receiver!.url])).code).toBe(2);
  });

  it('prints its version', async () => {
    const result = await npxHeroWebhooks(['--version']);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('ships no import of express or fastify (they stay the partner\'s choice)', async () => {
    const dist = join(projectDir, 'node_modules', ...packageName.split('/'), 'dist');
    const files = (await readdir(dist, { recursive: true })).filter((file) => /\.(c?js|d\.c?ts)$/.test(String(file)));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(join(dist, String(file)), 'utf8');
      expect({ file, imports: text.match(/(?:from|import\(|require\()\s*["'](?:express|fastify)(?:\/[^"']*)?["']/g) }).toEqual({ file, imports: null });
    }
  });
});
