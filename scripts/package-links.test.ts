/**
 * The README and package.json as they reach a user through npm: the tarball holds only
 * `files`, so a relative link to docs/ or examples/ is dead there. Links into the repository
 * must be absolute (to the repository package.json names) and point at files that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './lib/paths.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  files: string[];
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  engines: { node: string };
};
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const scope = /^@([^/]+)\/(.+)$/.exec(pkg.name);
const repoUrl = `https://github.com/${scope?.[1]}/${scope?.[2]}`;

/** Targets of Markdown links `[text](target)` outside code blocks. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

describe('package links', () => {
  it('names one repository, matching the package scope, in repository, homepage and bugs', () => {
    expect(scope).not.toBeNull();
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${repoUrl}.git` });
    expect(pkg.homepage).toBe(`${repoUrl}#readme`);
    expect(pkg.bugs.url).toBe(`${repoUrl}/issues`);
  });

  it('links from the README only to shipped files or absolutely', () => {
    const targets = linkTargets(readme);
    expect(targets.length).toBeGreaterThan(5);
    const shipped = (path: string) => pkg.files.some((entry) => path === entry || path.startsWith(`${entry}/`));
    const dead = targets.filter((target) => !/^(https?:|#|mailto:)/.test(target) && !shipped(target.split('#')[0]!));
    expect(dead, 'relative links that the npm tarball does not contain').toEqual([]);
  });

  it('points every link into the repository at a file or folder that exists', () => {
    const intoRepo = linkTargets(readme).filter((target) => target.startsWith(`${repoUrl}/`));
    expect(intoRepo.length).toBeGreaterThan(5);
    const missing = intoRepo.filter((target) => {
      const match = /^[^#]*?\/(?:blob|tree)\/main\/([^#]+)/.exec(target);
      return !match || !existsSync(join(repoRoot, match[1]!));
    });
    expect(missing).toEqual([]);
  });

  it('keeps engines at Node 20 while documenting 22 and 24 LTS', () => {
    expect(pkg.engines.node).toBe('>=20');
    expect(readme).toMatch(/Node 22 or 24/);
    const workflow = readFileSync(join(repoRoot, 'examples/github-actions/hero-api-checks.yml'), 'utf8');
    const versions = [...workflow.matchAll(/node-version:\s*(\S+)/g)].map((match) => match[1]);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(['22', '24']).toContain(version);
  });
});
