import type { FileError, ReviewState } from '@batch-uploader/protocol';
import type { AppendOutcome, FileTransition, NewFile, RetryOutcome, ReviewOutcome } from './records.js';

/**
 * What an operator does to a whole batch — cancel, pause, resume, retry, append, close —
 * and the expiry of holds for appends. A required role of every `Store`.
 *
 * Each command is scoped by `workspaceId` (`not_found` for another workspace's batch) and
 * is atomic for every process sharing the store: of two commands racing, each sees the
 * other's outcome whole.
 */
export interface BatchControl {
  /**
   * Cancels a batch: pending files become `cancelled` with `error` set; files already
   * processing run to their end; a hold for appends is released. `not_open` when the
   * batch had already finished or been cancelled.
   */
  cancelBatch(workspaceId: string, batchId: string, error: FileError): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }>;

  /**
   * Pauses a batch: its pending files (and files that become pending again) are not
   * claimed until it is resumed; files already processing run to their end. Pausing a
   * paused batch changes nothing and answers `paused`. `not_open` when the batch has
   * finished or was cancelled. A pause is stored: it outlives the process.
   */
  pauseBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'paused' | 'not_found' | 'not_open' }>;
  /**
   * Lets a paused batch's files be claimed again; resuming a batch that is not paused
   * changes nothing and answers `resumed`. `not_open` when it finished or was cancelled.
   */
  resumeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'resumed' | 'not_found' | 'not_open' }>;

  /**
   * Adds files to a batch that is still open (neither finished nor cancelled): they take
   * the positions after its last file, in the order given (their `position` is ignored),
   * and are claimed like its other files (not while it is paused). Nothing is stored when
   * the batch would then hold more than `maxFiles` files (`too_many`), or is not open.
   * `holdMs` holds the batch open for more appends until that long from now; without it
   * the append releases any hold, and the batch finishes once its files are done.
   */
  appendFiles(workspaceId: string, batchId: string, files: NewFile[], options: { maxFiles: number; holdMs?: number | null }): Promise<AppendOutcome>;

  /**
   * Keeps a batch held open for appends held at least `holdMs` from now (a resumable
   * upload into it is still receiving bytes, however long since its last file arrived);
   * never shortens a hold. False, changing nothing, when the batch is not held (closed, or
   * never held), finished, cancelled, or not the workspace's.
   */
  extendHold(workspaceId: string, batchId: string, holdMs: number): Promise<boolean>;

  /**
   * Releases the hold of a batch held open for appends: it finishes as soon as its files
   * are done (`batch_finished` true when this call finished it). Closing a batch that is
   * not held, or finished, changes nothing and answers `closed`. `not_open` when cancelled.
   */
  closeBatch(workspaceId: string, batchId: string): Promise<{ outcome: 'closed' | 'not_found' | 'not_open'; batch_finished: boolean }>;
  /**
   * Releases every hold that ran out (an upload abandoned half way); returns a transition
   * for each batch released, `batch_finished` true for those it finished. Safe to run
   * from several processes at once: each batch is released, and finished, once.
   */
  releaseExpiredHolds(): Promise<FileTransition[]>;

  /**
   * Puts a batch's failed files back in the queue: each becomes pending with `attempts`
   * 0 and no error, result or start time, and the batch reopens (`finished_at` cleared)
   * and queues like a batch uploaded now with its priority (its claim order moves to at
   * least now + PRIORITY_OFFSET_MS[priority]). Files whose bytes are gone — refused at
   * upload (`blob_key` null) or purged by retention — cannot run again: they stay
   * failed and are counted in `not_retryable`. `cancelled` for a cancelled batch;
   * `nothing_to_retry` when no failed file has its bytes. A paused batch stays paused.
   */
  retryFailedFiles(workspaceId: string, batchId: string): Promise<RetryOutcome>;
  /**
   * Records a person's decision on a completed file held for review (`review` set by
   * `finishFile`): `decision`, `decided_by` and the store's time, and the batch's version
   * moves. Deciding again the same way changes nothing and answers `reviewed` with the
   * first decision; the other way answers `already_decided`. `file_not_found` for a file
   * not in the batch; `nothing_to_review` for a file never held.
   */
  reviewFile(workspaceId: string, batchId: string, fileId: string, input: { decision: ReviewState; decided_by: string }): Promise<ReviewOutcome>;
}
