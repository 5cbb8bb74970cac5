import { describe, expectTypeOf, it } from 'vitest';
import type { PdsRegistrationResult } from './pds-result.js';

describe('PdsRegistrationResult', () => {
  it('narrows on outcome', () => {
    const handle = (result: PdsRegistrationResult) => {
      if (result.outcome === 'registered') {
        expectTypeOf(result.patientId).toEqualTypeOf<string>();
        // @ts-expect-error no login URL when registered
        void result.loginUrl;
      } else {
        expectTypeOf(result.outcome).toEqualTypeOf<'verification_required'>();
        expectTypeOf(result.loginUrl).toEqualTypeOf<string>();
        expectTypeOf(result.message).toEqualTypeOf<string>();
        // @ts-expect-error no patient ID until the patient has verified
        void result.patientId;
      }
    };
    expectTypeOf(handle).parameter(0).toEqualTypeOf<PdsRegistrationResult>();
  });

  it('covers exactly two outcomes', () => {
    expectTypeOf<PdsRegistrationResult['outcome']>().toEqualTypeOf<'registered' | 'verification_required'>();
  });
});
