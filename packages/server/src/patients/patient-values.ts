import type { Comparison } from './patient-names.js';
import { isValidNhsNumber } from '../processors/documents/nhs-number.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A date of birth as `YYYY-MM-DD`, from the forms documents and registries use:
 * `1980-03-07`, `07/03/1980`, `7.3.1980`, `07-03-1980` (day first, as in the UK),
 * `7 March 1980`, `7th Mar 1980`, `March 7, 1980`. Two-digit years are not read (their
 * century is a guess). Null when it is none of them or no real date.
 */
export function isoDate(raw: string): string | null {
  const parts = dateParts(raw.trim().toLowerCase());
  if (!parts) return null;
  const [year, month, day] = parts;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** Year, month and day of the written forms `isoDate` takes. */
function dateParts(text: string): [number, number, number] | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  const numeric = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/.exec(text);
  if (numeric) return [Number(numeric[3]), Number(numeric[2]), Number(numeric[1])];
  const words = /^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]{3,})\.?,?[\s\-/.]+(\d{4})$/.exec(text);
  const month = words ? MONTHS.indexOf(words[2]!.slice(0, 3)) + 1 : 0;
  if (words && month > 0) return [Number(words[3]), month, Number(words[1])];
  // "March 7, 1980": month first only when the month is a word, so it cannot be misread.
  const monthFirst = /^([a-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(text);
  const named = monthFirst ? MONTHS.indexOf(monthFirst[1]!.slice(0, 3)) + 1 : 0;
  return monthFirst && named > 0 ? [Number(monthFirst[3]), named, Number(monthFirst[2])] : null;
}

/** An NHS number as its 10 digits (spaces and dashes dropped); null when it is not 10 digits. */
export function nhsDigits(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/**
 * An NHS number to compare: its 10 digits when they pass Modulus 11, else null. A number
 * that fails the check is a misread (Modulus 11 catches every single wrong digit and
 * every swap of neighbours), not another patient's number.
 */
export function validNhsDigits(raw: string): string | null {
  const digits = nhsDigits(raw);
  return digits !== null && isValidNhsNumber(digits) ? digits : null;
}

/**
 * A hospital number (MRN) as letters and digits, upper case, leading zeros of an
 * all-digit number dropped (`0012345` is `12345`); null when none is left.
 */
export function mrnKey(raw: string): string | null {
  const key = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const unpadded = /^\d+$/.test(key) ? key.replace(/^0+(?=\d)/, '') : key;
  return unpadded.length > 0 ? unpadded : null;
}

/** Compares two values after `normalise`; unknown when either is missing or does not normalise. */
export function compareBy(a: unknown, b: unknown, normalise: (raw: string) => string | null): Comparison {
  if (typeof a !== 'string' || typeof b !== 'string') return 'unknown';
  const left = normalise(a);
  const right = normalise(b);
  if (left === null || right === null) return 'unknown';
  return left === right ? 'same' : 'different';
}
