import { isValidNhsNumber } from './nhs-number.js';

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

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

/** Titles and post-nominals dropped from a person's name, lower case. */
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'rev', 'master']);
const POST_NOMINALS = new Set([
  'frcp',
  'frcs',
  'mrcp',
  'mrcgp',
  'mbbs',
  'mbchb',
  'md',
  'phd',
  'frcr',
  'frcpath',
  'bsc',
  'msc',
  'ma',
  'fracp',
  'mb',
  'bs',
  'chb',
]);

// Words of a job title written after a signature's comma.
const ROLE_WORDS =
  /\b(?:consultant|scientist|registrar|radiologist|physician|practitioner|doctor|surgeon|nurse|gp|clinical|specialist|specialty|microbiologist|haematologist|pathologist|fellow|officer|lead|director|sister|foundation|trainee|associate|partner|salaried|locum|manager|department|clinic)\b/i;

/**
 * A date in a common UK form — 12/03/1961, 12.03.1961, 12-03-61, 12 March 1961,
 * 12th Mar 1961, 1961-03-12 — as `YYYY-MM-DD`; null when it is not a real date.
 * Numeric dates are read day first. A two-digit year is 19xx when that is not in the
 * future, else 20xx.
 */
export function normaliseDate(raw: string): string | null {
  const text = raw.trim().replace(/\s+/g, ' ');
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2}) ?[/.-] ?(\d{1,2}) ?[/.-] ?(\d{4}|\d{2})$/.exec(text);
  if (match) return isoDate(fullYear(match[3]!), Number(match[2]), Number(match[1]));
  match = /^(\d{1,2})(?:st|nd|rd|th)?[ -]?([A-Za-z]{3,9})\.?,?[ -]?(\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[2]!);
    return month === null ? null : isoDate(Number(match[3]), month, Number(match[1]));
  }
  match = /^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[1]!);
    return month === null ? null : isoDate(Number(match[3]), month, Number(match[2]));
  }
  return null;
}

/** Replaces letters OCR commonly reads for digits, where only digits may stand. */
export function fixDigits(raw: string): string {
  return raw.replace(/[OoDQlIi|SsBZz]/g, (c) => DIGIT_LOOKALIKES[c] ?? c);
}

/** An NHS number as 10 digits when it passes the Modulus 11 check, else null. */
export function normaliseNhsNumber(raw: string): string | null {
  const digits = fixDigits(raw).replace(/[\s.-]/g, '');
  return isValidNhsNumber(digits) ? digits : null;
}

/** A hospital number (MRN): upper case, letters and digits only, 4 to 15, with a digit. */
export function normaliseMrn(raw: string): string | null {
  const value = raw.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z0-9]{4,15}$/.test(value) && /\d/.test(value) ? value : null;
}

/**
 * A person's name for comparison: "DOE, Jane" and "Mrs JANE DOE" both become
 * "Jane Doe" — surname-first order turned round, titles and post-nominals dropped,
 * each part capitalised (Mc, O' and hyphenated parts too), spacing collapsed.
 * Accents are kept; {@link nameKey} folds them for matching. Null when no name is left.
 */
export function normaliseName(raw: string): string | null {
  let text = raw
    .normalize('NFC')
    .replace(/[\u2019`]/g, "'")
    .split(',')
    .map(withoutStrayLetters)
    .join(', ')
    .replace(/\s+/g, ' ')
    .trim();
  const comma = /^([^,]+),\s*([^,]+)$/.exec(text);
  // "Dr Ann Lee, Consultant Radiologist" is a name and a role; "LEE, Ann" a name turned round.
  if (comma) text = surnameFirst(comma[1]!, comma[2]!) ? `${comma[2]} ${comma[1]}` : comma[1]!;
  const parts = text
    .split(/[\s,]+/)
    .map((part) => part.replace(/^[.'-]+|[.,;:'-]+$/g, ''))
    .filter((part) => part.length > 0 && !TITLES.has(part.toLowerCase().replace(/\.$/, '')) && !POST_NOMINALS.has(part.toLowerCase()));
  if (parts.length === 0 || parts.some((part) => !/^[\p{L}][\p{L}'.-]*$/u.test(part))) return null;
  return parts.map(capitalise).join(' ');
}

/**
 * Whether "A, B" is a surname then given names ("DOE, Jane"), not a name then something
 * else ("Dr Ann Lee, Consultant Radiologist", "Ann Lee, Cardiology"): a surname is one
 * word, or written in capitals, and what follows is no job title.
 */
function surnameFirst(before: string, after: string): boolean {
  if (ROLE_WORDS.test(after)) return false;
  const words = before.trim().split(/\s+/);
  return words.length === 1 || before === before.toUpperCase();
}

// A printed name's first and last parts are capitalised: a short lower-case word at either
// end is OCR's reading of a speck or a stroke ("i ROSSI, Esther he").
function withoutStrayLetters(part: string): string {
  const words = part.trim().split(/\s+/);
  // Only among capitalised words: in a name typed all lower case, every word is one.
  const stray = (word: string): boolean => /^[a-z]{1,2}$/.test(word) && words.some((other) => /\p{Lu}/u.test(other));
  while (words.length > 1 && stray(words[0]!)) words.shift();
  while (words.length > 1 && stray(words.at(-1)!)) words.pop();
  return words.join(' ');
}

/** A name folded for comparison: lower case, accents and punctuation removed. */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function capitalise(part: string): string {
  return part
    .toLowerCase()
    .replace(/(^|[-'])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase())
    .replace(/^Mc(\p{L})/u, (_, letter: string) => `Mc${letter.toUpperCase()}`);
}

function monthNumber(name: string): number | null {
  const key = name.toLowerCase();
  const short = key.slice(0, key.startsWith('sept') ? 4 : 3);
  const month = MONTHS[short];
  if (month === undefined) return null;
  // A full name must be the month's: "Marchy" is not March.
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'][month - 1]!;
  return key.length <= 4 || full === key ? month : null;
}

function fullYear(year: string): number {
  if (year.length === 4) return Number(year);
  const now = new Date().getUTCFullYear();
  const candidate = 2000 + Number(year);
  return candidate > now ? candidate - 100 : candidate;
}

function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1880 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
