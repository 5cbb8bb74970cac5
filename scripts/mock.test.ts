import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Runs a TypeScript script with tsx and resolves with the first stdout line matching `pattern`. */
function runUntil(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const started = spawn(process.execPath, [tsx, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    started.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    started.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = out.match(pattern);
      if (match) resolve({ child: started, match });
    });
    started.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${out}${err}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));
const refused = async (url: string) => fetch(`${url}/`).then(() => false, () => true);

describe('npm run mock and hero-mock', () => {
  for (const [script, signal] of [['scripts/mock.ts', 'SIGINT'], ['src/mock-cli/bin.ts', 'SIGTERM']] as const) {
    it(`${script}: prints the URL of a mock serving the spec and stops Prism cleanly on ${signal}`, async () => {
      const { child: mock, match } = await runUntil([script, '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const url = match[1]!;
      const answer = await fetch(`${url}/v1/patients/12345`, { headers: { 'x-api-key': 'test', 'x-practice-group-id': '1' } });
      expect([answer.status, ((await answer.json()) as { id?: unknown }).id]).toEqual([200, expect.anything()]);
      mock.kill(signal);
      expect(await exited(mock)).toBe(0);
      expect(await refused(url)).toBe(true);
    });
  }

  it('rejects an invalid port with exit 2 (usage), starting nothing', async () => {
    const error = await runUntil(['scripts/mock.ts', '--port', 'abc'], /never/).catch((e: Error) => e);
    expect(String(error)).toMatch(/exited with 2/);
  });
});

describe('the Prism launcher in a process without its own signal handlers', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`takes Prism down when the process receives ${signal}`, async () => {
      const { child: host, match } = await runUntil(['contract-tests/fixtures/prism-then-wait.ts'], /(\{.*\})/);
      const { url } = JSON.parse(match[1]!) as { url: string; pid: number };
      host.kill(signal);
      await exited(host);
      // Prism may need a moment after the signal; poll instead of sleeping a fixed time.
      for (let i = 0; i < 50 && !(await refused(url)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await refused(url)).toBe(true);
    });
  }
});
