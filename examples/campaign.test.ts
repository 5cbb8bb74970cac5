/**
 * Runs the README's campaign example against a recording server on 127.0.0.1: a first run,
 * a resumed one that sends nothing twice, and what it prints.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeroClient, type HeroClient } from '@hero-sdk/hero-health';
import { startFaultServer, type FaultServer } from '../test/helpers/fault-server.js';
import { textFluCampaign, type Patient } from './campaign.js';

let server: FaultServer;
let hero: HeroClient;
let dir: string;
beforeAll(async () => {
  server = await startFaultServer();
  server.setFallback((request) => {
    const id = (JSON.parse(request.body || '{}') as { patient_id?: string }).patient_id;
    return id === '103' ? { type: 'respond', status: 500 } : { type: 'respond', status: 200, body: { message_id: '1' } };
  });
  hero = createHeroClient({ apiKey: 'hk_test_example_campaign_123456', practiceGroupId: '4242', baseUrl: server.url, env: {}, retry: { maxAttempts: 1 } });
  dir = await mkdtemp(join(tmpdir(), 'hero-example-campaign-'));
});
afterAll(async () => {
  await hero.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const patients: Patient[] = [1, 2, 3, 4].map((n) => ({ rowId: `row-${n}`, heroPatientId: String(100 + n) }));

describe('the campaign example', () => {
  it('sends each patient once, lists the one to check, and a second run resumes without sending again', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      const file = join(dir, 'flu-2024.journal');
      expect(await textFluCampaign(hero, patients, { file })).toEqual({ sent: 3, resendOnResume: 0, left: 0, toCheck: ['row-3'] });
      expect(await textFluCampaign(hero, patients, { file })).toEqual({ sent: 3, resendOnResume: 0, left: 0, toCheck: ['row-3'] });
    } finally {
      console.log = log;
    }
    expect(server.requests).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^4\/4 done, 1 to check, 0 left, 1 worker\(s\), [\d.]+\/s, ETA 0 s$/);
  });
});
