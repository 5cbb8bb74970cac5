/**
 * The path builder: every value becomes exactly one segment or a HeroInputError naming
 * the parameter, never the value. Hand-picked hostile ids, then fast-check properties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeroInputError } from '../errors.js';
import { buildPath, createPathSerializer, MAX_PATH_PARAM_LENGTH } from './path-builder.js';

const UNKNOWN = '/v1/things/{name}'; // not in the spec: generic rules, no pattern
const SPEC = '/v1/patients/{id}'; // the spec's `^\d+$`

function refusal(template: string, params: unknown): HeroInputError {
  try {
    buildPath(template, params);
  } catch (error) {
    expect(error).toBeInstanceOf(HeroInputError);
    return error as HeroInputError;
  }
  throw new Error('expected a HeroInputError');
}

describe('buildPath', () => {
  it.each([
    ['..', "must not be '.' or '..'"],
    ['.', "must not be '.' or '..'"],
    ['%2e%2e', "must not be '.' or '..'"],
    ['%2E.', "must not be '.' or '..'"],
    ['%252e%252E', "must not be '.' or '..'"],
    ['', 'must not be empty'],
    ['a\nb', 'control characters'],
    ['a\u0000', 'control characters'],
    ['a\u0085', 'control characters'],
    ['\ud800x', 'well-formed Unicode'],
    ['x'.repeat(MAX_PATH_PARAM_LENGTH + 1), `at most ${MAX_PATH_PARAM_LENGTH} characters`],
  ])('refuses %j for any template', (value, message) => {
    const error = refusal(UNKNOWN, { name: value });
    expect(error.issues).toEqual([{ field: 'name', message: expect.stringContaining(message) }]);
  });

  it.each([
    ['an object', { '../../v1/me/capabilities?x': '' }],
    ['an array', ['1']],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['a symbol', Symbol('x')],
    ['a function', () => '1'],
  ])('refuses %s, naming the parameter and the type only', (type, value) => {
    const error = refusal(SPEC, { id: value });
    expect(error.issues[0]?.field).toBe('id');
    expect(error.message).toContain(type);
    expect(error.message).not.toContain('capabilities');
  });

  it('refuses non-integer and unsafe numbers without printing them', () => {
    for (const value of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, 9434765919.5]) {
      const error = refusal(SPEC, { id: value });
      expect(error.message).not.toContain(String(value));
    }
  });

  it('checks the spec pattern of known templates (ASCII digits only)', () => {
    for (const value of ['12a', '١٢٣', '12 ', ' 12', '-1', '1e3', 'a/b']) refusal(SPEC, { id: value });
    expect(buildPath(SPEC, { id: '12345' })).toBe('/v1/patients/12345');
    expect(buildPath(SPEC, { id: 12345 })).toBe('/v1/patients/12345');
    expect(buildPath(SPEC, { id: 12345n })).toBe('/v1/patients/12345');
  });

  it('never prints a refused value, however long', () => {
    const value = `9434765919${'x'.repeat(100_000)}`;
    const error = refusal(SPEC, { id: value });
    expect(error.message).not.toContain('9434765919');
    expect(error.message.length).toBeLessThan(300);
  });

  it('encodes separators, and leaves replacement patterns and nested placeholders literal', () => {
    expect(buildPath(UNKNOWN, { name: 'a/b' })).toBe('/v1/things/a%2Fb');
    expect(buildPath(UNKNOWN, { name: 'a?b#c' })).toBe('/v1/things/a%3Fb%23c');
    expect(buildPath(UNKNOWN, { name: '$`$&$1' })).toBe('/v1/things/%24%60%24%26%241');
    expect(buildPath('/a/{x}/{y}', { x: '{y}', y: 'z' })).toBe('/a/%7By%7D/z');
    expect(buildPath(UNKNOWN, { name: 'é' })).toBe('/v1/things/%C3%A9');
  });

  it('lists every bad parameter at once, and ignores inherited keys', () => {
    const error = refusal('/a/{x}/{y}', Object.create({ x: '1', y: '2' }));
    expect(error.issues.map((issue) => issue.field)).toEqual(['x', 'y']);
  });

  it('fills only the template part of the URL openapi-fetch passes', () => {
    const serialize = createPathSerializer('http://127.0.0.1:1/base/');
    expect(serialize('http://127.0.0.1:1/base/v1/patients/{id}', { id: '7' })).toBe('http://127.0.0.1:1/base/v1/patients/7');
  });
});

describe('buildPath properties', () => {
  it('any accepted string is exactly one segment that decodes back to the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (value) => {
        let path: string;
        try {
          path = buildPath(UNKNOWN, { name: value });
        } catch (error) {
          expect(error).toBeInstanceOf(HeroInputError);
          return;
        }
        const segment = path.slice('/v1/things/'.length);
        expect(segment).not.toMatch(/[/?#]/);
        expect(decodeURIComponent(segment)).toBe(value);
        // The URL parser keeps it as one segment under the same prefix (no dot-segment removal).
        const url = new URL(`http://h${path}`);
        expect(url.pathname).toBe(path);
        expect(url.search).toBe('');
      }),
      { numRuns: 500 },
    );
  });

  it('refusals are HeroInputErrors that never contain the value', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          buildPath(SPEC, { id: value });
        } catch (error) {
          expect(error).toBeInstanceOf(HeroInputError);
          if (typeof value === 'string' && value.length >= 3 && !/^[\w ]+$/.test(value)) {
            expect((error as Error).message).not.toContain(value);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('dot segments in any mix of case and %-encoding are refused', () => {
    const dot = fc.constantFrom('.', '%2e', '%2E', '%252e');
    fc.assert(
      fc.property(fc.array(dot, { minLength: 1, maxLength: 2 }), (parts) => {
        expect(() => buildPath(UNKNOWN, { name: parts.join('') })).toThrow(HeroInputError);
      }),
    );
  });
});
