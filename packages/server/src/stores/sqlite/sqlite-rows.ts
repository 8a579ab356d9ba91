import type { BatchPriority, FileError, FileStatus, ReviewState } from '@batch-uploader/protocol';
import type { BatchRecord, FileRecord } from '../../store/records.js';

/** A `batches` row joined with its file counts, as BATCH_SELECT reads it. */
export interface BatchRow {
  id: string;
  workspace_id: string;
  priority: BatchPriority;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
  total_files: number;
  created_at: number;
  updated_at: number;
  version: number;
  cancelled_at: number | null;
  cancel_error: string | null;
  paused_at: number | null;
  held_until: number | null;
  expected_files: number | null;
  finished_at: number | null;
  content_purged_at: number | null;
  n_pending: number;
  n_processing: number;
  n_completed: number;
  n_failed: number;
  n_cancelled: number;
  n_needs_review: number;
  n_rejected_at_review: number;
}

/** A `files` row. */
export interface FileRow {
  id: string;
  batch_id: string;
  workspace_id: string;
  position: number;
  filename: string;
  size: number;
  declared_type: string | null;
  detected_type: string | null;
  blob_key: string | null;
  status: FileStatus;
  attempts: number;
  error: string | null;
  result: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  run_after: number | null;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  blob_purged_at: number | null;
  content_purged_at: number | null;
  review_reason: string | null;
  review_decision: ReviewState | null;
  reviewed_by: string | null;
  reviewed_at: number | null;
}

/** A completed file held for review that no one has decided yet. */
export const AWAITING_REVIEW = `f.status = 'completed' AND f.review_reason IS NOT NULL AND f.review_decision IS NULL`;

/** Columns of a batch with counts derived from its files, so they can never drift. */
export const BATCH_SELECT = `
  b.id, b.workspace_id, b.priority, b.patient_id, b.template_id, b.encounter_id, b.total_files,
  b.created_at, b.updated_at, b.version, b.cancelled_at, b.cancel_error, b.paused_at, b.held_until, b.expected_files, b.finished_at,
  b.content_purged_at,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND f.status = 'pending') AS n_pending,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND f.status = 'processing') AS n_processing,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND f.status = 'completed') AS n_completed,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND f.status = 'failed') AS n_failed,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND f.status = 'cancelled') AS n_cancelled,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND ${AWAITING_REVIEW}) AS n_needs_review,
  (SELECT count(*) FROM files f WHERE f.batch_id = b.id AND f.review_decision = 'rejected') AS n_rejected_at_review`;

/** Encodes a JSON column; `undefined` and `null` are stored as NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : (JSON.stringify(value) ?? null);
}

function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/** Maps a batch row to the contract's record. */
export function toBatchRecord(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    priority: row.priority,
    patient_id: row.patient_id,
    template_id: row.template_id,
    encounter_id: row.encounter_id,
    total_files: row.total_files,
    counts: {
      pending: row.n_pending,
      processing: row.n_processing,
      completed: row.n_completed,
      failed: row.n_failed,
      cancelled: row.n_cancelled,
    },
    needs_review: row.n_needs_review,
    rejected_at_review: row.n_rejected_at_review,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    version: row.version,
    cancelled_at: toDate(row.cancelled_at),
    paused_at: toDate(row.paused_at),
    held_until: toDate(row.held_until),
    expected_files: row.expected_files ?? null,
    finished_at: toDate(row.finished_at),
    content_purged_at: toDate(row.content_purged_at),
  };
}

/** Maps a file row to the contract's record; the lease token never leaves the store. */
export function toFileRecord(row: FileRow): FileRecord {
  return {
    id: row.id,
    batch_id: row.batch_id,
    workspace_id: row.workspace_id,
    position: row.position,
    filename: row.filename,
    size: row.size,
    declared_type: row.declared_type,
    detected_type: row.detected_type,
    blob_key: row.blob_key,
    status: row.status,
    attempts: row.attempts,
    error: fromJson<FileError>(row.error),
    result: fromJson<unknown>(row.result),
    review: toReview(row),
    created_at: new Date(row.created_at),
    started_at: toDate(row.started_at),
    completed_at: toDate(row.completed_at),
    run_after: toDate(row.run_after),
    lease_owner: row.lease_owner,
    lease_expires_at: toDate(row.lease_expires_at),
    blob_purged_at: toDate(row.blob_purged_at),
    content_purged_at: toDate(row.content_purged_at),
  };
}

function toReview(row: FileRow): FileRecord['review'] {
  const reason = fromJson<FileError>(row.review_reason);
  if (!reason) return null;
  return { reason, decision: row.review_decision, decided_by: row.reviewed_by, decided_at: toDate(row.reviewed_at) };
}
