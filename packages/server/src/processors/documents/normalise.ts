/**
 * The documents processor's readers of fields. Each lives once, in `../../identifiers/`,
 * shared with the wrong-patient guard; these names stay for the processor and the package.
 */
export { normaliseDate } from '../../identifiers/dates.js';
export { fixDigits, normaliseMrn, normaliseNhsNumber } from '../../identifiers/hospital-numbers.js';
export { nameKey, normaliseName } from '../../identifiers/names.js';
