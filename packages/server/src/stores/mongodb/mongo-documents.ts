import type { BatchPriority, FileError, FileStatus, ReviewState } from '@batch-uploader/protocol';
import type { BatchRecord, FileCounts, FileRecord, NewFile } from '../../store/records.js';

/**
 * A batch as stored. Counts are not stored: they are derived from the file documents
 * whenever a batch is read, so they can never drift from the files (no counter to keep
 * in step across documents without a transaction).
 */
export interface BatchDoc {
  _id: string;
  workspace_id: string;
  priority: BatchPriority;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
  total_files: number;
  /** Position in the claim order: created_at + priority offset + CLAIM_STEP_MS per claim made. */
  claim_at: Date;
  created_at: Date;
  updated_at: Date;
  /**
   * Grows by one in every write that touches the batch (absent on batches stored before
   * it existed: 0). Each change to a file is followed by such a write, so the batch's
   * version moves with what a status read shows, on whichever instance made the change.
   */
  version?: number;
  cancelled_at: Date | null;
  /** JSON text of the error cancelled files get. */
  cancel_error: string | null;
  /** Set while paused (absent on batches stored before pausing existed). */
  paused_at?: Date | null;
  /**
   * Grows by one on every pause and resume; files copy it with the state it set, and a
   * file only takes a state of a higher number, so racing pauses and resumes converge
   * on the last one whatever order their file updates land in.
   */
  state_seq?: number;
  /**
   * Set while the batch is held open for appends: when the hold runs out (absent on
   * batches stored before holds existed). A held batch does not finish.
   */
  held_until?: Date | null;
  /** How many files the upload means to send, when it said so (absent on batches stored before). */
  expected_files?: number | null;
  finished_at: Date | null;
  /** Position the next appended file takes (absent until the first append: total_files then). */
  next_position?: number;
  /**
   * Appends in flight: positions are reserved but their files may not be stored yet, so
   * the batch must not finish. A crashed append's count is cleared by the repair pass.
   */
  appending?: number;
  /** Set once no file of the finished batch keeps bytes, so retention stops looking at it. */
  blobs_purged_at: Date | null;
  /** Set once retention removed the patient and encounter ids and the files' content (absent before). */
  content_purged_at?: Date | null;
  /**
   * Present while the batch is not (or no longer) whole: `creating` until all its files
   * are stored, `deleting` while retention removes it. Hidden batches are never read.
   */
  hidden?: 'creating' | 'deleting';
}

/**
 * Where a file's batch stands, copied onto every file document so that the claim and the
 * release can decide on one document, atomically: only `open` files are claimed (not
 * those of a `paused` batch), and a held file released in a `cancelled` batch becomes
 * cancelled instead of pending.
 */
export type BatchState = 'creating' | 'open' | 'paused' | 'cancelled';

/** A file as stored: the file documents are the processing queue. */
export interface FileDoc {
  _id: string;
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
  /** JSON text, like the SQLite store: any JSON round-trips, whatever its keys. */
  error: string | null;
  /** JSON text of the processor's result. */
  result: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  run_after: Date | null;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: Date | null;
  blob_purged_at: Date | null;
  /** Set once retention removed the file's name, the result's content and a processor's message (absent before). */
  content_purged_at?: Date | null;
  /** JSON text of why a completed file is held for review (absent or null: never held). */
  review_reason?: string | null;
  review_decision?: ReviewState | null;
  reviewed_by?: string | null;
  reviewed_at?: Date | null;
  /** The batch's `claim_at`, kept in step (it only grows) so one sorted query picks the next file. */
  claim_at: Date;
  batch_state: BatchState;
  /** The batch's `state_seq` that set `batch_state` to open or paused. */
  state_seq?: number;
  /** The batch's cancel error (JSON text), for files that end cancelled after the cancel. */
  cancel_error: string | null;
}

/** Statuses in which a file can still change. */
export const ACTIVE_STATUSES: FileStatus[] = ['pending', 'processing'];

/** Encodes a JSON field; `undefined` and `null` are stored as null. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : (JSON.stringify(value) ?? null);
}

function fromJson<T>(text: string | null | undefined): T | null {
  return typeof text === 'string' ? (JSON.parse(text) as T) : null;
}

/** Counts by status from `{ status, n }` pairs (missing statuses are 0). */
export function countsFrom(pairs: Iterable<{ status: FileStatus; n: number }>): FileCounts {
  const counts: FileCounts = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const { status, n } of pairs) if (status in counts) counts[status] += n;
  return counts;
}

