/**
 * The wording and layout of the corpus's documents: several layouts per type, as
 * different hospitals and practices write them, with the labels each uses.
 */
import { ageOn, printClinician, printDate, printName, printNhs, type Clinician, type Person, type Random } from './corpus-people.js';

/** The five document types of the corpus. */
export const CORPUS_TYPES = ['referral_letter', 'discharge_summary', 'lab_report', 'imaging_report', 'clinic_letter'] as const;
export type CorpusType = (typeof CORPUS_TYPES)[number];

/** One printed line: text, or a label and a value in two columns. */
export interface Line {
  text: string;
  /** A second column's text, printed at a fixed indent. */
  value?: string;
  size?: number;
  bold?: boolean;
  align?: 'left' | 'right' | 'center';
  /** Blank space before, in points. */
  gap?: number;
}

/** What a layout is given to write. */
export interface Facts {
  person: Person;
  author: Clinician;
  /** Another clinician the document names (the GP it is sent to, the requester). */
  other: Clinician;
  /** The document's own date, YYYY-MM-DD. */
  date: string;
  /** An earlier date (admission, sample collection). */
  earlier: string;
  /** Which identifiers the document prints. */
  shows: { dob: boolean; nhs: boolean; mrn: boolean };
}

/** A layout writes a document's lines. */
export type Layout = (facts: Facts, r: Random) => Line[];

export const HOSPITALS = [
  'Northgate General Hospital',
  'St Aldhelm’s University Hospital NHS Trust',
  'Riverside Royal Infirmary',
  'Westfield District Hospital',
  'Queen Eleanor Hospital',
];
export const PRACTICES = [
  'Riverside Medical Centre',
  'The Old Mill Surgery',
  'Castle Street Health Centre',
  'Beechwood Medical Practice',
  'Harbour View Surgery',
];
const STREETS = ['12 Station Road', '4 Mill Lane', '88 High Street', '1 Church Walk', '27 Victoria Avenue'];
const TOWNS = ['Exampleton EX1 2AB', 'Sampleford SF3 9ZZ', 'Testbury TB7 4QL', 'Mocksworth MW2 8HT'];
export const COMPLAINTS = [
  'chest pain on exertion',
  'a persistent cough',
  'rectal bleeding',
  'worsening shortness of breath',
  'a breast lump',
  'recurrent headaches',
  'abdominal pain and weight loss',
  'palpitations',
  'knee pain limiting mobility',
  'difficult to control blood sugars',
];
const DIAGNOSES = [
  'Community acquired pneumonia',
  'Exacerbation of COPD',
  'Non-ST elevation myocardial infarction',
  'Urinary tract infection',
  'Fractured neck of femur',
  'Diabetic ketoacidosis',
  'Cellulitis of the left leg',
  'Heart failure',
];
export const SPECIALTIES = [
  'Cardiology',
  'Respiratory Medicine',
  'Gastroenterology',
  'Diabetes and Endocrinology',
  'Rheumatology',
  'Neurology',
  'General Surgery',
];
export const DRUGS = [
  'Amlodipine 5 mg once daily',
  'Metformin 500 mg twice daily',
  'Atorvastatin 20 mg at night',
  'Ramipril 2.5 mg once daily',
  'Bisoprolol 2.5 mg once daily',
  'Omeprazole 20 mg once daily',
  'Amoxicillin 500 mg three times daily for 5 days',
];

const nameLabel = (r: Random): string => r.pick(['Patient:', 'Patient name:', 'Name:', 'Patient Name:', 'Patient']);
const dobLabel = (r: Random): string => r.pick(['DOB:', 'D.O.B.:', 'Date of birth:', 'Date of Birth', 'DOB', 'Born:']);
const nhsLabel = (r: Random): string => r.pick(['NHS No:', 'NHS No.', 'NHS Number:', 'NHS number', 'NHS no']);
const mrnLabel = (r: Random): string => r.pick(['Hosp No:', 'Hospital No.', 'Hospital number:', 'MRN:', 'MRN', 'Unit No:', 'PAS No:', 'Hosp no']);
const pronoun = (p: Person): string => (p.sex === 'female' ? 'she' : 'he');
export const title = (p: Person): string => `${p.sex === 'female' ? 'Mrs' : 'Mr'} ${p.family}`;

/** Identifier rows in two columns ("DOB:" | "12/03/1961"). */
export function idRows(f: Facts, r: Random): Line[] {
  const rows: Line[] = [{ text: nameLabel(r), value: printName(f.person, r) }];
  if (f.shows.dob) rows.push({ text: dobLabel(r), value: printDate(f.person.date_of_birth, r) });
  if (f.shows.nhs) rows.push({ text: nhsLabel(r), value: printNhs(f.person.nhs_number, r) });
  if (f.shows.mrn) rows.push({ text: mrnLabel(r), value: f.person.mrn });
  return rows;
}

