import { describe, expect, it } from 'vitest';
import { HeroError } from '../errors.js';
import { HeroInputError } from './input-error.js';

describe('HeroInputError', () => {
  it('is a HeroError named HeroInputError with a message listing each issue by field', () => {
    const error = new HeroInputError([{ field: 'dob', message: 'is required' }], 'register_pds input');
    expect(error).toBeInstanceOf(HeroError);
    expect(error.name).toBe('HeroInputError');
    expect(error.message).toBe('Invalid register_pds input (1 problem): dob is required.');
  });

  it('keeps a frozen copy of the issues so later edits by the caller do not change it', () => {
    const issues = [{ field: 'a', message: 'is bad' }, { field: 'b', message: 'is worse' }];
    const error = new HeroInputError(issues);
    issues.push({ field: 'c', message: 'is late' });
    expect(error.issues).toEqual([{ field: 'a', message: 'is bad' }, { field: 'b', message: 'is worse' }]);
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(error.message).toBe('Invalid input (2 problems): a is bad; b is worse.');
  });
});
