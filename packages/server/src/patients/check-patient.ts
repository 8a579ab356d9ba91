import type { PatientCheck, PatientField } from '@batch-uploader/protocol';
import { compareNames, type Comparison } from './patient-names.js';
import { compareBy, isoDate, mrnKey, validNhsDigits } from './patient-values.js';

/** What the host knows of a batch's patient (see `BatchEngineOptions.resolvePatient`). */
export interface PatientRecord {
  /** The patient's name, in any usual form ("Jane Doe", "DOE, Jane"). */
  name?: string | null;
  /** `YYYY-MM-DD` (other UK forms are read too). */
  date_of_birth?: string | null;
  identifiers?: {
    /** 10 digits, spaces allowed. */
    nhs_number?: string | null;
    /** Hospital number; case and spaces do not matter. */
    mrn?: string | null;
  } | null;
}

/** Fields a processor read from a document (`result.document.fields`); only the ones compared are looked at. */
export type DocumentFields = Partial<Record<PatientField, unknown>> & Record<string, unknown>;

/** Identifiers that alone tell two patients apart. */
const STRONG: readonly PatientField[] = ['nhs_number', 'mrn'];

/**
 * Compares what a document says about its patient with the batch's patient.
 *
 * - `mismatch`: a strong identifier (NHS number, MRN) differs — an MRN only while the NHS
 *   number does not agree (then it is another hospital's number); or name and date of
 *   birth both differ; or every field the two have in common differs (a letter naming
 *   only another person's name is about another person). NHS numbers that fail Modulus
 *   11 are misreads and are not compared;
 * - `match`: otherwise, when at least one field agrees (a name that differs while the date
 *   of birth and NHS number agree, as after a marriage, is listed in `conflicting`);
 * - `no_identifiers`: the document and the record have no field in common;
 * - `not_checked`: no fields, or no patient.
 *
 * Pure: no I/O, no logging; values are never copied into the answer, only field names.
 */
export function checkPatient(fields: DocumentFields | null | undefined, patient: PatientRecord | null | undefined): PatientCheck {
  if (!isRecord(fields) || !patient) return { outcome: 'not_checked', matched: [], conflicting: [] };
  const compared: [PatientField, Comparison][] = [
    ['nhs_number', compareBy(fields.nhs_number, patient.identifiers?.nhs_number, validNhsDigits)],
    ['mrn', compareBy(fields.mrn, patient.identifiers?.mrn, mrnKey)],
    ['patient_name', typeof fields.patient_name === 'string' && typeof patient.name === 'string' ? compareNames(fields.patient_name, patient.name) : 'unknown'],
    ['date_of_birth', compareBy(fields.date_of_birth, patient.date_of_birth, isoDate)],
  ];
  const matched = compared.filter(([, c]) => c === 'same').map(([field]) => field);
  const conflicting = compared.filter(([, c]) => c === 'different').map(([field]) => field);
  if (matched.length === 0 && conflicting.length === 0) return { outcome: 'no_identifiers', matched, conflicting };
  // An NHS number that agrees names the patient for certain: a hospital number that differs
  // beside it is most likely another hospital's (a letter from elsewhere), not another patient.
  const nhsAgrees = matched.includes('nhs_number');
  const strongDiffers = conflicting.some((field) => STRONG.includes(field) && !(field === 'mrn' && nhsAgrees));
  const personDiffers = conflicting.includes('patient_name') && conflicting.includes('date_of_birth');
  const nothingAgrees = matched.length === 0;
  const outcome = strongDiffers || personDiffers || nothingAgrees ? 'mismatch' : 'match';
  return { outcome, matched, conflicting };
}

/**
 * The fields a processor's result carries at `document.fields`, or null when it has none
 * (any processor may be plugged in: a result is read defensively).
 */
export function documentFieldsOf(result: unknown): DocumentFields | null {
  if (!isRecord(result)) return null;
  const document = result.document;
  if (!isRecord(document)) return null;
  return isRecord(document.fields) ? (document.fields as DocumentFields) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
