import type { BatchPriority, FileError, FileStatus, ReviewState } from '@batch-uploader/protocol';

/** File counts of one batch by status. */
export interface FileCounts {
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/** What the router hands a store to create a batch. */
export interface NewBatch {
  id: string;
  workspace_id: string;
  priority: BatchPriority;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
  /**
   * Holds the batch open for appends this long (ms from now): it does not finish, even
   * with every file done, until an append or `closeBatch` releases the hold or it runs
   * out. Absent or null: not held.
   */
  hold_ms?: number | null;
  /**
   * How many files the whole upload means to send, when it said so (a batch sent in
   * several requests): with `total_files`, what an interrupted upload still owes.
   * Absent or null: not said.
   */
  expected_files?: number | null;
}

/** What the router hands a store for each file of a new batch. */
export interface NewFile {
  id: string;
  /** 0-based order of the file in its batch; files are claimed in this order. */
  position: number;
  /** Sanitised original name: data only, never a path. */
  filename: string;
  size: number;
  /** MIME type the client claimed (kept for the record, never trusted). */
  declared_type: string | null;
  /** MIME type sniffed from the bytes; null when nothing matched. */
  detected_type: string | null;
  /** Key of the bytes in the blob store; null when no bytes were kept. */
  blob_key: string | null;
  /** `pending` for files to process; `failed` for files rejected at upload. */
  status: 'pending' | 'failed';
  /** Why a file rejected at upload failed. */
  error: FileError | null;
}

/** A batch as stored, with its file counts. Timestamps are Dates. */
export interface BatchRecord {
  id: string;
  workspace_id: string;
  priority: BatchPriority;
  patient_id: string | null;
  template_id: string | null;
  encounter_id: string | null;
  total_files: number;
  counts: FileCounts;
  /** Completed files waiting for a review decision (part of `counts.completed`). */
  needs_review: number;
  /** Completed files staff rejected at review (part of `counts.completed`). */
  rejected_at_review: number;
  created_at: Date;
  /** Moves on every change to the batch or one of its files. */
  updated_at: Date;
  /**
   * Grows by at least one with every change to the batch or one of its files that a
   * status read can show, however close together in time: the batch's id and version
   * name one state of it (see `BatchRecords.getBatchVersion`).
   */
  version: number;
  /** Set when a cancel was requested. */
  cancelled_at: Date | null;
  /** Set while the batch is paused: its pending files are not claimed. */
  paused_at: Date | null;
  /**
   * Set while the batch is held open for appends: when the hold runs out. A held batch
   * does not finish, even with every file done.
   */
  held_until: Date | null;
  /** How many files the upload meant to send, when it said so (see `NewBatch.expected_files`). */
  expected_files: number | null;
  /** Set when no file of the batch can change any more. */
  finished_at: Date | null;
  /**
   * Set when retention removed the batch's patient and encounter ids (now null) and its
   * files' content (see `FileRecord.content_purged_at`).
   */
  content_purged_at: Date | null;
}

/** A file as stored: the file record is also the job of the processing queue. */
export interface FileRecord {
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
  /** How many times a worker claimed the file. */
  attempts: number;
  error: FileError | null;
  result: unknown;
  /** Why a completed file was held for review, and the decision; null for files never held. */
  review: FileReviewRecord | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  /** Earliest time a pending file may be claimed (retry backoff). */
  run_after: Date | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  /** When the bytes were removed by retention. */
  blob_purged_at: Date | null;
  /**
   * When retention removed what the record held of the document (see `purgedFile`):
   * `filename` is PURGED_FILENAME, `result` keeps only KEPT_RESULT_FIELDS, `error` its
   * code with the standard sentence.
   */
  content_purged_at: Date | null;
}

/** A completed file held for a person's decision (see `BatchControl.reviewFile`). */
export interface FileReviewRecord {
  /** Why: a `REVIEW_REASONS` code and its sentence. */
  reason: FileError;
  /** Null while the file waits. */
  decision: ReviewState | null;
  /** Who decided (the caller's id as the auth layer gives it). */
  decided_by: string | null;
  decided_at: Date | null;
}

/** What `reviewFile` did. */
export type ReviewOutcome =
  | { outcome: 'reviewed'; file: FileRecord }
  /** No such batch in the workspace, or no such file in the batch. */
  | { outcome: 'not_found' | 'file_not_found' }
  /** The file was never held for review. */
  | { outcome: 'nothing_to_review' }
  /** The file was decided already, the other way. */
  | { outcome: 'already_decided'; decision: ReviewState };

/** A batch with all its files, in position order. */
export interface BatchWithFiles {
  batch: BatchRecord;
  files: FileRecord[];
}

/** A file a worker holds: only the holder of `token` may renew, finish or release it. */
export interface ClaimedFile {
  file: FileRecord;
  batch: BatchRecord;
  token: string;
}

/** How a worker ends its hold on a file. */
export type FileOutcome =
  | {
      status: 'completed';
      result: unknown;
      /** Holds the completed file for a person's decision, for this reason (a `REVIEW_REASONS` code). */
      review?: FileError | null;
    }
  | { status: 'failed'; error: FileError };

/** What changed when a file was finished, released or reclaimed. */
export interface FileTransition {
  batch_id: string;
  workspace_id: string;
  /** True when this change made the whole batch finished. */
  batch_finished: boolean;
  /**
   * The file reclaimed and what it became (`reclaimExpired` only; absent for a batch
   * finished by a store's own repair work).
   */
  file?: { id: string; status: FileStatus; attempts: number };
}

/** What `appendFiles` did. */
export type AppendOutcome =
  | { outcome: 'appended'; batch: BatchRecord }
  | { outcome: 'not_found' | 'not_open' }
  /** The batch would hold more than `maxFiles` files; `total_files` is what it holds. */
  | { outcome: 'too_many'; total_files: number };

/** What `retryFailedFiles` did. */
export interface RetryOutcome {
  outcome: 'retried' | 'not_found' | 'cancelled' | 'nothing_to_retry';
  /** Failed files put back in the queue. */
  retried: number;
  /** Failed files left failed because their bytes are gone (refused at upload, or purged). */
  not_retryable: number;
}

/** Keyset position in history, newest first: the last batch of the previous page. */
export interface HistoryCursor {
  created_at: Date;
  id: string;
}

/**
 * How far each claim moves its batch back in the claim order. A long batch thus shares
 * the workers with batches uploaded after it instead of blocking them until it ends,
 * while batches far apart in time, or in priority, keep their order.
 */
export const CLAIM_STEP_MS = 2_000;

/** How far ahead of (or behind) its age a batch's priority puts it in the queue. */
export const PRIORITY_OFFSET_MS: Readonly<Record<BatchPriority, number>> = Object.freeze({
  high: -10 * 60_000,
  normal: 0,
  low: 10 * 60_000,
});
