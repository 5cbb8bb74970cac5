import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileSpecs } from './fixtures/hostile-specs.js';
import { DEFAULT_SPEC_LIMITS, estimateNesting, parseOpenApiText, parseSpecValue } from './parse.js';
import { HeroSpecError } from './spec-error.js';

const targets = { recorderUrl: 'http://127.0.0.1:9', hangUrl: 'http://127.0.0.1:9', secretFile: '/nonexistent/secret.yaml', secretRelative: './secret.yaml' };

const outcomeOf = (text: string) => {
  try {
    parseOpenApiText(text, 'spec.yaml');
    return 'compared';
  } catch (error) {
    if (!(error instanceof HeroSpecError)) throw error;
    return error.reason;
  }
};

describe('parseOpenApiText on hostile documents', () => {
  it.each(hostileSpecs(targets).filter((s) => s.expect !== 'compared' && s.attack !== 'odd shape'))('$name ends as $expect, with a HeroSpecError', ({ text, expect: reason }) => {
    expect(outcomeOf(text)).toBe(reason);
  });

  it('names a recursive alias instead of overflowing the stack', () => {
    expect(() => parseOpenApiText('openapi: 3.0.3\npaths:\n  /a: &a\n    x: *a\n', 'loop.yaml')).toThrow(/loop\.yaml contains a recursive YAML alias .* at #\/paths\/~1a\/x/);
  });

  it('reads YAML 1.1 tags as plain strings and objects, never as Uint8Array, Set or Date', () => {
    const { value } = parseSpecValue('%YAML 1.1\n---\na: !!binary aGVsbG8=\nb: !!set {x}\nc: 2001-12-14\n', 's');
    expect(value).toEqual({ a: 'aGVsbG8=', b: { x: null }, c: '2001-12-14' });
  });

  it('keeps __proto__ an ordinary key', () => {
    const { value } = parseSpecValue('__proto__: {polluted: true}\n', 's');
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reads the vendored spec within every limit', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../openapi/hero-public-api.yaml', import.meta.url), 'utf8');
    expect(estimateNesting(text, 1_000)).toBeLessThan(DEFAULT_SPEC_LIMITS.maxDepth / 4);
    expect(parseOpenApiText(text, 'hero').openapi).toMatch(/^3\./);
  });

  it('never lets the YAML parser overflow the stack, whatever the nesting of the text', () => {
    const token = fc.constantFrom('[', ']', '{', '}', '- ', '? ', ': ', 'a', '\n', '  ', '*a', '&a ', '"', "'", '#', ', ', '!!binary ', 'x: ', '\t');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 4_000 }), (tokens) => {
        try {
          parseSpecValue(tokens.join(''), 'fuzz.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(HeroSpecError);
          expect((error as Error).message).not.toMatch(/call stack/);
        }
      }),
      { numRuns: 300, seed: 23 },
    );
  });

  it.each([
    ['flow sequences', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['flow mappings', (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
    ['compact sequences', (n: number) => `${'- '.repeat(n)}x`],
    ['explicit keys', (n: number) => `${'? '.repeat(n)}x`],
    ['block mappings', (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
    ['block sequences', (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}-`).join('\n')],
    ['mixed', (n: number) => `${'- {a: ['.repeat(n)}`],
  ])('refuses deep %s at every depth without a stack overflow', (_name, build) => {
    for (const depth of [100, 200, 300, 500, 1_000, 3_000]) {
      try {
        parseSpecValue(build(depth), 'deep.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(HeroSpecError);
        expect((error as Error).message).not.toMatch(/call stack/);
      }
    }
  });
});
