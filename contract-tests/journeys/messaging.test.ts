/** Messaging through the facade: send a message to a patient, then read it back by its id. */
import { describe, expect, it } from 'vitest';
import { journeyClient } from './journey-client.js';

const { hero, skip } = journeyClient();
if (skip) console.warn(`Messaging journey skipped: ${skip}`);

describe.skipIf(skip !== undefined)('journey: send a message and read it back', () => {
  it('returns a message_id for a sent SMS that Get a Message then finds', async () => {
    const sent = await hero!.messages.send({ patient_id: '98765', message_type: 'sms', message_string: 'Your results are ready.', recipient_contact_detail: '07788 123456', write_to_record: false });
    expect(sent).toMatchObject({ message_id: expect.stringMatching(/^\d+$/) });
    const message = await hero!.messages.get(sent.message_id);
    expect(message).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
  });
});
