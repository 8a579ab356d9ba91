/**
 * True when `digits` (10 digits, no spaces) is a valid NHS number: its last digit is the
 * Modulus 11 check digit of the first nine (weights 10 down to 2; 11 becomes 0, and a
 * remainder giving 10 means no number is ever issued).
 */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** The Modulus 11 check digit of nine digits, or null when no valid number ends them. */
export function nhsCheckDigit(nine: string): number | null {
  if (!/^\d{9}$/.test(nine)) throw new RangeError('nhsCheckDigit takes nine digits.');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}
