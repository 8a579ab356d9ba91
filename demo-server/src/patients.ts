import { readFileSync } from 'node:fs';
import { isValidNhsNumber, isoDate, nhsDigits, type PatientRecord, type ResolvePatient } from '@batch-uploader/server';

/** One patient of the `PATIENTS_FILE` registry. */
export interface PatientEntry {
  patient_id: string;
  name: string;
  /** `YYYY-MM-DD`. */
  date_of_birth: string;
  /** 10 digits (spaces allowed in the file), Modulus 11 valid. */
  nhs_number: string;
  /** Hospital number, when the registry has one. */
  mrn?: string;
  /** The workspace whose batches may name this patient; absent: every workspace's. */
  workspace_id?: string;
}

/** A `PATIENTS_FILE` that cannot be used; the message names the entry and field, never a patient's details. */
export class PatientsFileError extends Error {
  override readonly name = 'PatientsFileError';
}

/**
 * Reads and checks the registry: a JSON array of {@link PatientEntry}. Every entry must
 * be whole (a wrong one is refused at start, not found out when a file is checked), and
 * a patient id appears once per workspace.
 */
export function readPatientsFile(path: string): PatientEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PatientsFileError(`PATIENTS_FILE cannot be read: "${path}".`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PatientsFileError(`PATIENTS_FILE is not valid JSON: "${path}".`);
  }
  if (!Array.isArray(parsed))
    throw new PatientsFileError('PATIENTS_FILE must hold a JSON array of patients: [{ "patient_id", "name", "date_of_birth", "nhs_number" }].');
  const entries = parsed.map((raw: unknown, index) => checkEntry(raw, index));
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const key = `${entry.workspace_id ?? '*'}\u0000${entry.patient_id}`;
    if (seen.has(key)) throw new PatientsFileError(`PATIENTS_FILE: entry ${index + 1} repeats a patient_id of its workspace.`);
    seen.add(key);
  }
  return entries;
}

function checkEntry(raw: unknown, index: number): PatientEntry {
  const where = `PATIENTS_FILE: entry ${index + 1}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PatientsFileError(`${where} is not an object.`);
  const entry = raw as Record<string, unknown>;
  const text = (field: string, required: boolean): string | undefined => {
    const value = entry[field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new PatientsFileError(`${where}: "${field}" must be a non-empty string.`);
    return value.trim();
  };
  const patient_id = text('patient_id', true)!;
  const name = text('name', true)!;
  const date_of_birth = text('date_of_birth', true)!;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date_of_birth) || isoDate(date_of_birth) !== date_of_birth) {
    throw new PatientsFileError(`${where}: "date_of_birth" must be a real date written YYYY-MM-DD.`);
  }
  const digits = nhsDigits(text('nhs_number', true)!);
  if (digits === null || !isValidNhsNumber(digits)) throw new PatientsFileError(`${where}: "nhs_number" must be 10 digits that pass the Modulus 11 check.`);
  const mrn = text('mrn', false);
  const workspace_id = text('workspace_id', false);
  return { patient_id, name, date_of_birth, nhs_number: digits, ...(mrn ? { mrn } : {}), ...(workspace_id ? { workspace_id } : {}) };
}

/**
 * The engine's `resolvePatient` over the registry: a batch's patient is the entry with its
 * `patient_id` in the batch's workspace, else one listed for every workspace; null when
 * neither (the batch's files are then `not_checked`).
 */
export function patientResolver(entries: readonly PatientEntry[]): ResolvePatient {
  const byKey = new Map(entries.map((entry) => [`${entry.workspace_id ?? '*'}\u0000${entry.patient_id}`, entry]));
  return ({ workspace_id, patient_id }) => {
    const entry = byKey.get(`${workspace_id}\u0000${patient_id}`) ?? byKey.get(`*\u0000${patient_id}`);
    if (!entry) return null;
    const record: PatientRecord = {
      name: entry.name,
      date_of_birth: entry.date_of_birth,
      identifiers: { nhs_number: entry.nhs_number, mrn: entry.mrn ?? null },
    };
    return record;
  };
}
