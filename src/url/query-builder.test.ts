/** The query builder: one key is one parameter; the facade's rule for undeclared keys. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeroInputError } from '../errors.js';
import { assertDeclaredQuery, buildQuery } from './query-builder.js';

describe('buildQuery', () => {
  it('encodes keys whole, so & = [] in a key never add parameters', () => {
    const query = buildQuery({ 'nhs_number=1&page_size': '5', 'ids[]': ['1', '2'], 'a#b': 'c&d=e' });
    const parsed = [...new URLSearchParams(query)];
    expect(parsed).toEqual([
      ['nhs_number=1&page_size', '5'],
      ['ids[]', '1'],
      ['ids[]', '2'],
      ['a#b', 'c&d=e'],
    ]);
  });

  it('sends scalars as text, repeats array keys, skips undefined and null', () => {
    expect(buildQuery({ a: 1, b: true, c: undefined, d: null, e: [], f: ['x', 2] })).toBe('a=1&b=true&f=x&f=2');
  });

  it.each([
    ['an object', { a: { b: 'c' } }],
    ['a nested array', { a: [['b']] }],
    ['a non-finite number', { a: Number.NaN }],
    ['a lone surrogate', { a: '\ud800' }],
    ['a function', { a: () => 1 }],
  ])('refuses %s with HeroInputError', (_label, query) => {
    expect(() => buildQuery(query)).toThrow(HeroInputError);
  });

  it('names a key only when it looks like a parameter name', () => {
    try {
      buildQuery({ '9434765919': { x: 1 } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('9434765919');
    }
  });

  it('property: whatever the keys and values, parsing gives back exactly the pairs sent', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), (query) => {
        const parsed = [...new URLSearchParams(buildQuery(query))];
        expect(parsed).toEqual(Object.entries(query));
      }),
      { numRuns: 300 },
    );
  });
});

describe('assertDeclaredQuery (the facade rule)', () => {
  const declared = new Set(['nhs_number', 'page_size']);
  it('refuses keys the operation does not declare, naming the route', () => {
    expect(() => assertDeclaredQuery({ 'nhs_number=1&page_size': '5' }, declared, 'GET /v3/patients')).toThrow(
      /is not a query parameter of GET \/v3\/patients/,
    );
    expect(() => assertDeclaredQuery({ nhs_number: '1', page_size: '5', extra: undefined }, declared, 'GET /v3/patients')).not.toThrow();
  });
});
