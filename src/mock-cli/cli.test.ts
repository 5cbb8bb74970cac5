import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hero-mock-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], stop: Promise<string> = new Promise(() => {})) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), cwd: dir, env: {}, stopSignal: () => stop });
  return { code, stdout, stderr };
}

describe('hero-mock', () => {
  it('refuses a --spec that $refs a file, before Prism could read it (exit 3)', async () => {
    await writeFile(join(dir, 'secret.yaml'), 'password: hunter2\n');
    await writeFile(
      join(dir, 'spec.yaml'),
      'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "./secret.yaml" }\n',
    );
    const result = await run(['--spec', 'spec.yaml', '--port', '0']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^hero-mock: could not use the spec: .*refers outside itself/);
    expect(result.stdout).toBe('');
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  });

  it('refuses a port that is not a number, and reads PORT otherwise', async () => {
    expect((await run(['--port', '70000'])).code).toBe(2);
    expect((await run(['--port', '-1'])).code).toBe(2);
  });

  // It crashed with a HeroInputError stack trace and exit 1 (startPrism refused the host).
  it('refuses a --host with spaces or control characters as a usage error (exit 2), the control characters escaped', async () => {
    for (const host of ['a b', 'x\u001b[31mred']) {
      const result = await run(['--host', host, '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^hero-mock: --host must be a host name or address/);
      expect(result.stderr).not.toContain('\u001b');
      expect(result.stdout).toBe('');
    }
  });

  it('serves until told to stop, then stops Prism and exits 0', async () => {
    let stop!: (signal: string) => void;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    let stdout = '';
    const running = main(['--port', '0'], { stdout: (text) => void (stdout += text), stderr: () => {}, env: {}, stopSignal: () => stopped });
    for (let i = 0; i < 600 && !/listening on/.test(stdout); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    const answer = await fetch(`${url}/v1/me/capabilities`, { headers: { 'x-api-key': 'test', 'x-practice-group-id': '1' } });
    expect(answer.status).toBe(200);
    stop('SIGTERM');
    expect(await running).toBe(0);
    expect(stdout).toContain('Hero mock stopped.');
    await expect(fetch(`${url}/`)).rejects.toThrow();
  }, 60_000);
});
