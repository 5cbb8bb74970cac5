/**
 * The GitHub Actions examples: valid YAML, Node 22/24 LTS, and every hero-drift command line
 * in them accepted by the CLI's own argument parser (so a renamed flag cannot leave a
 * copied workflow failing at 3 a.m.). The partner's workflow must run consumer mode.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../scripts/lib/paths.js';
import { parseCliArgs } from '../../src/drift/cli.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}

function load(name: string): Workflow {
  return parse(readFileSync(join(repoRoot, 'examples', 'github-actions', name), 'utf8')) as Workflow;
}

const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

// The words after `hero-drift` (or after `npm run drift --`), shell quotes removed.
function driftArguments(run: string): string[] | undefined {
  const words = run.replace(/\s+/g, ' ').trim().split(' ').map((word) => word.replace(/^"(.*)"$/, '$1'));
  const bin = words.indexOf('hero-drift');
  if (bin !== -1) return words.slice(bin + 1);
  const script = words.findIndex((word, index) => word === 'drift' && words[index - 1] === 'run');
  return script === -1 ? undefined : words.slice(script + 2);
}

describe.each(['partner-drift.yml', 'hero-api-checks.yml'])('%s', (name) => {
  const workflow = load(name);

  it('runs nightly and on demand, on Node 22 or 24 LTS', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const versions = steps(workflow).filter((step) => step.uses?.startsWith('actions/setup-node')).map((step) => step.with?.['node-version']);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect([22, 24]).toContain(version);
  });

  it('passes hero-drift only flags it knows, and writes the job summary and JUnit', () => {
    const commands = steps(workflow).flatMap((step) => (step.run === undefined ? [] : [driftArguments(step.run)])).filter((args) => args !== undefined);
    expect(commands).toHaveLength(1);
    const parsed = parseCliArgs(commands[0]!);
    expect(parsed).not.toHaveProperty('error');
    expect(parsed).toMatchObject({ markdown: '$GITHUB_STEP_SUMMARY', failOn: 'breaking' });
    expect(parsed).toHaveProperty('junit', expect.stringMatching(/\.junit\.xml$/));
    const publish = steps(workflow).find((step) => step.uses?.startsWith('mikepenz/action-junit-report'));
    expect(publish?.with?.report_paths).toBe((parsed as { junit: string }).junit);
  });
});

describe('partner-drift.yml', () => {
  it("type-checks the partner's project (consumer mode), installing the package and drift peers first", () => {
    const workflow = load('partner-drift.yml');
    const runs = steps(workflow).flatMap((step) => (step.run === undefined ? [] : [step.run]));
    const args = runs.map(driftArguments).find((found) => found !== undefined) ?? [];
    expect(parseCliArgs(args)).toMatchObject({ mode: 'consumer', project: 'tsconfig.json' });
    const installAt = runs.findIndex((run) => /^npm (ci|install)/.test(run));
    const peersAt = runs.findIndex((run) => run.includes('openapi-diff') && run.includes('openapi-typescript') && run.includes('typescript'));
    const driftAt = runs.findIndex((run) => run.includes('hero-drift'));
    expect(installAt).toBeGreaterThanOrEqual(0);
    expect(peersAt).toBeGreaterThan(installAt);
    expect(driftAt).toBeGreaterThan(peersAt);
  });
});
