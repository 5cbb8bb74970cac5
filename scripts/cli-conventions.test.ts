/**
 * Every command the package ships behaves like the others: `--help` with examples and the one
 * exit-code table (src/tool-output/exit-codes.ts), `--version`, exit 2 for an unknown option, and
 * a `bin` entry built by tsup. A new command is added to COMMANDS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as campaign } from '../src/campaign/cli.js';
import { main as contract } from '../src/contract/cli.js';
import { main as drift } from '../src/drift/cli.js';
import { main as mock } from '../src/mock-cli/cli.js';
import { TOOL_EXIT } from '../src/tool-output/exit-codes.js';
import { main as webhooks } from '../src/webhooks-cli/cli.js';
import { repoRoot } from './lib/paths.js';

type Main = (argv: readonly string[], io: { stdout: (text: string) => void; stderr: (text: string) => void }) => Promise<number>;
const COMMANDS: Record<string, { main: Main; source: string }> = {
  'hero-contract': { main: contract, source: 'src/contract/bin.ts' },
  'hero-drift': { main: drift, source: 'src/drift/bin.ts' },
  'hero-webhooks': { main: webhooks, source: 'src/webhooks-cli/bin.ts' },
  'hero-mock': { main: mock, source: 'src/mock-cli/bin.ts' },
  'hero-campaign': { main: campaign, source: 'src/campaign/bin.ts' },
};
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

async function run(main: Main, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

describe.each(Object.entries(COMMANDS))('%s', (name, { main, source }) => {
  it('prints help with examples and the shared exit-code table, exit 0', async () => {
    const help = await run(main, ['--help']);
    expect(help.code).toBe(TOOL_EXIT.ok);
    expect(help.stdout).toMatch(/\nExamples:\n {2}\S/);
    const table = /Exit codes \(the same for every @hero-sdk\/hero-health command\):\n((?: {2}\d {2}.*\n(?: {5}.*\n)*)+)/.exec(help.stdout);
    expect(table, 'the exit-code table').not.toBeNull();
    const codes = [...table![1]!.matchAll(/^ {2}(\d) /gm)].map((match) => Number(match[1]));
    expect(codes[0]).toBe(TOOL_EXIT.ok);
    expect(codes.every((code) => (Object.values(TOOL_EXIT) as number[]).includes(code))).toBe(true);
    expect(codes).toContain(TOOL_EXIT.usage);
  });

  it("prints the package's version, exit 0", async () => {
    expect(await run(main, ['--version'])).toMatchObject({ code: TOOL_EXIT.ok, stdout: `${manifest.version}\n` });
  });

  it('exits 2 for an unknown option', async () => {
    expect((await run(main, ['--no-such-option'])).code).toBe(TOOL_EXIT.usage);
  });

  it('is a bin of the package, built by tsup', () => {
    const built = source.replace(/^src\//, './dist/').replace(/\.ts$/, '.js');
    expect(manifest.bin[name]).toBe(built);
    expect(readFileSync(join(repoRoot, 'tsup.config.ts'), 'utf8')).toContain(`'${source}'`);
  });
});
