import { patientMismatchMessage, type FileError, type PatientCheck } from '@batch-uploader/protocol';
import { checkPatient, documentFieldsOf, type PatientRecord } from '../patients/check-patient.js';
import { TransientError } from '../processors/processor.js';

/** Which patient to look up: the batch's workspace and its `patient_id`. */
export interface PatientQuery {
  workspace_id: string;
  patient_id: string;
  /** Aborted when the file's run is (timeout, lost lease, shutdown). */
  signal: AbortSignal;
}

/**
 * The host's lookup of a batch's patient, for the wrong-patient guard: null when the
 * host does not know the patient. Called in the server process, never in a browser.
 */
export type ResolvePatient = (query: PatientQuery) => PatientRecord | null | undefined | Promise<PatientRecord | null | undefined>;

/** What the guard adds to a completed file. */
export interface GuardedResult {
  /** The processor's result with `patient_check` added (when it is an object). */
  result: unknown;
  /** Holds the file for review: set for a mismatch. */
  review: FileError | null;
}

/**
 * The lookup failed or took too long. Its message is fixed: a host's error could quote
 * the patient, and errors reach logs.
 */
export class PatientLookupError extends TransientError {
  readonly code = 'PATIENT_LOOKUP_FAILED';
  constructor(cause: unknown) {
    super("Looking up the batch's patient failed; the file will be tried again.", { cause });
  }
}

const NOT_CHECKED: PatientCheck = Object.freeze({ outcome: 'not_checked', matched: [], conflicting: [] }) as PatientCheck;

/**
 * Compares the document fields in a processor's `result` with the batch's patient (see
 * `checkPatient`) and adds `result.patient_check` — when the server has `resolvePatient`
 * or the result is a documents processor's (it has `document`); a mismatch holds the file for review
 * with `PATIENT_MISMATCH`. The patient is looked up only when there is something to
 * compare. A lookup that throws, rejects or outlasts `timeoutMs` throws
 * {@link PatientLookupError}, so the attempt counts as transient.
 */
export async function guardResult(
  result: unknown,
  batch: { workspace_id: string; patient_id: string | null },
  lookup: { resolve: ResolvePatient | null; timeoutMs: number; signal: AbortSignal },
): Promise<GuardedResult> {
  if (!isPlainObject(result)) return { result, review: null };
  // A server without the guard keeps a plain processor's result exactly as it answered.
  if (!lookup.resolve && !isPlainObject(result.document)) return { result, review: null };
  const fields = documentFieldsOf(result);
  let check = NOT_CHECKED;
  if (fields && batch.patient_id && lookup.resolve) {
    const patient = await resolveWithin(lookup.resolve, { workspace_id: batch.workspace_id, patient_id: batch.patient_id }, lookup);
    check = patient ? checkPatient(fields, patient) : NOT_CHECKED;
  }
  const review = check.outcome === 'mismatch' ? { code: 'PATIENT_MISMATCH', message: patientMismatchMessage(check.conflicting) } : null;
  return { result: { ...result, patient_check: { ...check, matched: [...check.matched], conflicting: [...check.conflicting] } }, review };
}

async function resolveWithin(
  resolve: ResolvePatient,
  query: Omit<PatientQuery, 'signal'>,
  { timeoutMs, signal }: { timeoutMs: number; signal: AbortSignal },
): Promise<PatientRecord | null> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    const found = await Promise.race([Promise.resolve().then(() => resolve({ ...query, signal: controller.signal })), expired]);
    // Anything but an object is "not known": a lookup may answer undefined or false.
    return isPlainObject(found) ? (found as PatientRecord) : null;
  } catch (error) {
    throw new PatientLookupError(error);
  } finally {
    clearTimeout(timer);
    controller.abort();
    signal.removeEventListener('abort', stop);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
