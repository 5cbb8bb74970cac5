/**
 * The embedded mock (Prism on the bundled spec) tells the truth: a bad request fails naming
 * Prism's violations, a test picks an answer without writing a fetch, `clientOptions` never
 * sleeps through the spec's `Retry-After: 30`, and every paged operation of the spec (found
 * in the spec itself, so operations added later are covered) can be walked to its end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, type LoadedSpec, type OperationSpec } from './contract/spec.js';
import { createHeroClient } from './client.js';
import { HeroInputError, HeroNotFoundError, HeroRateLimitError, HeroValidationError } from './errors.js';
import type { PagedPath } from './paginate.js';
import { bundledSpecPath, startHeroMock, type HeroMock } from './testing.js';

let mock: HeroMock;
let spec: LoadedSpec;
beforeAll(async () => {
  [mock, spec] = await Promise.all([startHeroMock(), loadSpec(bundledSpecPath)]);
});
afterAll(() => mock?.stop());
afterEach(() => mock.prefer());

describe('errors from the mock name the real problems', () => {
  it('messages.send with a bad patient_id and an empty message names both fields', async () => {
    const hero = createHeroClient(mock.clientOptions);
    const error = await hero.messages.send({ patient_id: 'abc', message_type: 'sms', message_string: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroValidationError);
    const { message, issues } = error as HeroValidationError;
    expect(message).toContain('patient_id');
    expect(message).toContain('message_string');
    // Not the spec's canned 400 example, which points at `dob`.
    expect(message).not.toMatch(/\bdob\b/);
    expect(issues.map((i) => i.path.join('.'))).toEqual(['patient_id', 'message_string']);
    expect(issues.every((i) => typeof i.message === 'string' && i.code !== undefined)).toBe(true);
  });

  it('prefixes violations outside the body with where they are', async () => {
    const hero = createHeroClient(mock.clientOptions);
    const error = await hero.messages.batches.list({ page_index: -1 as number }).catch((e: unknown) => e);
    // Checked locally first: a negative page never reaches the mock.
    expect(error).toBeInstanceOf(HeroInputError);
    const raw = await hero.raw.GET('/v1/batch_message', { params: { query: { page_index: 'x' as unknown as number } } }).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(HeroValidationError);
    expect((raw as HeroValidationError).issues.map((i) => i.path.join('.'))).toEqual(['query.page_index']);
  });
});

describe('choosing the answer', () => {
  it('mock.prefer picks a named example for following calls, and prefer() resets it', async () => {
    const hero = createHeroClient(mock.clientOptions);
    mock.prefer({ example: 'verificationRequired' });
    expect((await hero.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' })).outcome).toBe('verification_required');
    mock.prefer();
    expect((await hero.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' })).outcome).toBe('registered');
  });

  it('a per-call prefer header picks a status and wins over mock.prefer', async () => {
    const hero = createHeroClient(mock.clientOptions);
    mock.prefer({ example: 'verificationRequired' });
    await expect(hero.patients.registerPds({ nhs_number: '9434765919', dob: '1992-01-01' }, { headers: { prefer: 'code=404' } })).rejects.toBeInstanceOf(
      HeroNotFoundError,
    );
  });

  it('clientOptions does not sleep through Retry-After: 30 (the error comes at once, with retryAfterMs)', async () => {
    const retries: number[] = [];
    const hero = createHeroClient({ ...mock.clientOptions, hooks: { onRetry: (e) => void retries.push(e.delayMs) } });
    mock.prefer({ code: 429 });
    const error = await hero.booking.listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeroRateLimitError);
    expect((error as HeroRateLimitError).retryAfterMs).toBe(30_000);
    expect(retries).toEqual([]);
  });

  it('refuses a malformed preference', () => {
    expect(() => mock.prefer({ code: 42 })).toThrow(HeroInputError);
    expect(() => mock.prefer({ example: 'a, code=500' })).toThrow(HeroInputError);
    // Values the types forbid (issue 23): typed, never a TypeError.
    expect(() => mock.prefer(null as never)).toThrow(HeroInputError);
    expect(() => mock.prefer({ dynamic: 'yes' as never })).toThrow(HeroInputError);
    expect(() => mock.prefer({ code: '404' as never })).toThrow(HeroInputError);
  });
});

/** GET operations with a `page_index` query parameter, straight from the spec. */
const pagedOperations = (): OperationSpec[] =>
  spec.operations.filter((op) => op.method === 'get' && op.parameters.some((p) => p.in === 'query' && p.name === 'page_index'));

/** Items the mock's default answer holds: its first 200 example's `data`, or none for `{}`. */
function expectedItems(op: OperationSpec): number {
  const example = op.responses.find((r) => r.status === '200')?.content.find((c) => c.mediaType === 'application/json')?.examples[0]?.value;
  if (Array.isArray(example)) return example.length;
  const data = (example as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data.length : 0;
}

/** Path and required query parameters from the spec's examples (a paged call must not need more). */
function paramsOf(op: OperationSpec): { path: Record<string, unknown>; query: Record<string, unknown> } {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const p of op.parameters) {
    if (p.in === 'path') path[p.name] = p.examples[0]?.value ?? '1';
    else if (p.in === 'query' && p.required) {
      if (p.examples.length === 0) throw new Error(`${op.operationId}: required query parameter ${p.name} has no example to page with`);
      query[p.name] = p.examples[0]!.value;
    }
  }
  return { path, query };
}

describe('every paged operation iterates to the end against the mock', () => {
  it('finds the paged operations in the spec', () => {
    const ids = pagedOperations().map((op) => op.operationId);
    // The seven known when this test was written; operations added to the spec join the loop below.
    expect(ids).toEqual(
      expect.arrayContaining(['listPatientsV3', 'listAdmins', 'listEpisodes', 'listAutomatedMessages', 'listBatchMessages', 'listBatchMessageRecipients', 'listBatchMessageSends']),
    );
  });

  it('walks each one with hero.paginate and yields every item of the mock answer', async () => {
    const hero = createHeroClient(mock.clientOptions);
    const walked: string[] = [];
    for (const op of pagedOperations()) {
      const { path, query } = paramsOf(op);
      const items = await hero
        .paginate(op.path as PagedPath, { params: { path, query } } as never)
        .toArray({ limit: 1_000 })
        .catch((error: unknown) => {
          throw new Error(`${op.operationId} (${op.path}) did not page: ${String(error)}`, { cause: error });
        });
      expect(items, op.operationId).toHaveLength(expectedItems(op));
      walked.push(op.operationId);
    }
    expect(walked).toEqual(pagedOperations().map((op) => op.operationId));
  });
});
