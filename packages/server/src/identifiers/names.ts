/**
 * The one place people's names are read: {@link normaliseName} for a document's field as
 * shown to staff, {@link nameKey} and {@link compareNames} for matching.
 *
 * Comparing people's names as letters and registries write them: "DOE, Jane",
 * "Mrs Jane A. Doe", "jane doe", "Zoë O'Brien-Smith". A false alarm costs staff time and a
 * miss is a safety event, so a name agrees when its family name and first given name
 * agree after normalising, allowing initials, a given name used in place of the first,
 * a double-barrelled family name given in part, reversed order, and one typo in a long
 * name (OCR).
 */

/** Titles and generational suffixes: not part of a name, lower case. */
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'lady', 'lord', 'rev', 'master', 'jr', 'sr', 'ii', 'iii']);

/**
 * Qualifications after a clinician's name, lower case. Some are also names ("Ma", "Md" for
 * Mohammed), so they are dropped only at the end of a name that keeps two words.
 */
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

function withoutPostNominals(parts: string[]): string[] {
  const kept = [...parts];
  while (kept.length > 2 && POST_NOMINALS.has(kept.at(-1)!.toLowerCase())) kept.pop();
  return kept;
}

// Words of a job title written after a signature's comma.
const ROLE_WORDS =
  /\b(?:consultant|scientist|registrar|radiologist|physician|practitioner|doctor|surgeon|nurse|gp|clinical|specialist|specialty|microbiologist|haematologist|pathologist|fellow|officer|lead|director|sister|foundation|trainee|associate|partner|salaried|locum|manager|department|clinic)\b/i;