/** Identifiers run into one or two lines, as letters print them under "Re:". */
export function idInline(f: Facts, r: Random): Line[] {
  const parts = [`${r.pick(['Re:', 'RE:', 'Re:', 'Patient:'])} ${printName(f.person, r)}`];
  if (f.shows.dob) parts.push(`${dobLabel(r)} ${printDate(f.person.date_of_birth, r)}`);
  const second: string[] = [];
  if (f.shows.nhs) second.push(`${nhsLabel(r)} ${printNhs(f.person.nhs_number, r)}`);
  if (f.shows.mrn) second.push(`${mrnLabel(r)} ${f.person.mrn}`);
  const sep = r.pick([', ', '   ', '  ']);
  return r.chance(0.5)
    ? [{ text: [...parts, ...second].join(sep), bold: true }]
    : [{ text: parts.join(sep), bold: true }, ...(second.length ? [{ text: second.join(sep), bold: true }] : [])];
}

export function address(r: Random, name: string): Line[] {
  return [{ text: name, bold: true, size: 13 }, { text: r.pick(STREETS) }, { text: r.pick(TOWNS) }, { text: `Tel: 01632 ${r.int(100_000, 999_999)}` }];
}

export function signOff(f: Facts, r: Random, role: string): Line[] {
  return [
    { text: r.pick(['Yours sincerely', 'Yours sincerely,', 'Kind regards', 'Yours faithfully']), gap: 14 },
    { text: printClinician(f.author, r), gap: 22 },
    { text: role },
  ];
}

const referralLetter: Layout = (f, r) => [
  ...address(r, r.pick(PRACTICES)),
  { text: printDate(f.date, r), align: 'right', gap: 10 },
  { text: `${r.pick(['Dear Dr', 'Dear Dr'])} ${f.other.family}`, gap: 14 },
  ...idInline(f, r),
  {
    text: `${r.pick(['I would be grateful if you could see', 'Thank you for seeing', 'Many thanks for seeing', 'I would appreciate your opinion on'])} this ${ageOn(f.person.date_of_birth, f.date)}-year-old ${f.person.sex === 'female' ? 'woman' : 'man'} who presents with ${r.pick(COMPLAINTS)}.`,
    gap: 8,
  },
  {
    text: `${pronoun(f.person)[0]!.toUpperCase()}${pronoun(f.person).slice(1)} has had these symptoms for ${r.int(2, 20)} weeks despite treatment in primary care. Examination today was unremarkable apart from mild tenderness.`,
  },
  { text: `Current medication: ${r.pick(DRUGS)}; ${r.pick(DRUGS)}.`, gap: 6 },
  {
    text: r.pick([
      'I would value your assessment and advice on further management.',
      'Please see urgently under the two week wait pathway.',
      'Many thanks for your help.',
    ]),
  },
  ...signOff(f, r, r.pick(['General Practitioner', 'GP Partner', 'Salaried GP'])),
];

const referralForm: Layout = (f, r) => [
  {
    text: r.pick(['REFERRAL FORM', 'Urgent Suspected Cancer Referral (2WW)', 'e-Referral: Outpatient Referral Request']),
    bold: true,
    size: 14,
    align: 'center',
  },
  { text: `${r.pick(SPECIALTIES)} - ${r.pick(HOSPITALS)}`, align: 'center' },
  ...idRows(f, r).map((line, i) => (i === 0 ? { ...line, gap: 12 } : line)),
  { text: r.pick(['Referral date:', 'Date of referral:', 'Date:']), value: printDate(f.date, r) },
  { text: r.pick(['Referring GP:', 'Referrer:', 'Referred by:']), value: printClinician(f.author, r) },
  { text: 'Practice:', value: r.pick(PRACTICES) },
  { text: 'Reason for referral', bold: true, gap: 10 },
  { text: `Presents with ${r.pick(COMPLAINTS)}. ${r.pick(['Symptoms for three months.', 'No red flags on examination.', 'Family history of bowel cancer.'])}` },
  { text: 'Relevant history', bold: true, gap: 6 },
  { text: `Hypertension. ${r.pick(DRUGS)}.` },
];

const referralInternal: Layout = (f, r) => [
  { text: r.pick(HOSPITALS), bold: true, size: 12 },
  { text: r.pick(['Inter-specialty referral', 'Internal Referral', 'Consultant to consultant referral']), bold: true, gap: 8 },
  { text: `From: ${printClinician(f.author, r)}, ${r.pick(SPECIALTIES)}`, gap: 6 },
  { text: `To: Dr ${f.other.given} ${f.other.family}, ${r.pick(SPECIALTIES)}` },
  { text: `Date: ${printDate(f.date, r)}` },
  ...idRows(f, r).map((line, i) => (i === 0 ? { ...line, gap: 8 } : line)),
  {
    text: `I am referring ${title(f.person)}, currently an inpatient on ${r.pick(['Ward 7', 'Ward 12', 'Elm Ward'])}, for your opinion regarding ${r.pick(COMPLAINTS)}.`,
    gap: 10,
  },
  { text: 'I would be grateful if your team could review at your earliest convenience.' },
];

