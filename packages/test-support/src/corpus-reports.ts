/** Layouts of laboratory and imaging reports and clinic letters (see corpus-layouts). */
import {
  COMPLAINTS,
  DRUGS,
  HOSPITALS,
  SPECIALTIES,
  address,
  idInline,
  idRows,
  signOff,
  title,
  type CorpusType,
  type Layout,
  type Line,
} from './corpus-layouts.js';
import { printClinician, printDate, printName, printNhs, type Random } from './corpus-people.js';

const TESTS: readonly (readonly [string, string, string])[] = [
  ['Haemoglobin', 'g/L', '115 - 165'],
  ['White cell count', 'x10^9/L', '4.0 - 11.0'],
  ['Platelets', 'x10^9/L', '150 - 400'],
  ['Sodium', 'mmol/L', '133 - 146'],
  ['Potassium', 'mmol/L', '3.5 - 5.3'],
  ['Creatinine', 'umol/L', '45 - 84'],
  ['eGFR', 'mL/min/1.73m2', '> 90'],
  ['CRP', 'mg/L', '< 5'],
  ['HbA1c', 'mmol/mol', '20 - 41'],
  ['TSH', 'mU/L', '0.27 - 4.2'],
];

function results(r: Random): Line[] {
  const count = r.int(3, 6);
  const start = r.int(0, TESTS.length - count);
  return TESTS.slice(start, start + count).map(([test, unit, range]) => ({ text: test, value: `${(r.next() * 100 + 1).toFixed(1)}   ${unit}   (${range})` }));
}

const labTable: Layout = (f, r) => [
  { text: r.pick(HOSPITALS), size: 11 },
  { text: r.pick(['Department of Haematology', 'Clinical Biochemistry', 'Blood Sciences Laboratory', 'Pathology Services']), bold: true, size: 14 },
  ...idRows(f, r).map((line, i) => (i === 0 ? { ...line, gap: 10 } : line)),
  { text: r.pick(['Lab No:', 'Laboratory number:', 'Specimen No:']), value: `${r.pick(['H', 'B', 'C'])}${r.int(10, 99)}.${r.int(1_000_000, 9_999_999)}` },
  { text: 'Specimen:', value: r.pick(['Blood', 'Serum', 'Whole blood EDTA']) },
  { text: r.pick(['Collected:', 'Sample collected:', 'Date collected:']), value: printDate(f.earlier, r) },
  { text: r.pick(['Reported:', 'Date reported:', 'Report date:']), value: printDate(f.date, r) },
  { text: `Requested by: Dr ${f.other.given} ${f.other.family}` },
  { text: 'Test', value: 'Result   Units   (Reference range)', bold: true, gap: 10 },
  ...results(r),
  { text: r.pick(['Comment: results reviewed.', 'Comment: please repeat in 3 months.', 'Comment: no further action.']), gap: 8 },
  { text: r.pick(['Authorised by:', 'Validated by:', 'Verified by:']), value: printClinician(f.author, r), gap: 6 },
];

const labHeaderBlock: Layout = (f, r) => [
  { text: r.pick(['LABORATORY REPORT', 'PATHOLOGY REPORT', 'Microbiology Report']), bold: true, size: 15, align: 'center' },
  { text: r.pick(HOSPITALS), align: 'center' },
  { text: `Surname: ${f.person.family.toUpperCase()}    Forename: ${f.person.given}`, gap: 10 },
  {
    text:
      [f.shows.dob ? `${dobLabel(r)} ${printDate(f.person.date_of_birth, r)}` : '', f.shows.nhs ? `NHS Number: ${printNhs(f.person.nhs_number, r)}` : '']
        .filter(Boolean)
        .join('    ') || 'Sex: not stated',
  },
  ...(f.shows.mrn ? [{ text: `${r.pick(['Hospital No:', 'MRN:', 'Unit No:'])} ${f.person.mrn}` }] : []),
  { text: `Sample type: ${r.pick(['Mid-stream urine', 'Wound swab', 'Sputum', 'Blood culture'])}    Received: ${printDate(f.earlier, r)}`, gap: 8 },
  { text: 'Culture', bold: true, gap: 8 },
  {
    text: r.pick([
      'No significant growth.',
      'Escherichia coli isolated, >10^5 cfu/mL.',
      'Mixed growth of doubtful significance.',
      'Staphylococcus aureus isolated.',
    ]),
  },
  { text: 'Sensitivities: amoxicillin R, nitrofurantoin S, trimethoprim S' },
  { text: `Date of report: ${printDate(f.date, r)}`, gap: 10 },
  { text: `Reported by: ${printClinician(f.author, r)}, ${r.pick(['Consultant Microbiologist', 'Clinical Scientist'])}` },
];

const dobLabel = (r: Random): string => r.pick(['DOB:', 'D.O.B.', 'Date of birth:']);

const EXAMS = [
  'CT chest, abdomen and pelvis with contrast',
  'MRI lumbar spine',
  'Chest X-ray PA',
  'Ultrasound abdomen',
  'Bilateral mammography',
  'CT head without contrast',
  'X-ray left wrist, two views',
  'MRI brain with gadolinium',
];

