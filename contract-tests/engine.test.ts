/** Unit behaviour of the engine's pure parts, on the fixture spec. */
import { describe, expect, it } from 'vitest';
import { acceptedRejections, generateCases, notApplicableReason } from '../src/contract/cases.js';
import { makeInvalidBody } from '../src/contract/invalid-body.js';
import { buildRequest } from '../src/contract/request.js';
import { formatJUnit } from '../src/contract/report.js';
import { loadSpec } from '../src/contract/spec.js';
import { parseTargetChoice, type ContractTarget } from '../src/contract/targets.js';
import { createSpecValidator } from '../src/contract/validate.js';
import { appointmentsSpecPath } from './fixtures/appointments-server.js';

const spec = await loadSpec(appointmentsSpecPath);
const validator = createSpecValidator(spec);
const op = (id: string) => spec.operations.find((o) => o.operationId === id)!;
const target = (overrides: Partial<ContractTarget>): ContractTarget => ({
  kind: 'prism', label: 't', baseUrl: 'http://127.0.0.1:1', directUrl: 'http://127.0.0.1:1', choosesStatus: true,
  prismValidates: true, allowWrites: true, apiKey: 'k', practiceGroupId: '1', tap: undefined, ...overrides,
});

describe('generated cases', () => {
  const cases = generateCases(spec);

  it('has one response case per documented status and three negative cases per operation with a body', () => {
    expect(cases.map((c) => c.id)).toEqual([
      'getAppointment 200', 'getAppointment 401', 'getAppointment 404',
      'getAppointment without x-api-key', 'getAppointment without x-practice-group-id',
      'createAppointment 200', 'createAppointment 400', 'createAppointment 401',
      'createAppointment without x-api-key', 'createAppointment without x-practice-group-id', 'createAppointment invalid body',
    ]);
  });

  it('runs only the success path and negative cases on targets that cannot choose a status', () => {
    const remote = target({ kind: 'url', choosesStatus: false });
    const runnable = cases.filter((c) => !notApplicableReason(c, remote)).map((c) => c.id);
    expect(runnable).toContain('getAppointment 200');
    expect(runnable).not.toContain('getAppointment 404');
    expect(runnable).toContain('createAppointment invalid body');
  });

  it('skips write operations on staging unless writes are allowed', () => {
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

  it('breaks a valid body in a way the schema rejects, by removing a required property first', () => {
    const pointer = op('createAppointment').requestBody!.content[0]!.schemaPointer!;
    const invalid = makeInvalidBody(spec.doc, validator, pointer, { slot_id: '42', patient_id: '156' })!;
    expect(invalid.how).toBe('required property "slot_id" removed');
    expect(validator.validate(pointer, invalid.value)).not.toEqual([]);
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
    expect(xml).toContain('name="op &#60;200&#62;"');
    expect(xml).toContain('must be &#34;string&#34; &#38; &#60;b&#62;');
    expect(xml).toContain('<skipped message="not applicable: no Prefer"/>');
  });
});
