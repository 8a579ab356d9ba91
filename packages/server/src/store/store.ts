import type { FileError } from '@batch-uploader/protocol';
import type {
  BatchRecord,
  BatchWithFiles,
  ClaimedFile,
  FileOutcome,
  FileTransition,
  HistoryCursor,
  NewBatch,
  NewFile,
} from './records.js';

/**
 * Where batches and files are recorded. The file records are the processing queue:
 * a store must make `claimFile` atomic across every process that shares it, and must
 * only let the current lease holder (`token`) change a claimed file.
 *
 * Times are the store's own clock; callers pass durations, never instants, so that
 * several processes sharing one store do not depend on agreeing clocks.
 *
 * Every read and write that a caller makes on behalf of a user is scoped by
 * `workspaceId`: a batch of another workspace is the same as no batch.
 *
 * A store is correct when it passes the conformance suite in `@batch-uploader/server/testing`.
 */
export interface Store {
  /** Opens connections and creates tables or indexes (idempotent). */
  init(): Promise<void>;
  /** Releases connections. In-flight calls may fail afterwards. */
  close(): Promise<void>;

  /** Records a batch and all its files at once: either all are stored or none. */
  createBatch(batch: NewBatch, files: NewFile[]): Promise<BatchRecord>;
  /** One batch of a workspace with its files in position order; null when absent. */
  getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null>;
  /** One batch of a workspace without files; null when absent. */
  getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null>;
  /** A workspace's batches, newest first (created_at, then id), after `cursor`. */
  listBatches(workspaceId: string, query: { limit: number; cursor?: HistoryCursor }): Promise<BatchRecord[]>;
  /**
   * Cancels a batch: pending files become `cancelled` with `error` set; files already
   * processing run to their end. `not_open` when the batch had already finished or been cancelled.
   */
  cancelBatch(
    workspaceId: string,
    batchId: string,
    error: FileError,
  ): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }>;

  /**
   * Atomically takes the next pending file whose `run_after` has passed, ordered by the
   * batch's claim order (created_at + PRIORITY_OFFSET_MS[priority] + CLAIM_STEP_MS for
   * every claim already made in it), then batch id, then position. The file becomes
   * `processing`, `attempts` grows by one, `started_at` is set
   * on the first claim, and a fresh token with a lease of `leaseMs` is issued.
   * Files of cancelled batches are never claimed. Null when nothing is ready.
   */
  claimFile(input: { owner: string; leaseMs: number }): Promise<ClaimedFile | null>;
  /** Extends a lease; false when `token` no longer holds the file. */
  renewLease(fileId: string, token: string, leaseMs: number): Promise<boolean>;
  /** Ends a file as completed or failed; null (and no write) when `token` no longer holds it. */
  finishFile(fileId: string, token: string, outcome: FileOutcome): Promise<FileTransition | null>;
  /**
   * Puts a held file back to `pending`, claimable after `delayMs`, keeping `error` as
   * the last error seen. `refundAttempt` undoes the claim's attempt (used on shutdown,
   * when the work was interrupted through no fault of the file). Null when not held.
   */
  releaseFile(
    fileId: string,
    token: string,
    input: { delayMs: number; error: FileError | null; refundAttempt: boolean },
  ): Promise<FileTransition | null>;
  /**
   * Handles files whose lease expired (their worker died): a file with `attempts` below
   * `maxAttempts` goes back to `pending` at once; one that reached it fails with `error`.
   */
  reclaimExpired(input: { maxAttempts: number; error: FileError }): Promise<FileTransition[]>;

  /** Files whose batch finished more than `olderThanMs` ago and whose bytes are still kept. */
  listPurgeableBlobs(input: { olderThanMs: number; limit: number }): Promise<{ file_id: string; blob_key: string }[]>;
  /** Records that the bytes of these files were removed. */
  markBlobsPurged(fileIds: string[]): Promise<void>;
  /**
   * Deletes batches (and their file records) finished more than `olderThanMs` ago whose
   * bytes are all purged; returns how many batches went.
   */
  deleteFinishedBatches(input: { olderThanMs: number }): Promise<number>;
}

export type { BatchRecord };
