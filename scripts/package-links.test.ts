/**
 * The README and package.json as they reach a user through npm: the tarball holds only
 * `files`, so every relative link in the README must name a file that exists and that `files`
 * ships (docs/*.md, examples/, openapi/README.md…); it then resolves in node_modules, in the
 * repository and on npm's page alike. Absolute links into the repository must name files that exist.
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

/**
 * Whether npm's `files` (paths, folders, `*` globs, `!` exclusions, later entries winning) puts
 * `path` in the tarball.
 */
function isShipped(path: string, files: readonly string[]): boolean {
  let shipped = false;
  for (const entry of files) {
    const negated = entry.startsWith('!');
    const pattern = negated ? entry.slice(1) : entry;
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}(/.*)?$`);
    if (regex.test(path)) shipped = !negated;
  }
  return shipped;
}

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

  it('links from the README to files the tarball ships, relatively, so they resolve in node_modules', () => {
    const relativeTargets = linkTargets(readme)
      .filter((target) => !/^(https?:|#|mailto:)/.test(target))
      .map((target) => target.split('#')[0]!);
    expect(relativeTargets.length).toBeGreaterThan(10);
    expect(relativeTargets.filter((target) => !existsSync(join(repoRoot, target))), 'relative links to files that do not exist').toEqual([]);
    expect(relativeTargets.filter((target) => !isShipped(target, pkg.files)), 'relative links that the npm tarball does not contain').toEqual([]);
    expect(isShipped('examples/examples.test.ts', pkg.files), 'tests stay out of the tarball').toBe(false);
    expect(isShipped('docs/api/index.html', pkg.files), 'the generated API reference stays out of the tarball').toBe(false);
  });

  it('points every link into the repository at a file or folder that exists', () => {
    const intoRepo = linkTargets(readme).filter((target) => target.startsWith(`${repoUrl}/`));
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