/** Case and accents folded ("Zoë" is "zoe"), for matching only. */
function foldLetters(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * A person's name for comparison: "DOE, Jane" and "Mrs JANE DOE" both become
 * "Jane Doe" — surname-first order turned round (also "DOE Jane", capitals first), titles and post-nominals dropped,
 * each part capitalised (Mc, O' and hyphenated parts too), spacing collapsed.
 * Accents are kept; {@link nameKey} folds them for matching. Null when no name is left.
 */
export function normaliseName(raw: string): string | null {
  let text = capitalsFirst(raw)
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
  const parts = withoutPostNominals(
    text
      .split(/[\s,]+/)
      .map((part) => part.replace(/^[.'-]+|[.,;:'-]+$/g, ''))
      .filter((part) => part.length > 0 && !TITLES.has(part.toLowerCase().replace(/\.$/, ''))),
  );
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
  return foldLetters(name)
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

/** How two values compare: the same, different, or not comparable (one is missing or unreadable). */
export type Comparison = 'same' | 'different' | 'unknown';

/** A name as its words: given names first, family name last. */
export interface NameParts {
  given: string[];
  family: string[];
}

/**
 * Splits a name into normalised words: accents folded, case folded, titles dropped,
 * "Family, Given" turned round, hyphens splitting a double-barrelled family name.
 * Null when no word is left.
 */
export function nameParts(raw: string): NameParts | null {
  raw = capitalsFirst(raw);
  // A hyphen joins the parts of one name ("Smith-Jones", "Mary-Jane"): kept as a NUL inside the word.
  let text = foldLetters(raw).replace(/\s*[-‐–]\s*/g, '\u0000');
  const comma = text.indexOf(',');
  // "Doe, Jane" and "DOE, Jane Ann": the family name comes first.
  if (comma >= 0) text = `${text.slice(comma + 1)} ${text.slice(0, comma)}`;
  const words = text
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\u0000]+/u)
    .map((word) => word.replace(/^\u0000+|\u0000+$/g, ''))
    .filter((word) => word.length > 0 && !TITLES.has(word));
  if (words.length === 0) return null;
  return { given: words.slice(0, -1), family: words.at(-1)!.split('\u0000') };
}

/** Compares two names (see the module's rules). */
export function compareNames(a: string, b: string): Comparison {
  const left = nameParts(a);
  const right = nameParts(b);
  if (!left || !right) return 'unknown';
  if (namesAgree(left, right) || namesAgree(reversed(left), right) || namesAgree(left, reversed(right))) return 'same';
  return 'different';
}

function namesAgree(a: NameParts, b: NameParts): boolean {
  if (!familiesAgree(a, b)) return false;
  // A family name alone agrees with any given names.
  if (a.given.length === 0 || b.given.length === 0) return true;
  return givenAgree(a.given, b.given);
}

/** "Smith" agrees with "Smith-Jones" and "Jones" with "Smith Jones" (one part given). */
function familiesAgree(a: NameParts, b: NameParts): boolean {
  const joinedA = a.family.join('');
  const joinedB = b.family.join('');
  if (wordsAgree(joinedA, joinedB)) return true;
  // A family name written without its hyphen ("Smith Jones") ends up as a given name plus a family name.
  const withLastGivenA = (a.given.at(-1) ?? '').replace(/\u0000/g, '') + joinedA;
  const withLastGivenB = (b.given.at(-1) ?? '').replace(/\u0000/g, '') + joinedB;
  if (wordsAgree(withLastGivenA, joinedB) || wordsAgree(joinedA, withLastGivenB)) return true;
  return a.family.some((part) => b.family.some((other) => part.length > 1 && wordsAgree(part, other)));
}

/**
 * The first given name of one is, or is an initial of, one of the other's given names
 * (so "Jane Doe" agrees with "J. A. Doe" and with "Mary Jane Doe"); at least the first names
 * of both are looked at, never only middle names against middle names.
 */
function givenAgree(a: string[], b: string[]): boolean {
  const firstOfA = a[0]!;
  const firstOfB = b[0]!;
  return b.some((word) => givenWordsAgree(firstOfA, word)) || a.some((word) => givenWordsAgree(firstOfB, word));
}

/** Given names agree whole, by initial, or by one part of a hyphenated one ("Mary-Jane" and "Mary"). */
function givenWordsAgree(x: string, y: string): boolean {
  if (x.length === 1 || y.length === 1) return x[0] === y[0];
  if (wordsAgree(x.replace(/\u0000/g, ''), y.replace(/\u0000/g, ''))) return true;
  return x.split('\u0000').some((part) => y.split('\u0000').some((other) => part.length > 1 && wordsAgree(part, other)));
}

/** Equal, or (for words of five letters or more) one letter changed, added, dropped or two swapped: an OCR slip. */
function wordsAgree(x: string, y: string): boolean {
  if (x === y) return true;
  if (Math.min(x.length, y.length) < 5) return false;
  return editDistanceAtMostOne(x, y);
}

function editDistanceAtMostOne(x: string, y: string): boolean {
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (x.length === y.length) {
    const rest = (skip: number) => x.slice(i + skip) === y.slice(i + skip);
    // One letter changed, or two neighbours swapped.
    return rest(1) || (x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2) === y.slice(i + 2));
  }
  return x.length > y.length ? x.slice(i + 1) === y.slice(i) : x.slice(i) === y.slice(i + 1);
}

/**
 * "DOE Jane Ann" and "NÍ BHRIAIN Siobhán": the clinical convention of a family name in
 * capitals, first, without a comma. Written as "DOE, Jane Ann" so it is read as such; a
 * name all in capitals, or with capitals elsewhere, is left as it is.
 */
function capitalsFirst(raw: string): string {
  if (raw.includes(',')) return raw;
  const words = raw.trim().split(/\s+/);
  const isCapitals = (word: string) => /\p{Lu}.*\p{Lu}/u.test(word) && !/\p{Ll}/u.test(word);
  let leading = 0;
  while (leading < words.length && isCapitals(words[leading]!)) leading++;
  if (leading === 0 || leading === words.length || !/\p{Ll}/u.test(words[leading]!)) return raw;
  return `${words.slice(0, leading).join(' ')}, ${words.slice(leading).join(' ')}`;
}

/** "Doe Jane" written surname first without a comma. */
function reversed(name: NameParts): NameParts {
  if (name.given.length === 0) return name;
  return { given: [name.family.join('\u0000'), ...name.given.slice(1)], family: name.given[0]!.split('\u0000') };
}
