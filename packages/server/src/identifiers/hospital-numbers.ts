import { isValidNhsNumber } from '../processors/documents/nhs-number.js';

/**
 * The one reader of patient numbers — NHS numbers and hospital numbers (MRNs) — for
 * documents' fields and registries' identifiers alike.
 */

// Letters OCR reads in place of digits, in number-only fields (NHS number, dates).
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  l: '1',
  I: '1',
  i: '1',
  '|': '1',
  S: '5',
  s: '5',
  B: '8',
  Z: '2',
  z: '2',
};

/** Replaces letters OCR commonly reads for digits, where only digits may stand. */
export function fixDigits(raw: string): string {
  return raw.replace(/[OoDQlIi|SsBZz]/g, (c) => DIGIT_LOOKALIKES[c] ?? c);
}

/** An NHS number as its 10 digits (spaces, dots and dashes dropped); null when it is not 10 digits. */
export function nhsDigits(raw: string): string | null {
  const digits = raw.replace(/[\s.-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/**
 * An NHS number as 10 digits when it passes the Modulus 11 check, else null. Letters OCR
 * reads for digits are read as those digits first. A number that fails the check is a
 * misread (Modulus 11 catches every single wrong digit and every swap of neighbours),
 * not another patient's number, so it is never compared.
 */
export function normaliseNhsNumber(raw: string): string | null {
  const digits = nhsDigits(fixDigits(raw));
  return digits !== null && isValidNhsNumber(digits) ? digits : null;
}

/** Letters and digits only, upper case. */
function mrnCharacters(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * A hospital number (MRN) read from a document, as printed: upper case, spaces and dashes
 * dropped, then 4 to 15 letters and digits with at least one digit (so a word or a
 * neighbouring bracket is not taken for one).
 */
export function normaliseMrn(raw: string): string | null {
  const value = raw.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z0-9]{4,15}$/.test(value) && /\d/.test(value) ? value : null;
}

/**
 * A hospital number to compare: as {@link normaliseMrn} but any length, and leading zeros
 * of an all-digit number dropped (`0012345` is `12345`, as systems pad them differently);
 * null when nothing is left.
 */
export function mrnKey(raw: string): string | null {
  const key = mrnCharacters(raw);
  const unpadded = /^\d+$/.test(key) ? key.replace(/^0+(?=\d)/, '') : key;
  return unpadded.length > 0 ? unpadded : null;
}
