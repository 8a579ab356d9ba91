/**
 * Clinic letters about invented people, as one-line PDFs with a text layer, and the
 * reading of their patient fields back from that text: what a documents processor does,
 * reduced to labelled fields, so tests of the wrong-patient guard can run a real processor
 * (the server's inspector reads the text layer) without the documents processor.
 */
import { latin1, rawPdf } from './pdf.js';

/** Who a letter is about; each part is printed only when given. */
export interface LetterPatient {
  name?: string;
  date_of_birth?: string;
  nhs_number?: string;
  mrn?: string;
}

/** Invented people (NHS numbers pass Modulus 11). */
export const PEOPLE = Object.freeze({
  jane: { patient_id: 'P-1001', name: 'Jane Doe', date_of_birth: '1980-03-07', nhs_number: '9434765919', mrn: 'RX1234567' },
  john: { patient_id: 'P-1002', name: 'John Smith', date_of_birth: '1955-11-30', nhs_number: '4010232137', mrn: 'RX7654321' },
});

const LABELS: readonly [keyof LetterPatient, string][] = [
  ['name', 'Patient'],
  ['date_of_birth', 'DOB'],
  ['nhs_number', 'NHS No'],
  ['mrn', 'MRN'],
];

/** A one-page letter of `kind` naming `patient` as "Patient: Jane Doe | DOB: 07/03/1980 | …". */
export function letterPdf(kind: string, patient: LetterPatient): Promise<Uint8Array<ArrayBuffer>> {
  return Promise.resolve(letterBytes(kind, patient));
}

function letterBytes(kind: string, patient: LetterPatient): Uint8Array<ArrayBuffer> {
  const parts = [kind];
  for (const [key, label] of LABELS) {
    const value = patient[key];
    if (value !== undefined) parts.push(`${label}: ${key === 'date_of_birth' ? ukDate(value) : value}`);
  }
  return linesPdf(parts.map((part) => `${part} |`));
}

/**
 * An A4 page with one line of text per entry in Helvetica, written by hand (no pdf-lib), so
 * the letters are made in Node and in browsers alike. Text is Latin-1.
 */
function linesPdf(lines: string[]): Uint8Array<ArrayBuffer> {
  const escape = (line: string) => line.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = `BT /F1 11 Tf 50 780 Td 14 TL ${lines.map((line) => `(${escape(line)}) Tj T*`).join(' ')} ET`;
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${latin1(text).length} >>\nstream\n${text}\nendstream`,
  ]);
}

/** The patient fields a letter's text names, in the documents processor's form (`patient_name`, …). */
export function fieldsFromText(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const read = (label: string) => new RegExp(`${label}: ([^|\\n]+?)\\s*(?:\\||\\n|$)`).exec(text)?.[1];
  const name = read('Patient');
  const dob = read('DOB');
  const nhs = read('NHS No');
  const mrn = read('MRN');
  if (name) fields.patient_name = name;
  if (dob) fields.date_of_birth = isoFromUk(dob);
  if (nhs) fields.nhs_number = nhs.replace(/\s/g, '');
  if (mrn) fields.mrn = mrn.toUpperCase().replace(/\s/g, '');
  return fields;
}

/** `result.document` as a documents processor answers it, from a document's text. */
export function documentFromText(text: string | undefined): {
  type: string;
  template_id: null;
  confidence: number;
  text_source: string;
  fields: Record<string, string>;
} {
  return {
    type: text ? 'letter' : 'unknown',
    template_id: null,
    confidence: text ? 0.9 : 0,
    text_source: text ? 'pdf_text' : 'none',
    fields: fieldsFromText(text ?? ''),
  };
}

function ukDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function isoFromUk(uk: string): string {
  const [day, month, year] = uk.split('/');
  return `${year}-${month}-${day}`;
}
