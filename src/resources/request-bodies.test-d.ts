/**
 * The named request bodies stay exactly the generated shapes, and every operation with a JSON
 * body has one (a spec edit that adds a body without a name fails here).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { NamedRequestBodies } from './request-bodies.js';
import type { OperationName, RequestBody, WireRequestBody } from './types.js';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type OperationsWithBody = { [Op in OperationName]: [WireRequestBody<Op>] extends [never] ? never : Op }[OperationName];

describe('named request bodies', () => {
  it('cover every operation that takes a JSON body, and nothing else', () => {
    expectTypeOf<Exclude<OperationsWithBody, keyof NamedRequestBodies>>().toBeNever();
    expectTypeOf<Exclude<keyof NamedRequestBodies, OperationsWithBody>>().toBeNever();
  });

  it('each is structurally the generated body', () => {
    type Mismatched = { [Op in keyof NamedRequestBodies]: Same<NamedRequestBodies[Op], WireRequestBody<Op>> extends true ? never : Op }[keyof NamedRequestBodies];
    expectTypeOf<Mismatched>().toBeNever();
  });

  it('RequestBody<Op> is the named body', () => {
    expectTypeOf<RequestBody<'sendMessage'>>().toEqualTypeOf<NamedRequestBodies['sendMessage']>();
    expectTypeOf<RequestBody<'createAppointment'>>().toEqualTypeOf<NamedRequestBodies['createAppointment']>();
  });
});
