/**
 * What a caller sees: tsc's message for a wrong body names the schema (`SendMessageRequest`)
 * instead of printing the expanded object. Compiles a small caller against src/ in memory.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Type-checks `source` as if it were a file in src/, returning its diagnostics as text. */
function typeErrorsOf(source: string): string[] {
  const configPath = ts.findConfigFile(repoRoot, ts.sys.fileExists, 'tsconfig.json')!;
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, repoRoot);
  const probePath = `${repoRoot}src/__type-message-probe__.ts`;
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === probePath ? ts.createSourceFile(fileName, source, language) : getSourceFile(fileName, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === probePath || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [probePath], options: { ...config.options, noEmit: true }, host });
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probePath))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('type errors name the request schema', () => {
  it('prints SendMessageRequest, RegisterPdsInput and AppointmentCreateRequest, not the expanded objects', () => {
    // Only the resource interfaces are imported, so tsc checks a few files rather than all of src/.
    const errors = typeErrorsOf(`
      import type { BookingResource } from './resources/booking.js';
      import type { MessagesResource } from './resources/messages.js';
      import type { PatientsResource } from './resources/patients.js';
      declare const hero: { messages: MessagesResource; patients: PatientsResource; booking: BookingResource };
      void hero.messages.send({ patient_id: '1', message_type: 'sms' });
      void hero.patients.registerPds({ nhs_number: '9434765919' });
      void hero.booking.createAppointment({ appointment_type_id: '1' });
    `);
    expect(errors).toHaveLength(3);
    // The headline names the schema; tsc's second line may still show the generated base type.
    expect(errors[0]).toMatch(/^Argument of type .* is not assignable to parameter of type 'SendMessageRequest'\.\n.*'message_string' is missing/);
    expect(errors[1]).toMatch(/^Argument of type .* is not assignable to parameter of type 'RegisterPdsInput'\.\n.*'dob' is missing/);
    expect(errors[2]).toMatch(/^Argument of type .* is not assignable to parameter of type 'AppointmentCreateRequest'\./);
  }, 60_000);
});
