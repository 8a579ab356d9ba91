import type { FileError } from '@batch-uploader/protocol';
import type { ClaimedFile, FileOutcome, FileTransition } from './records.js';

/**
 * The processing queue: the file records are the jobs. A required role of every
 * `Store`. `claimFile` must be atomic across every process that shares the store,
 * and only the current lease holder (`token`) may change a claimed file.
 */
export interface FileQueue {
  /**
   * Atomically takes the next pending file whose `run_after` has passed. Workspaces take
   * turns: of the workspaces with such a file, the one with the fewest files processing
   * now, then the one whose last claim is the oldest (one never claimed from first), so
   * that no workspace's uploads hold every worker while another's wait. Within that
   * workspace (and between workspaces still tied), files follow the batch's claim order
   * (created_at + PRIORITY_OFFSET_MS[priority] + CLAIM_STEP_MS for every claim already
   * made in it), then batch id, then position. Turns and counts are the store's, so
   * they hold across every process sharing it. The file becomes `processing`,
   * `attempts` grows by one, `started_at` is set on the first claim, and a fresh token
   * with a lease of `leaseMs` is issued. Files of cancelled or paused batches are never
   * claimed. Null when nothing is ready.
   */
  claimFile(input: { owner: string; leaseMs: number }): Promise<ClaimedFile | null>;
  /** Extends a lease; false when `token` no longer holds the file. */
  renewLease(fileId: string, token: string, leaseMs: number): Promise<boolean>;
  /**
   * Ends a file as completed or failed; null (and no write) when `token` no longer holds
   * it. A completed outcome with `review` holds the file for review (counted in the
   * batch's `needs_review` until `BatchControl.reviewFile` decides it).
   */
  finishFile(fileId: string, token: string, outcome: FileOutcome): Promise<FileTransition | null>;
  /**
   * Puts a held file back to `pending`, claimable after `delayMs`, keeping `error` as
   * the last error seen. `refundAttempt` undoes the claim's attempt (used on shutdown,
   * when the work was interrupted through no fault of the file). Null when not held.
   */
  releaseFile(fileId: string, token: string, input: { delayMs: number; error: FileError | null; refundAttempt: boolean }): Promise<FileTransition | null>;
  /**
   * Handles files whose lease expired (their worker died): a file with `attempts` below
   * `maxAttempts` goes back to `pending` at once; one that reached it fails with `error`.
   */
  reclaimExpired(input: { maxAttempts: number; error: FileError }): Promise<FileTransition[]>;
}
