import { describe, expect, it } from 'vitest';
import { createScrubber, describeShape, isFieldName, maskBody, maskIdentifiers, safeFieldPath, safeMediaType } from './mask.js';

const KEY = 'hk_live_PARTNER_SECRET_9f8e7d6c';
const patient = { nhs_number: '9000000009', given_name: 'Jane', family_name: 'Smithson', dob: '1990-01-31', postcode: 'LS1 4AP', phone: '07700 900123', email: 'jane.smithson@example.com', status: 'active', count: 3 };

describe('createScrubber', () => {
  const scrub = createScrubber([KEY]);

  it('removes the key as sent, percent-encoded and base64-encoded', () => {
    for (const form of [KEY, encodeURIComponent(`${KEY}/`).slice(0, -3), Buffer.from(KEY).toString('base64')]) {
      expect(scrub(`x ${form} y`)).not.toContain(form);
    }
  });

  it('masks NHS numbers, dates of birth, postcodes, phone numbers and emails by shape', () => {
    const text = scrub(JSON.stringify(patient));
    for (const value of ['9000000009', '1990-01-31', 'LS1 4AP', '07700 900123', 'jane.smithson@example.com']) expect(text).not.toContain(value);
    expect(maskIdentifiers('900 000 0009, +44 7700 900123, 31/01/1990, SW1A 1AA')).toBe('[number], [phone], [date], [postcode]');
  });

  it('leaves the report text the suite writes alone', () => {
    const problem = 'status 201, expected 200 or 404 (body: a JSON object (3 properties)); body /data/0/id: must be string (expected type "string" in #/components/schemas/Patient)';
    expect(scrub(problem)).toBe(problem);
  });
});

describe('maskBody (--show-bodies)', () => {
  const scrub = createScrubber([KEY]);

  it('keeps the structure and tokens, masks every patient value and the key', () => {
    const shown = maskBody({ headers: { 'x-api-key': KEY, 'x-echo': KEY }, ...patient, data: [patient], note: 'Jane Smithson called' }, scrub);
    for (const value of [KEY, '9000000009', 'Jane', 'Smithson', '1990-01-31', 'LS1 4AP', '07700', 'example.com']) expect(shown).not.toContain(value);
    expect(shown).toContain('"status":"active"');
    expect(shown).toContain('"count":3');
  });

  it('does not show keys that are data: names, digit runs, the key itself', () => {
    const shown = maskBody({ [KEY]: 1, 'Jane Smithson': 2, Smithson: 3, '9000000009': 4, colour: 5 }, scrub);
    for (const value of [KEY, 'Jane', 'Smithson', '9000000009']) expect(shown).not.toContain(value);
    expect(shown).toContain('"colour":5');
  });

  it('describes a text body instead of showing it', () => {
    expect(maskBody(`key=${KEY} Jane Smithson`, scrub)).toBe('(text, 49 characters, not shown)');
  });
});

describe('shapes, paths and media types', () => {
  it('describes a body by shape only', () => {
    expect(describeShape(patient)).toBe('a JSON object (9 properties)');
    expect(describeShape([1])).toBe('a JSON array (1 item)');
    expect(describeShape('Jane')).toBe('text (4 characters)');
    expect(describeShape(undefined)).toBe('no body');
  });

  it('shows field names and indexes of a path, and * for keys that are data', () => {
    expect(safeFieldPath('/data/0/nhs_number')).toBe('/data/0/nhs_number');
    expect(safeFieldPath('/byNhs/9000000009/Jane Smithson/Smithson')).toBe('/byNhs/*/*/*');
    expect(isFieldName('startTime')).toBe(true);
  });

  it('shows a media type only when it is one', () => {
    expect(safeMediaType('application/problem+json')).toBe('application/problem+json');
    expect(safeMediaType('application/json; x=1')).toBe('(not a media type)');
    expect(safeMediaType('text/<script>')).toBe('(not a media type)');
  });
});
