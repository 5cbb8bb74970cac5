/** Unit behaviour of the engine's pure parts, on the fixture spec. */
import { describe, expect, it } from 'vitest';
import { acceptedRejections, generateCases, notApplicableReason } from '../src/contract/cases.js';
import { invalidBodyCandidates } from '../src/contract/invalid-body.js';
import { buildRequest, UNKNOWN_NUMERIC_ID, unknownPathId } from '../src/contract/request.js';
import { bundledSpecPath } from '../src/openapi/package-root.js';
import { formatJUnit } from '../src/contract/report.js';
import { loadSpec } from '../src/contract/spec.js';
import { parseTargetChoice, type ContractTarget } from '../src/contract/targets.js';
import { createSpecValidator, isRfc3339DateTime } from '../src/contract/validate.js';
import { appointmentsSpecPath } from './fixtures/appointments-server.js';

const spec = await loadSpec(appointmentsSpecPath);
const validator = createSpecValidator(spec);
const op = (id: string) => spec.operations.find((o) => o.operationId === id)!;
const target = (overrides: Partial<ContractTarget>): ContractTarget => ({
  kind: 'prism', label: 't', baseUrl: 'http://127.0.0.1:1', directUrl: 'http://127.0.0.1:1', choosesStatus: true,
  prismValidates: true, allowWrites: true, probesUnknownIds: false, apiKey: 'k', practiceGroupId: '1', tap: undefined, ...overrides,
});

describe('generated cases', () => {
  const cases = generateCases(spec);

  it('has one response case per documented status, an unknown-id probe per documented 404, and one invalid body per required and per typed field', () => {
    expect(cases.map((c) => c.id)).toEqual([
      'getAppointment 200', 'getAppointment 401', 'getAppointment 404',
      'getAppointment without x-api-key', 'getAppointment without x-practice-group-id', 'getAppointment unknown id',
      'createAppointment 200', 'createAppointment 400', 'createAppointment 401',
      'createAppointment without x-api-key', 'createAppointment without x-practice-group-id',
      'createAppointment invalid body (required "slot_id" removed)', 'createAppointment invalid body ("slot_id" sent as a number)',
      'createAppointment invalid body (required "patient_id" removed)', 'createAppointment invalid body ("patient_id" sent as a number)',
    ]);
  });

  it('sends every named request example on the success path: both register_pds forms and the spaced NHS number', async () => {
    const hero = await loadSpec(bundledSpecPath());
    const pds = generateCases(hero).filter((c) => c.operation.operationId === 'registerPatientPds' && c.kind === 'response' && c.successPath);
    expect(pds.map((c) => c.requestExample).sort()).toEqual(['byDemographics', 'byNhsNumber', 'byNhsNumberWithSpaces']);
    const remote = target({ kind: 'url', choosesStatus: false });
    expect(pds.every((c) => notApplicableReason(c, remote) === undefined)).toBe(true);
    const bodies = pds.map((c) => buildRequest(hero, c.operation, c.requestExample).body?.value);
    expect(bodies).toContainEqual(expect.objectContaining({ nhs_number: '900 000 0009' }));
    expect(bodies).toContainEqual(expect.objectContaining({ forename: 'Jane', postcode: 'LS1 4AP' }));
  });

  it('runs every invalid-body variant on servers but one per operation on the embedded mock, whose validator is the schema itself', () => {
    const variants = cases.filter((c) => c.kind === 'invalid-body');
    const server = target({ kind: 'url', choosesStatus: false, probesUnknownIds: true });
    expect(variants.filter((c) => !notApplicableReason(c, server))).toHaveLength(4);
    expect(variants.filter((c) => !notApplicableReason(c, target({})))).toHaveLength(1);
  });

  it('probes an unknown id only on targets that know which ids exist', () => {
    const probe = cases.find((c) => c.id === 'getAppointment unknown id')!;
    expect(acceptedRejections(probe)).toEqual([404]);
    expect(notApplicableReason(probe, target({}))).toMatch(/Prefer: code=404/);
    expect(notApplicableReason(probe, target({ kind: 'hero-mock', choosesStatus: false }))).toMatch(/only a real server/);
    expect(notApplicableReason(probe, target({ kind: 'staging', choosesStatus: false, probesUnknownIds: true }))).toBeUndefined();
    expect(unknownPathId(spec, op('getAppointment'))).toEqual({ name: 'id', value: String(UNKNOWN_NUMERIC_ID) });
  });

  it('runs only the success path and negative cases on targets that cannot choose a status', () => {
    const remote = target({ kind: 'url', choosesStatus: false });
    const runnable = cases.filter((c) => !notApplicableReason(c, remote)).map((c) => c.id);
    expect(runnable).toContain('getAppointment 200');
    expect(runnable).not.toContain('getAppointment 404');
    expect(runnable).toContain('createAppointment invalid body ("slot_id" sent as a number)');
  });

  it('sends only GET and HEAD unless writes are allowed', () => {
    const create = cases.find((c) => c.id === 'createAppointment 200')!;
    expect(notApplicableReason(create, target({ kind: 'staging', choosesStatus: false, allowWrites: false }))).toMatch(/--allow-writes/);
    expect(notApplicableReason(create, target({ kind: 'staging', choosesStatus: false, allowWrites: true }))).toBeUndefined();
  });

  it('expects 401 without an API key and a documented 4xx without a practice group', () => {
    expect(acceptedRejections(cases.find((c) => c.id === 'getAppointment without x-api-key')!)).toEqual([401]);
    expect(acceptedRejections(cases.find((c) => c.id === 'getAppointment without x-practice-group-id')!)).toEqual([401]);
  });
});

