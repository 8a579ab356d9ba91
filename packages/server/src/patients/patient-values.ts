import type { Comparison } from '../identifiers/names.js';

/**
 * Values the wrong-patient guard compares. Dates and patient numbers are read in one place,
 * shared with the documents processor (`../identifiers/`); `validNhsDigits` is the
 * processor's `normaliseNhsNumber` under the guard's older name.
 */
export { isoDate } from '../identifiers/dates.js';
export { mrnKey, nhsDigits, normaliseNhsNumber as validNhsDigits } from '../identifiers/hospital-numbers.js';

/** Compares two values after `normalise`; unknown when either is missing or does not normalise. */
export function compareBy(a: unknown, b: unknown, normalise: (raw: string) => string | null): Comparison {
  if (typeof a !== 'string' || typeof b !== 'string') return 'unknown';
  const left = normalise(a);
  const right = normalise(b);
  if (left === null || right === null) return 'unknown';
  return left === right ? 'same' : 'different';
}
