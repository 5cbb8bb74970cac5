import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../openapi/document.js';
import { patientFieldKind } from '../validation/patient-field-names.js';
import { listFieldSearchOperations, listPatientFieldRows } from './patient-field-rows.js';

const heroSpec = parse(readFileSync(join(import.meta.dirname, '..', '..', 'openapi', 'hero-public-api.yaml'), 'utf8')) as OpenApiDocument;

const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: '3.1.0',
  paths,
  components: { schemas, parameters: { Nhs: { name: 'nhs_number', in: 'query', schema: { type: 'string' } } } },
});

describe('listPatientFieldRows', () => {
  it('finds query parameters, nested body fields, array items, refs and nullability', () => {
    const document = doc(
      {
        '/a': {
          get: { operationId: 'search', parameters: [{ $ref: '#/components/parameters/Nhs' }, { name: 'dob', in: 'query', schema: { type: 'string', format: 'date' } }] },
          post: {
            operationId: 'create',
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Body' } } } },
          },
        },
      },
      {
        Body: {
          oneOf: [
            { type: 'object', properties: { people: { type: 'array', items: { $ref: '#/components/schemas/Person' } } } },
            { type: 'object', properties: { home: { type: 'object', properties: { postcode: { type: 'string' } } } } },
          ],
        },
        Person: { type: 'object', properties: { nhsNumber: { type: 'string' }, date_of_birth: { type: ['string', 'null'], format: 'date-time' }, dob_verified: { type: 'boolean' } } },
      },
    );
    expect(listPatientFieldRows(document)).toEqual([
      { operationId: 'search', in: 'query', path: ['nhs_number'], kind: 'nhs_number', nullable: false },
      { operationId: 'search', in: 'query', path: ['dob'], kind: 'date_of_birth', format: 'date', nullable: false },
      { operationId: 'create', in: 'body', path: ['people', '[]', 'nhsNumber'], kind: 'nhs_number', nullable: false },
      { operationId: 'create', in: 'body', path: ['people', '[]', 'date_of_birth'], kind: 'date_of_birth', format: 'date-time', nullable: true },
      { operationId: 'create', in: 'body', path: ['home', 'postcode'], kind: 'postcode', nullable: false },
    ]);
  });

  it('survives a recursive schema', () => {
    const document = doc(
      { '/t': { post: { operationId: 'tree', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } } },
      { Node: { type: 'object', properties: { postcode: { type: 'string' }, child: { $ref: '#/components/schemas/Node' } } } },
    );
    expect(listPatientFieldRows(document).map((r) => r.path.join('.'))).toEqual(['postcode']);
  });

  it('finds every place Hero’s spec sends an NHS number, date of birth or postcode', () => {
    const where = listPatientFieldRows(heroSpec).map((r) => `${r.operationId} ${r.in} ${r.path.join('.')}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'registerPatientPds body nhs_number',
        'registerPatientPds body dob',
        'registerPatientPds body postcode',
        'registerPatient body nhs_number',
        'registerPatient body dob',
        'registerPatient body postcode',
        'listPatientsV3 query nhs_number',
        'listPatientsV3 query dob',
        'createBatchMessage body recipients.[].nhs_number',
        'createBatchMessage body recipients.[].dob',
      ]),
    );
    expect(listFieldSearchOperations(heroSpec)).toEqual(['listPatients', 'listPatientsV2']);
  });

  it('matches field names exactly', () => {
    expect(patientFieldKind('dob')).toBe('date_of_birth');
    expect(patientFieldKind('dob_verified')).toBeUndefined();
    expect(patientFieldKind('toString')).toBeUndefined();
  });
});
