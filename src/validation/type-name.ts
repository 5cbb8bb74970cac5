/**
 * A value's kind for an error message that must not repeat the value (it may be patient
 * data or a secret): `null`, `an array`, `an object`, `a string`, `a bigint`…
 */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** True for an options object: not `null`, an array, a function or a primitive. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
