/**
 * Taking over a stale file-journal lock when another process does the same at the same moment:
 * the process that found the lock stale just before the other took it over must not remove the
 * other's fresh lock (both would run the campaign, each sending its items). The race is made
 * deterministic by a readFile that lets "the other process" take the lock right after this one
 * read the stale content.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile as realReadFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createHeroClient } from '../client.js';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { HeroCampaignJournalUnavailableError } from './errors.js';
import { createFileJournal } from './file-journal.js';

const race = vi.hoisted(() => ({ lockPath: '', otherToken: '', done: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    readFile: (async (file: Parameters<typeof actual.readFile>[0], options?: Parameters<typeof actual.readFile>[1]) => {
      const content = await actual.readFile(file, options as never);
      if (!race.done && file === race.lockPath) {
        race.done = true;
        // The other process removes the stale lock and takes its own, right after this read.
        await actual.unlink(race.lockPath);
        await actual.writeFile(race.lockPath, race.otherToken, { flag: 'wx' });
      }
      return content;
    }) as typeof actual.readFile,
  };
});

let server: FaultServer;
let dir: string;
beforeAll(async () => {
  server = await startFaultServer();
  dir = await mkdtemp(join(tmpdir(), 'hero-lock-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

it('a stale lock another process takes over first: this run is refused, the other keeps its lock, nothing is sent', async () => {
  const hero = createHeroClient({ apiKey: 'hk_test_campaign_lock_1234567890', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 } });
  const path = join(dir, 'flu.journal');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  race.lockPath = `${path}.lock`;
  // A live process on this host other than this one (vitest's parent).
  race.otherToken = `${process.ppid} ${hostname()} the-other-process`;
  await writeFile(race.lockPath, `${dead} ${hostname()} stale`);

  const send = (p: { id: string }) => hero.messages.send({ patient_id: p.id, message_type: 'sms', message_string: 'x' });
  const error = (await hero.bulk([{ id: 'p0' }], send, { journal: createFileJournal(path), key: (p) => p.id }).catch((e: unknown) => e)) as HeroCampaignJournalUnavailableError;
  await hero.close();

  expect(race.done).toBe(true);
  expect(error).toBeInstanceOf(HeroCampaignJournalUnavailableError);
  expect(error.reason).toBe('journal-locked');
  expect(server.requests).toHaveLength(0);
  expect(await realReadFile(race.lockPath, 'utf8')).toBe(race.otherToken);
});