const imagingFull: Layout = (f, r) => [
  { text: r.pick(['Department of Radiology', 'Diagnostic Imaging Department', 'Radiology Department']), bold: true, size: 14 },
  { text: r.pick(HOSPITALS) },
  ...idRows(f, r).map((line, i) => (i === 0 ? { ...line, gap: 10 } : line)),
  { text: r.pick(['Examination:', 'Exam:', 'Procedure:']), value: r.pick(EXAMS), gap: 6 },
  { text: r.pick(['Date of examination:', 'Exam date:', 'Date of scan:']), value: printDate(f.date, r) },
  { text: 'Referrer:', value: `Dr ${f.other.given} ${f.other.family}` },
  { text: r.pick(['Clinical history', 'Clinical details', 'Clinical indication']), bold: true, gap: 10 },
  { text: `${r.pick(COMPLAINTS)[0]!.toUpperCase()}${r.pick(COMPLAINTS).slice(1)}. ?cause.` },
  { text: 'Findings', bold: true, gap: 6 },
  {
    text: r.pick([
      'No focal consolidation, collapse or effusion. Heart size normal.',
      'There is a 12 mm nodule in the right upper lobe. No lymphadenopathy.',
      'Mild degenerative change at L4/5 with no nerve root compression.',
      'The liver, gallbladder, pancreas and kidneys appear normal.',
    ]),
  },
  { text: r.pick(['Impression', 'Conclusion', 'Opinion']), bold: true, gap: 6 },
  { text: r.pick(['Normal study.', 'Indeterminate nodule: follow-up CT in 3 months advised.', 'Degenerative change only.']) },
  { text: `${r.pick(['Reported by:', 'Reporting radiologist:', 'Verified by:'])} ${printClinician(f.author, r)}`, gap: 10 },
];

const imagingShort: Layout = (f, r) => [
  { text: r.pick(['IMAGING REPORT', 'RADIOLOGY REPORT', 'X-RAY REPORT']), bold: true, size: 15 },
  { text: `${printName(f.person, r)}${f.shows.dob ? `   ${dobLabel(r)} ${printDate(f.person.date_of_birth, r)}` : ''}`, bold: true, gap: 8 },
  {
    text:
      [f.shows.nhs ? `NHS No: ${printNhs(f.person.nhs_number, r)}` : '', f.shows.mrn ? `MRN: ${f.person.mrn}` : ''].filter(Boolean).join('   ') ||
      `Ward: ${r.pick(['A&E', 'Ward 3'])}`,
  },
  { text: `Modality: ${r.pick(['CT', 'MR', 'US', 'XR'])}    Accession: RAD${r.int(1_000_000, 9_999_999)}`, gap: 6 },
  { text: `Study date: ${printDate(f.date, r)}` },
  {
    text: `Report: ${r.pick(['Lungs clear. No pneumothorax.', 'No acute intracranial abnormality.', 'Simple renal cyst, no follow-up needed.', 'Undisplaced fracture of the distal radius.'])}`,
    gap: 8,
  },
  { text: `Radiologist: ${printClinician(f.author, r)}`, gap: 8 },
];

const clinicLetter: Layout = (f, r) => [
  ...address(r, r.pick(HOSPITALS)),
  { text: `${r.pick(SPECIALTIES)} Outpatients`, bold: true },
  { text: `${r.pick(['Clinic date:', 'Date of clinic:', 'Date seen:'])} ${printDate(f.date, r)}`, gap: 6 },
  { text: `Dear Dr ${f.other.family}`, gap: 12 },
  ...idInline(f, r),
  { text: r.pick(['Diagnosis:', 'Diagnoses:']), bold: true, gap: 6 },
  { text: r.pick(['1. Type 2 diabetes  2. Hypertension', '1. Rheumatoid arthritis', '1. Paroxysmal atrial fibrillation', '1. Irritable bowel syndrome']) },
  {
    text: `${r.pick(['I reviewed', 'I saw', 'Thank you for referring'])} ${title(f.person)} ${r.pick(['in clinic today', 'in the clinic', 'who I saw today in the outpatient department'])}. ${r.pick(['Symptoms have improved since the last visit.', 'Things are much the same.', 'Blood results were satisfactory.'])}`,
    gap: 8,
  },
  { text: `Plan: continue ${r.pick(DRUGS)}. Review in ${r.int(3, 12)} months.` },
  ...signOff(f, r, r.pick(['Consultant Physician', 'Consultant Rheumatologist', 'Specialty Registrar'])),
  { text: 'cc: Patient', gap: 8 },
];

const clinicSummary: Layout = (f, r) => [
  { text: r.pick(HOSPITALS), bold: true },
  { text: r.pick(['OUTPATIENT CLINIC LETTER', 'Clinic Letter', 'Outpatient Review']), bold: true, size: 14, gap: 4 },
  ...idRows(f, r).map((line, i) => (i === 0 ? { ...line, gap: 8 } : line)),
  { text: r.pick(['Date seen:', 'Clinic date:', 'Seen on:']), value: printDate(f.date, r) },
  { text: 'Clinician:', value: printClinician(f.author, r) },
  { text: 'Outcome', bold: true, gap: 10 },
  { text: `Follow-up ${r.pick(['in 6 months', 'in 3 months', 'not required; discharged to GP care'])}.` },
  { text: 'Summary', bold: true, gap: 6 },
  {
    text: `Seen today in clinic for ${r.pick(COMPLAINTS)}. Examination normal. ${r.pick(['Reassured.', 'Started on treatment.', 'Investigations requested.'])}`,
  },
  { text: 'Copy to: GP' },
];

/** Layouts of laboratory and imaging reports and clinic letters. */
export const REPORT_LAYOUTS = {
  lab_report: [labTable, labHeaderBlock],
  imaging_report: [imagingFull, imagingShort],
  clinic_letter: [clinicLetter, clinicSummary],
} as const satisfies Partial<Record<CorpusType, readonly Layout[]>>;
