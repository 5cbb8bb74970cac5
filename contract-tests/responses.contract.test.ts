/**
 * Every operation × documented status (× named example) of openapi/, generated: nothing
 * here names an operation, so one added to the spec is covered without a new test.
 */
import { defineCaseTests } from './setup/define-cases.js';
import { loadContractSetup } from './setup/context.js';

const setup = await loadContractSetup();
defineCaseTests(setup, 'documented responses', (c) => c.kind === 'response');
