/**
 * vitest globalSetup for the contract suite: opens the target once per run (starts the
 * embedded Prism, or probes a remote target) and hands it to every test file via `provide`.
 *
 * Target from HERO_CONTRACT_TARGET (prism | hero-mock | staging | base URL), with
 * HERO_CONTRACT_URL overriding hero-mock/staging/production URLs and HERO_CONTRACT_ALLOW_WRITES
 * (`1` for a loopback target, else the host name, as `--allow-writes=<host>`).
 * `--via-proxy` is a CLI-only mode (`npm start -- --via-proxy`): its recordings of live
 * answers live in the CLI process.
 */
import type { TestProject } from 'vitest/node';
import { loadSpec } from '../../src/contract/spec.js';
import { openTarget, parseTargetChoice, type ContractTarget } from '../../src/contract/targets.js';
import { contractSpecPath } from './spec-path.js';

/** What test files receive from {@link setup} through `inject('heroContract')`. */
export type ProvidedTarget =
  | { readonly ok: true; readonly target: Omit<ContractTarget, 'tap'> }
  | { readonly ok: false; readonly label: string; readonly reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    heroContract: ProvidedTarget;
  }
}

/** Opens the target and returns the teardown that stops it (also runs after failures). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const spec = await loadSpec(contractSpecPath);
  const choice = parseTargetChoice({
    target: process.env.HERO_CONTRACT_TARGET,
    url: process.env.HERO_CONTRACT_URL,
    allowWrites: process.env.HERO_CONTRACT_ALLOW_WRITES === '1' || process.env.HERO_CONTRACT_ALLOW_WRITES || false,
  });
  const opened = await openTarget(choice, spec);
  if (!opened.ok) {
    console.warn(`\n${'!'.repeat(78)}\n!! CONTRACT SUITE SKIPPED — NOTHING WAS TESTED against ${opened.label}\n!! ${opened.reason}\n${'!'.repeat(78)}\n`);
    project.provide('heroContract', { ok: false, label: opened.label, reason: opened.reason });
    return async () => {};
  }
  const { tap: _tap, ...target } = opened.target;
  project.provide('heroContract', { ok: true, target });
  return () => opened.close();
}
