import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, HeroPrismError, prismEntryPoint, startPrism, type PrismServer } from './prism.js';

const specPath = fileURLToPath(new URL('../../contract-tests/fixtures/appointments.yaml', import.meta.url));
const headers = { 'x-api-key': 'test-key', 'x-practice-group-id': '1' };

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let running: PrismServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('startPrism: one Prism for the file, stopped by the last test', () => {
  // Starting Prism costs seconds of CPU: these checks share one, in order.
  let shared: PrismServer;
  beforeAll(async () => {
    shared = await startPrism({ specPath });
  });
  afterAll(() => shared.stop());

  it('serves the spec on a free loopback port and answers with its examples once started', async () => {
    expect(shared.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${shared.url}/v1/appointments/12345`, { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: '12345', status: 'booked' });
  });

  it('still mocks dynamically (faker) after the English-only faker preload', async () => {
    const response = await fetch(`${shared.url}/v1/appointments/12345`, { headers: { ...headers, Prefer: 'dynamic=true' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id?: unknown };
    expect(typeof body.id).toBe('string');
    const command = spawnSync('ps', ['-o', 'args=', '-p', String(shared.pid)], { encoding: 'utf8' }).stdout;
    expect(command).toContain('locale%2Fen');
  });

  it('runs Prism itself (not an npx wrapper) so stop() ends the process that served requests', async () => {
    const { pid } = shared;
    const command = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
    expect(command).toContain('prism-cli');
    await shared.stop();
    expect(isRunning(pid)).toBe(false);
    await expect(fetch(`${shared.url}/`)).rejects.toThrow();
  });

  it('can be stopped twice without error', async () => {
    await expect(shared.stop()).resolves.toBeUndefined();
  });
});

describe('startPrism', () => {
  it("fails fast with Prism's own output when the spec cannot be loaded", async () => {
    const error = await startPrism({ specPath: '/nonexistent/spec.yaml', startTimeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroPrismError);
    expect((error as HeroPrismError).message).toMatch(/Prism exited/);
    expect((error as HeroPrismError).output).toMatch(/nonexistent/);
  });

  it('reports a busy explicit port instead of silently choosing another', async () => {
    const blocker = createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const error = await startPrism({ specPath, port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HeroPrismError);
      expect((error as HeroPrismError).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('finds the Prism CLI installed next to this package', () => {
    expect(prismEntryPoint()).toMatch(/[\\/]@stoplight[\\/]prism-cli[\\/]/);
  });

  it('says how to install Prism when it cannot be resolved (it is an optional peer dependency)', () => {
    // A module outside any node_modules tree, as in a consumer that did not install Prism.
    const outside = pathToFileURL(join(tmpdir(), 'hero-no-prism', 'index.js'));
    const error = (() => {
      try {
        return prismEntryPoint(outside);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HeroPrismError);
    expect((error as HeroPrismError).message).toMatch(/@stoplight\/prism-cli is not installed.*npm install --save-dev @stoplight\/prism-cli@5/s);
    expect((error as HeroPrismError).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });

  it('refuses proxy mode without an upstream', async () => {
    await expect(startPrism({ specPath, mode: 'proxy' })).rejects.toThrow(/upstream/);
  });
});
