/**
 * Throughput of the contract suite's ajv validator (src/contract/validate.ts) on
 * response bodies taken from the spec's own examples, plus one 50-item page built from
 * the listAppointmentTypes example. Measures `validate` (schema check) and `undeclared`
 * (drift walk), the two calls the suite makes per response.
 */
import { loadSpec } from '../src/contract/spec.js';
import { createSpecValidator } from '../src/contract/validate.js';
import { round } from './stats.js';

/** One body's figures. */
export interface ValidatorResult {
  readonly body: string;
  readonly bytes: number;
  /** First call for this body; includes compiling its schema unless an earlier body used the same one. */
  readonly firstCallMs: number;
  readonly validateOpsPerSecond: number;
  readonly undeclaredOpsPerSecond: number;
  /** Schema issues found (0 expected: these are the spec's own examples). */
  readonly issues: number;
}

interface Sample {
  readonly label: string;
  readonly operationId: string;
  readonly exampleName?: string;
  readonly transform?: (value: unknown) => unknown;
}

const samples: readonly Sample[] = [
  { label: 'Appointment (getAppointment)', operationId: 'getAppointment' },
  { label: 'register_pds registered', operationId: 'registerPatientPds', exampleName: 'registered' },
  { label: 'register_pds verification required', operationId: 'registerPatientPds', exampleName: 'verificationRequired' },
  { label: 'sendMessage response', operationId: 'sendMessage' },
  { label: 'listAppointmentTypes (2 items)', operationId: 'listAppointmentTypes' },
  {
    label: 'listAppointmentTypes (50 items)',
    operationId: 'listAppointmentTypes',
    transform: (value) => {
      const page = value as { data: Record<string, unknown>[] };
      const data = Array.from({ length: 50 }, (_, i) => ({ ...page.data[i % page.data.length]!, id: String(1000 + i) }));
      return { ...page, data, count: data.length };
    },
  },
];

/** Runs `fn` repeatedly for about `durationMs` and returns calls per second. */
function opsPerSecond(fn: () => void, durationMs: number): number {
  let calls = 0;
  const startedAt = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    elapsed = performance.now() - startedAt;
  }
  return calls / (elapsed / 1000);
}

/** Loads the spec, builds one validator (as the suite does) and measures each sample body. */
export async function measureValidator(specPath: string, durationMs = 500): Promise<ValidatorResult[]> {
  const spec = await loadSpec(specPath);
  const validator = createSpecValidator(spec);
  return samples.map((sample) => {
    const op = spec.operations.find((o) => o.operationId === sample.operationId);
    const media = op?.responses.find((r) => r.status === '200')?.content[0];
    const example = media?.examples.find((e) => sample.exampleName === undefined || e.name === sample.exampleName);
    if (!media?.schemaPointer || !example) throw new Error(`no 200 schema and example for ${sample.operationId}`);
    const pointer = media.schemaPointer;
    const body = sample.transform ? sample.transform(example.value) : example.value;
    const startedAt = performance.now();
    const issues = validator.validate(pointer, body).length;
    const firstCallMs = performance.now() - startedAt;
    return {
      body: sample.label,
      bytes: Buffer.byteLength(JSON.stringify(body)),
      firstCallMs: round(firstCallMs, 2),
      validateOpsPerSecond: round(opsPerSecond(() => validator.validate(pointer, body), durationMs), 0),
      undeclaredOpsPerSecond: round(opsPerSecond(() => validator.undeclared(pointer, body), durationMs), 0),
      issues,
    };
  });
}
