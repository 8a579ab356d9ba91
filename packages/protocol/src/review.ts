import { REVIEW_REASONS, type ReviewReasonCode } from './errors.js';

/**
 * Files held for a person's decision: why (a reason code from {@link REVIEW_REASONS}),
 * and what staff decided. The wrong-patient guard is the first reason.
 */

/** Fields of a document that the wrong-patient guard compares with the batch's patient. */
export const PATIENT_FIELDS = Object.freeze(['nhs_number', 'mrn', 'patient_name', 'date_of_birth'] as const);

/** A field the wrong-patient guard compares. */
export type PatientField = (typeof PATIENT_FIELDS)[number];

/** How a file's document compared with the batch's patient. */
export type PatientCheckOutcome = 'match' | 'mismatch' | 'no_identifiers' | 'not_checked';

/**
 * `result.patient_check` of a completed file: the guard's verdict and the names (never
 * the values) of the fields that agreed and disagreed.
 */
export interface PatientCheck {
  /**
   * `match`: the fields it names agree with the patient; `mismatch`: a strong identifier
   * (NHS number, MRN) differs, or name and date of birth both differ; `no_identifiers`:
   * the document names none of the fields the patient's record has; `not_checked`: the
   * batch has no patient, the server cannot look the patient up, or the processor read
   * no fields.
   */
  outcome: PatientCheckOutcome;
  /** Fields that agree. */
  matched: PatientField[];
  /** Fields that differ. */
  conflicting: PatientField[];
}

/** The words a clerk reads for each compared field. */
export const PATIENT_FIELD_LABELS: Readonly<Record<PatientField, string>> = Object.freeze({
  nhs_number: 'NHS number',
  mrn: 'hospital number',
  patient_name: 'name',
  date_of_birth: 'date of birth',
});

/** The clerk's sentence for a mismatch on `fields`: "This document names another patient: NHS number differs." */
export function patientMismatchMessage(fields: readonly PatientField[]): string {
  const words = fields.map((field) => PATIENT_FIELD_LABELS[field]);
  const listed = words.length <= 1 ? (words[0] ?? 'an identifier') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
  const sentence = REVIEW_REASONS.PATIENT_MISMATCH.replace('{fields}', listed);
  // "name and date of birth differs" reads wrong: two or more fields differ.
  return words.length > 1 ? sentence.replace(/ differs\.$/, ' differ.') : sentence;
}

/** What staff decide about a file held for review, as sent to the review endpoint. */
export type ReviewDecision = 'confirm' | 'reject';

/**
 * What a decision recorded: `confirmed` (the file is right where it is: file it),
 * `rejected` (it must not be filed to this patient). Both end the review.
 */
export type ReviewState = 'confirmed' | 'rejected';

/** `review` of a file held for review. */
export interface FileReview {
  /** Why it was held: a {@link REVIEW_REASONS} code and its sentence. */
  reason: { code: ReviewReasonCode | (string & {}); message: string };
  /** What staff decided; null while the file waits. */
  decision: ReviewState | null;
  /** Who decided: the caller's identity as the server's auth gives it (a user or token id, never patient data). */
  decided_by: string | null;
  /** When (ISO 8601). */
  decided_at: string | null;
}

/** Body of `POST /batch/{batch_id}/files/{file_id}/review`. */
export interface ReviewRequest {
  decision: ReviewDecision;
}

/** The `decision` values the review endpoint takes, and what each records. */
export const REVIEW_DECISIONS: Readonly<Record<ReviewDecision, ReviewState>> = Object.freeze({ confirm: 'confirmed', reject: 'rejected' });
