/**
 * Invented people and the ways documents write their details, for the document corpus.
 * Every name is made up from common name parts; NHS numbers are valid by Modulus 11 but
 * drawn at random (the 999 range the NHS keeps for testing is used for all of them).
 */

/** A seeded pseudo-random source (mulberry32): the same seed gives the same corpus. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** An invented patient. */
export interface Person {
  person_id: string;
  given: string;
  family: string;
  sex: 'female' | 'male';
  /** YYYY-MM-DD */
  date_of_birth: string;
  /** 10 digits, Modulus 11 valid. */
  nhs_number: string;
  /** Hospital number as the hospital writes it (upper case, no spaces). */
  mrn: string;
}

const FEMALE = [
  'Jane',
  'Amelia',
  'Olivia',
  'Zoë',
  'Siobhán',
  'Priya',
  'Aisha',
  'Chloé',
  'Margaret',
  'Eleanor',
  'Fatima',
  'Grace',
  'Hannah',
  'Irene',
  'Joan',
  'Kirsty',
  'Lucía',
  'Niamh',
  'Ruth',
  'Sinéad',
  'Teresa',
  'Wendy',
  'Yasmin',
  'Agnieszka',
  'Bethan',
  'Carys',
  'Doreen',
  'Esther',
  'Freya',
  'Gwen',
];
const MALE = [
  'John',
  'Oliver',
  'Mohammed',
  'James',
  'Rhys',
  'Seán',
  'Dylan',
  'Arjun',
  'Kwame',
  'Liam',
  'Noah',
  'Peter',
  'Raj',
  'Stephen',
  'Thomas',
  'William',
  'Zoltán',
  'André',
  'Bartosz',
  'Callum',
  'Declan',
  'Ewan',
  'Faisal',
  'George',
  'Harry',
  'Imran',
  'Jakub',
  'Kieran',
  'Luca',
  'Malcolm',
];
const FAMILY = [
  'Doe',
  'Smith',
  'Jones',
  'Williams',
  'Taylor',
  'Brown',
  'Davies',
  'Evans',
  'Wilson',
  'Thomas',
  'Roberts',
  'Johnson',
  'Lewis',
  'Walker',
  'Robinson',
  'Wood',
  'Thompson',
  'White',
  'Watson',
  'Jackson',
  'Wright',
  'Green',
  'Harris',
  'Cooper',
  'King',
  'Lee',
  'Martin',
  'Clarke',
  'James',
  'Morgan',
  "O'Brien",
  'McDonald',
  'MacLeod',
  'Patel',
  'Khan',
  'Singh',
  'Ahmed',
  'Nowak',
  'Kowalski',
  'Okafor',
  'Mensah',
  'García',
  'Müller',
  'Ó Súilleabháin',
  'Fitzgerald',
  'Hughes',
  'Price',
  'Ellis',
  'Hall',
  'Young',
  'Allen',
  'Scott',
  'Baker',
  'Adams',
  'Campbell',
  'Kelly',
  'Murphy',
  'Chowdhury',
  'Begum',
  'Hussain',
  'Nguyen',
  'Santos',
  'Rossi',
  'Jensen',
  'Smith-Jones',
  'Bell',
  'Ward',
  'Turner',
  'Hill',
  'Moore',
];
const CLINICIAN_GIVEN = [
  'Sarah',
  'David',
  'Helen',
  'Michael',
  'Anjali',
  'Richard',
  'Catherine',
  'Oluwaseun',
  'Fiona',
  'Andrew',
  'Rebecca',
  'Hamza',
  'Claire',
  'Gareth',
  'Mei',
  'Paul',
  'Rosalind',
  'Tariq',
  'Victoria',
  'Eamon',
];

/** A clinician: given and family name (documents add "Dr" and post-nominals). */
export interface Clinician {
  given: string;
  family: string;
}