/** Whether a file waits for a review decision (counted in the batch's `needs_review`). */
export function awaitsReview(doc: Pick<FileDoc, 'status' | 'review_reason' | 'review_decision'>): boolean {
  return doc.status === 'completed' && typeof doc.review_reason === 'string' && (doc.review_decision ?? null) === null;
}

/** The aggregation expression of {@link awaitsReview}. */
export const AWAITS_REVIEW_EXPR = Object.freeze({
  $and: [{ $eq: ['$status', 'completed'] }, { $ne: [{ $ifNull: ['$review_reason', null] }, null] }, { $eq: [{ $ifNull: ['$review_decision', null] }, null] }],
});

/** The aggregation expression of a file staff rejected at review. */
export const REJECTED_AT_REVIEW_EXPR = Object.freeze({ $eq: [{ $ifNull: ['$review_decision', null] }, 'rejected'] });

/** What a batch's files say of review: how many wait for a decision, how many were rejected. */
export interface ReviewCounts {
  needsReview: number;
  rejectedAtReview: number;
}

/** Maps a batch document, its counts and its files' review counts to the contract's record. */
export function toBatchRecord(doc: BatchDoc, counts: FileCounts, { needsReview, rejectedAtReview }: ReviewCounts): BatchRecord {
  return {
    id: doc._id,
    workspace_id: doc.workspace_id,
    priority: doc.priority,
    patient_id: doc.patient_id ?? null,
    template_id: doc.template_id ?? null,
    encounter_id: doc.encounter_id ?? null,
    total_files: doc.total_files,
    counts,
    needs_review: needsReview,
    rejected_at_review: rejectedAtReview,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
    version: doc.version ?? 0,
    cancelled_at: doc.cancelled_at ?? null,
    paused_at: doc.paused_at ?? null,
    held_until: doc.held_until ?? null,
    expected_files: doc.expected_files ?? null,
    finished_at: doc.finished_at ?? null,
    content_purged_at: doc.content_purged_at ?? null,
  };
}

/** Maps a file document to the contract's record; the lease token never leaves the store. */
export function toFileRecord(doc: FileDoc): FileRecord {
  return {
    id: doc._id,
    batch_id: doc.batch_id,
    workspace_id: doc.workspace_id,
    position: doc.position,
    filename: doc.filename,
    size: doc.size,
    declared_type: doc.declared_type ?? null,
    detected_type: doc.detected_type ?? null,
    blob_key: doc.blob_key ?? null,
    status: doc.status,
    attempts: doc.attempts,
    error: fromJson<FileError>(doc.error),
    result: fromJson<unknown>(doc.result),
    review: toReview(doc),
    created_at: doc.created_at,
    started_at: doc.started_at ?? null,
    completed_at: doc.completed_at ?? null,
    run_after: doc.run_after ?? null,
    lease_owner: doc.lease_owner ?? null,
    lease_expires_at: doc.lease_expires_at ?? null,
    blob_purged_at: doc.blob_purged_at ?? null,
    content_purged_at: doc.content_purged_at ?? null,
  };
}

function toReview(doc: FileDoc): FileRecord['review'] {
  const reason = fromJson<FileError>(doc.review_reason);
  if (!reason) return null;
  return { reason, decision: doc.review_decision ?? null, decided_by: doc.reviewed_by ?? null, decided_at: doc.reviewed_at ?? null };
}

/** A new file document of a batch. */
export function newFileDoc(
  batch: { id: string; workspace_id: string },
  file: NewFile,
  init: { now: Date; claimAt: Date; position: number; batchState: BatchState; stateSeq: number },
): FileDoc {
  return {
    _id: file.id,
    batch_id: batch.id,
    workspace_id: batch.workspace_id,
    position: init.position,
    filename: file.filename,
    size: file.size,
    declared_type: file.declared_type ?? null,
    detected_type: file.detected_type ?? null,
    blob_key: file.blob_key ?? null,
    status: file.status,
    attempts: 0,
    error: toJson(file.error ?? null),
    result: null,
    created_at: init.now,
    started_at: null,
    completed_at: file.status === 'failed' ? init.now : null,
    run_after: null,
    lease_owner: null,
    lease_token: null,
    lease_expires_at: null,
    blob_purged_at: null,
    claim_at: init.claimAt,
    batch_state: init.batchState,
    state_seq: init.stateSeq,
    cancel_error: null,
  };
}
