/** Requests the target must reject, per operation: no API key, no practice group, a body the schema forbids. */
import { defineCaseTests } from './setup/define-cases.js';
import { loadContractSetup } from './setup/context.js';

const setup = await loadContractSetup();
defineCaseTests(setup, 'rejected requests', (c) => c.kind !== 'response');