/** A Modulus 11 valid NHS number from `random` (first digit 9: the test range). */
export function nhsNumber(random: Random): string {
  for (;;) {
    const nine = `9${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return nine + String(check === 11 ? 0 : check);
  }
}

/** An invalid-by-one-digit variant of an NHS number (a typo the check catches). */
export function mistypedNhsNumber(valid: string): string {
  const last = (Number(valid[9]) + 1) % 10;
  return valid.slice(0, 9) + String(last);
}

const MRN_FORMS: readonly ((random: Random) => string)[] = [
  (r) => `RX${r.int(100_000, 999_999)}`,
  (r) => `K${r.int(1_000_000, 9_999_999)}`,
  (r) => String(r.int(10_000_000, 99_999_999)),
  (r) => `${r.pick(['A', 'B', 'C', 'H', 'M'])}${r.int(100_000, 999_999)}`,
  (r) => `RTH${r.int(10_000, 99_999)}`,
];

/** `count` invented people; every fifth shares a name with an earlier one (namesakes exist). */
export function makePeople(random: Random, count: number): Person[] {
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const sex = random.chance(0.5) ? 'female' : 'male';
    const namesake = i % 5 === 4 ? people[random.int(0, i - 1)] : undefined;
    const year = random.int(1930, 2015);
    people.push({
      person_id: `P${String(i + 1).padStart(4, '0')}`,
      given: namesake?.given ?? random.pick(sex === 'female' ? FEMALE : MALE),
      family: namesake?.family ?? random.pick(FAMILY),
      sex: namesake?.sex ?? sex,
      date_of_birth: isoDate(year, random.int(1, 12), random.int(1, 28)),
      nhs_number: nhsNumber(random),
      mrn: random.pick(MRN_FORMS)(random),
    });
  }
  return people;
}

/** An invented clinician. */
export function makeClinician(random: Random): Clinician {
  return { given: random.pick(CLINICIAN_GIVEN), family: random.pick(FAMILY) };
}

/** A date `YYYY-MM-DD`. */
export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date as UK documents print it, in one of their common forms. */
export function printDate(iso: string, random: Random): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const dd = String(d).padStart(2, '0');
  const mm = String(m).padStart(2, '0');
  const month = MONTHS[m - 1]!;
  return random.pick([
    `${dd}/${mm}/${y}`,
    `${dd}/${mm}/${y}`,
    `${dd}.${mm}.${y}`,
    `${d} ${month} ${y}`,
    `${d} ${month.slice(0, 3)} ${y}`,
    `${dd}-${month.slice(0, 3)}-${y}`,
    iso,
  ]);
}

/** A patient's name as a document prints it: "DOE, Jane", "Mrs Jane Doe", "JANE DOE"… */
export function printName(person: Person, random: Random): string {
  const title = person.sex === 'female' ? random.pick(['Mrs', 'Ms', 'Miss']) : 'Mr';
  return random.pick([
    `${person.family.toUpperCase()}, ${person.given}`,
    `${title} ${person.given} ${person.family}`,
    `${person.given} ${person.family.toUpperCase()}`,
    `${person.given.toUpperCase()} ${person.family.toUpperCase()}`,
    `${person.given} ${person.family}`,
    `${title} ${person.given} ${person.family.toUpperCase()}`,
  ]);
}

/** An NHS number as printed: "943 476 5919", "9434765919" or "943-476-5919". */
export function printNhs(nhs: string, random: Random): string {
  const spaced = `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`;
  return random.pick([spaced, spaced, nhs, spaced.replaceAll(' ', '-')]);
}

/** A clinician's name as signed: "Dr Sarah Khan", "Dr S Khan FRCP"… (the ground truth is given and family name). */
export function printClinician(clinician: Clinician, random: Random): string {
  return random.pick([
    `Dr ${clinician.given} ${clinician.family}`,
    `Dr ${clinician.given} ${clinician.family}`,
    `${clinician.given} ${clinician.family}`,
    `Dr ${clinician.given} ${clinician.family} MRCP`,
    `Dr ${clinician.given} ${clinician.family.toUpperCase()}`,
    `Professor ${clinician.given} ${clinician.family}`,
  ]);
}

/** Age in whole years on `on` (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