const dischargeTable: Layout = (f, r) => [
  { text: r.pick(HOSPITALS), size: 12, align: 'center' },
  { text: r.pick(['DISCHARGE SUMMARY', 'Discharge Summary', 'INPATIENT DISCHARGE SUMMARY']), bold: true, size: 15, align: 'center' },
  ...idRows(f, r).map((line, i) => (i === 0 ? { ...line, gap: 12 } : line)),
  { text: 'Ward:', value: r.pick(['Ward 7', 'Ward 12', 'Elm Ward', 'Coronary Care Unit']) },
  { text: 'Consultant:', value: `Dr ${f.other.given} ${f.other.family}` },
  { text: r.pick(['Date of admission:', 'Admission date:', 'Admitted:']), value: printDate(f.earlier, r) },
  { text: r.pick(['Date of discharge:', 'Discharge date:', 'Discharged:']), value: printDate(f.date, r) },
  { text: 'Diagnosis', bold: true, gap: 10 },
  { text: r.pick(DIAGNOSES) },
  { text: r.pick(['Presenting complaint', 'Reason for admission']), bold: true, gap: 6 },
  { text: `Admitted with ${r.pick(COMPLAINTS)}. Treated and improved.` },
  { text: r.pick(['Medications on discharge', 'Discharge medications', 'TTO medications']), bold: true, gap: 6 },
  { text: r.pick(DRUGS) },
  { text: r.pick(DRUGS) },
  { text: 'Follow up: GP review in two weeks.', gap: 6 },
  { text: r.pick(['Completed by:', 'Discharging clinician:', 'Discharging doctor:']), value: printClinician(f.author, r), gap: 10 },
];

const dischargeLetter: Layout = (f, r) => [
  ...address(r, r.pick(HOSPITALS)),
  { text: `${r.pick(['Date:', 'Date typed:', 'Dated'])} ${printDate(f.date, r)}`, gap: 8 },
  { text: `Dear Dr ${f.other.family}`, gap: 12 },
  ...idInline(f, r),
  { text: r.pick(['Discharge letter', 'Inpatient discharge letter', 'Transfer of care: discharge notification']), bold: true, gap: 6 },
  {
    text: `Your patient was admitted under ${r.pick(SPECIALTIES)} on ${printDate(f.earlier, r)} with ${r.pick(COMPLAINTS)} and was discharged home on ${printDate(f.date, r)}.`,
    gap: 6,
  },
  { text: `Diagnosis: ${r.pick(DIAGNOSES)}.` },
  { text: `Medication changes: started ${r.pick(DRUGS)}.` },
  { text: 'Please arrange a blood test in one week.' },
  ...signOff(f, r, r.pick(['Foundation Year 2 Doctor', 'Specialty Registrar', 'Consultant Physician'])),
];

const dischargeNotification: Layout = (f, r) => [
  { text: 'Transfer of Care - Discharge Notification', bold: true, size: 14 },
  { text: r.pick(HOSPITALS) },
  { text: `Surname: ${f.person.family.toUpperCase()}`, gap: 10 },
  { text: `Forename: ${f.person.given}` },
  ...(f.shows.dob ? [{ text: `${dobLabel(r)} ${printDate(f.person.date_of_birth, r)}` }] : []),
  ...(f.shows.nhs ? [{ text: `${nhsLabel(r)} ${printNhs(f.person.nhs_number, r)}` }] : []),
  ...(f.shows.mrn ? [{ text: `${mrnLabel(r)} ${f.person.mrn}` }] : []),
  { text: `Admitted ${printDate(f.earlier, r)}   Discharged ${printDate(f.date, r)}`, gap: 8 },
  { text: `Length of stay: ${r.int(1, 14)} days` },
  { text: `Primary diagnosis: ${r.pick(DIAGNOSES)}`, gap: 6 },
  { text: `Hospital course: responded to treatment; mobilising independently at discharge.` },
  { text: `Discharged by: ${printClinician(f.author, r)}`, gap: 8 },
];

/** Layouts of referral letters and discharge summaries. */
export const LETTER_LAYOUTS = {
  referral_letter: [referralLetter, referralForm, referralInternal],
  discharge_summary: [dischargeTable, dischargeLetter, dischargeNotification],
} as const satisfies Partial<Record<CorpusType, readonly Layout[]>>;
