/**
 * The one reader of written dates (documents' fields, registries' dates of birth).
 *
 * Forms: `1961-03-12`, `1961/03/12`, `12/03/1961`, `12.3.1961`, `12-03-1961`, `12 03 1961`
 * (numeric dates day first, as in the UK), `12 March 1961`, `12th Mar 1961`, `12-Mar-1961`,
 * `12/Mar/1961`, `March 12, 1961`, `Mar 12th 1961`. A month written as a word must be a
 * month ("Marchy" and "Smarch" are not). Years 1880 to 2100 only.
 */

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export interface ReadDateOptions {
  /**
   * What a two-digit year means. `'guess'`: 20xx unless that is in the future, then 19xx
   * (a letter dated 12/03/24 is from 2024, a birth on 12/03/61 in 1961). `'refuse'`: not
   * read — comparing identities, a guessed century must neither confirm nor contradict.
   */
  twoDigitYears: 'guess' | 'refuse';
}

/** A date as `YYYY-MM-DD`; null when it is none of the forms above or no real date. */
export function readDate(raw: string, options: ReadDateOptions): string | null {
  const parts = dateParts(raw.trim().replace(/\s+/g, ' ').toLowerCase(), options);
  return parts ? isoFromParts(...parts) : null;
}

/** Year, month and day as written, before checking that the date exists. */
function dateParts(text: string, options: ReadDateOptions): [number, number, number] | null {
  let match = /^(\d{4}) ?[-/.] ?(\d{1,2}) ?[-/.] ?(\d{1,2})$/.exec(text);
  if (match) return [Number(match[1]), Number(match[2]), Number(match[3])];
  match = /^(\d{1,2})(?: ?[/.-] ?| )(\d{1,2})(?: ?[/.-] ?| )(\d{4}|\d{2})$/.exec(text);
  if (match) {
    const year = fullYear(match[3]!, options);
    return year === null ? null : [year, Number(match[2]), Number(match[1])];
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]{3,9})\.?,?[\s\-/.]*(\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[2]!);
    return month === null ? null : [Number(match[3]), month, Number(match[1])];
  }
  // "March 7, 1980": month first only when the month is a word, so it cannot be misread.
  match = /^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[1]!);
    return month === null ? null : [Number(match[3]), month, Number(match[2])];
  }
  return null;
}

/** The month a word names: its first three letters ("Sept" too), or the whole name. */
function monthNumber(word: string): number | null {
  const short = word.startsWith('sept') ? 'sep' : word.slice(0, 3);
  const index = MONTH_NAMES.findIndex((name) => name.startsWith(short));
  if (index < 0) return null;
  const full = MONTH_NAMES[index]!;
  // Only an abbreviation or the full name: "Marchy" is not March.
  return word.length <= 4 || word === full ? index + 1 : null;
}

function fullYear(year: string, options: ReadDateOptions): number | null {
  if (year.length === 4) return Number(year);
  if (options.twoDigitYears === 'refuse') return null;
  const candidate = 2000 + Number(year);
  return candidate > new Date().getUTCFullYear() ? candidate - 100 : candidate;
}

function isoFromParts(year: number, month: number, day: number): string | null {
  if (year < 1880 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A document's date (two-digit years guessed, see {@link ReadDateOptions}). */
export function normaliseDate(raw: string): string | null {
  return readDate(raw, { twoDigitYears: 'guess' });
}

/** A date of birth to compare identities by (two-digit years refused, see {@link ReadDateOptions}). */
export function isoDate(raw: string): string | null {
  return readDate(raw, { twoDigitYears: 'refuse' });
}
