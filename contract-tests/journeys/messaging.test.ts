/** Messaging: send a message to a patient, then read it back by its id. */
import { describe, expect, it } from 'vitest';
import { journeyClient } from './journey-client.js';

const { hero, skip } = journeyClient();
if (skip) console.warn(`Messaging journey skipped: ${skip}`);

describe.skipIf(skip !== undefined)('journey: send a message and read it back', () => {
  it('returns a message_id for a sent SMS that Get a Message then finds', async () => {
    // auto_write_to_record and encrypted have spec defaults; openapi-typescript's defaultNonNullable makes the generated body type require them.
    const sent = await hero!.raw.POST('/v1/messages/send', { body: { patient_id: '98765', message_type: 'sms', message_string: 'Your results are ready.', recipient_contact_detail: '07788 123456', write_to_record: false, auto_write_to_record: false, encrypted: false } });
    expect(sent.data).toMatchObject({ message_id: expect.stringMatching(/^\d+$/) });
    const message = await hero!.raw.GET('/v1/messages/{id}', { params: { path: { id: sent.data!.message_id } } });
    expect(message.data).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
  });
});
