/**
 * `npm test`: the static checks (spec lint, generated types, tsc, dependency rules) run beside
 * vitest instead of before it. tsc is single-threaded and the others mostly wait on their own
 * start-up, so on a 2-core machine running them in parallel saves their wall time rather than
 * adding it. Each check's output is printed when it ends (never interleaved); arguments go to
 * vitest (`npm test -- --reporter=json …`). Exits non-zero when anything failed.
 */
import { spawn } from 'node:child_process';

interface Step {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

const npmRun = (script: string): Step => ({ name: `npm run ${script}`, command: 'npm', args: ['run', '--silent', script] });
const checks: Step[] = [npmRun('lint:spec'), npmRun('generate:check'), npmRun('typecheck'), npmRun('lint:deps')];

/** Runs a check with its output collected; resolves to its exit code and output. */
function runCollected(step: Step): Promise<{ step: Step; code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ step, code: 1, output: `${output}${error.message}\n` }));
    child.once('close', (code, signal) => resolve({ step, code: code ?? (signal ? 1 : 0), output }));
  });
}

function runInherited(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', () => resolve(1));
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const pending = checks.map((step) =>
  runCollected(step).then((result) => {
    const verdict = result.code === 0 ? 'passed' : `FAILED (exit ${result.code})`;
    const shown = result.code === 0 ? `${result.output.trim().split('\n').at(-1) ?? ''}\n` : result.output;
    process.stderr.write(`\n── ${step.name}: ${verdict}\n${shown}`);
    return result;
  }),
);
const vitest = await runInherited('npx', ['vitest', 'run', ...process.argv.slice(2)]);
const results = await Promise.all(pending);
const failed = results.filter((r) => r.code !== 0).map((r) => r.step.name);
if (vitest !== 0) failed.push('vitest run');
process.stderr.write(failed.length === 0 ? '\nnpm test: every check passed\n' : `\nnpm test: FAILED: ${failed.join(', ')}\n`);
process.exit(failed.length === 0 ? 0 : 1);