describe('requests built from the spec', () => {
  it('uses the request example and derives a digit id for a path parameter without one', () => {
    expect(buildRequest(spec, op('createAppointment')).body?.value).toEqual({ slot_id: '42', patient_id: '156' });
    const get = buildRequest(spec, op('getAppointment'));
    expect(get.path).toEqual({ id: '12345' });
    expect(get.derived).toEqual(['path parameter "id"']);
  });

  it('derives invalid bodies the schema rejects: each required property removed, each typed property given another type', () => {
    const pointer = op('createAppointment').requestBody!.content[0]!.schemaPointer!;
    const invalid = invalidBodyCandidates(spec, op('createAppointment'));
    expect(invalid.map((b) => b.value)).toEqual([{ patient_id: '156' }, { slot_id: 12345, patient_id: '156' }, { slot_id: '42' }, { slot_id: '42', patient_id: 12345 }]);
    for (const body of invalid) expect(validator.validate(pointer, body.value)).not.toEqual([]);
  });
});

describe('RFC 3339 date-time', () => {
  it.each(['2024-03-15T14:00:00Z', '2024-03-15t14:00:00z', '2024-03-15T14:00:00.123+01:00', '2016-12-31T23:59:60Z', '2024-02-29T00:00:00-05:30'])('accepts %s', (value) => {
    expect(isRfc3339DateTime(value)).toBe(true);
  });

  it.each(['2024-03-15 14:00:00Z', '2024-03-15T14:00:00', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-03-15T24:00:00Z', '2024-03-15T14:00Z', '2024-03-15T14:00:00+0100'])('rejects %s', (value) => {
    expect(isRfc3339DateTime(value)).toBe(false);
  });

  it('fails a response whose date-time has a space instead of T, which ajv-formats alone accepts', () => {
    const schema = op('getAppointment').responses[0]!.content[0]!.schemaPointer!;
    const ok = { id: '12345', start_time: '2024-03-15T14:00:00Z', status: 'booked' };
    expect(validator.validate(schema, ok)).toEqual([]);
    expect(validator.validate(schema, { ...ok, start_time: '2024-03-15 14:00:00Z' })).toContainEqual(expect.objectContaining({ field: '/start_time', message: 'must match format "date-time"' }));
  });
});

describe('target choice', () => {
  it('accepts the named targets and any http(s) base URL, and rejects anything else', () => {
    expect(parseTargetChoice({}).kind).toBe('prism');
    expect(parseTargetChoice({ target: 'hero-mock' }).kind).toBe('hero-mock');
    expect(parseTargetChoice({ target: 'http://127.0.0.1:4010/' })).toMatchObject({ kind: 'url', url: 'http://127.0.0.1:4010' });
    expect(() => parseTargetChoice({ target: 'stagin' })).toThrow(/Unknown contract target/);
    expect(() => parseTargetChoice({ target: 'ftp://x' })).toThrow(/http\(s\)/);
  });
});

describe('JUnit report', () => {
  it('escapes XML in names and messages and marks not-applicable cases as skipped', () => {
    const xml = formatJUnit({
      specPath: 's', target: { kind: 'url', label: 'u' }, startedAt: '2024-01-01T00:00:00.000Z', durationMs: 1, operationCount: 1,
      results: [
        { id: 'op <200>', kind: 'response', operationId: 'op', method: 'GET', path: '/', status: '200', outcome: 'failed', problems: ['body /a: must be "string" & <b>'], warnings: [], durationMs: 1 },
        { id: 'op 404', kind: 'response', operationId: 'op', method: 'GET', path: '/', status: '404', outcome: 'not-applicable', reason: 'no Prefer', problems: [], warnings: [], durationMs: 0 },
      ],
    });
    expect(xml).toContain('name="op &lt;200&gt;"');
    expect(xml).toContain('must be &quot;string&quot; &amp; &lt;b&gt;');
    expect(xml).toContain('<skipped message="not applicable: no Prefer"/>');
  });
});
