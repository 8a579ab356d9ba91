import type { FileError } from '@batch-uploader/protocol';
import type {
  AppendOutcome,
  BatchRecord,
  BatchWithFiles,
  ClaimedFile,
  FileOutcome,
  FileTransition,
  HistoryCursor,
  NewBatch,
  NewFile,
  NewWebhookEvent,
  RetryOutcome,
  WebhookDelivery,
  WebhookOutcome,
  WorkspaceAnalytics,
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

  /**
   * Records a batch and all its files at once: either all are stored or none. With
   * `hold_ms` the batch is held open for appends (see {@link Store.appendFiles}).
   */
  createBatch(batch: NewBatch, files: NewFile[]): Promise<BatchRecord>;
  /** One batch of a workspace with its files in position order; null when absent. */
  getBatch(workspaceId: string, batchId: string): Promise<BatchWithFiles | null>;
  /** One batch of a workspace without files; null when absent. */
  getBatchSummary(workspaceId: string, batchId: string): Promise<BatchRecord | null>;
  /**
   * The `version` of a workspace's batch, reading nothing else (no file, no count); null
   * when absent. The version is kept with the batch in the store, not in a process, so
   * every process sharing the store sees the same number: it grows with every change a
   * status read can show (a file claimed, finished, released or reclaimed after its lease
   * ran out, even when the counts end as they were; the batch cancelled, paused, resumed,
   * retried, appended to, closed or finished), so an answer built at one version is
   * never the answer of a later one.
   */
  getBatchVersion(workspaceId: string, batchId: string): Promise<number | null>;
  /** A workspace's batches, newest first (created_at, then id), after `cursor`. */
  listBatches(workspaceId: string, query: { limit: number; cursor?: HistoryCursor }): Promise<BatchRecord[]>;
  /**
   * Cancels a batch: pending files become `cancelled` with `error` set; files already
   * processing run to their end; a hold for appends is released. `not_open` when the batch had already finished or been cancelled.
   */
  cancelBatch(
    workspaceId: string,
    batchId: string,
    error: FileError,
  ): Promise<{ outcome: 'cancelled' | 'not_found' | 'not_open'; batch_finished: boolean }>;

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
  appendFiles(
    workspaceId: string,
    batchId: string,
    files: NewFile[],
    options: { maxFiles: number; holdMs?: number | null },
  ): Promise<AppendOutcome>;

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
   * Atomically takes the next pending file whose `run_after` has passed, ordered by the
   * batch's claim order (created_at + PRIORITY_OFFSET_MS[priority] + CLAIM_STEP_MS for
   * every claim already made in it), then batch id, then position. The file becomes
   * `processing`, `attempts` grows by one, `started_at` is set
   * on the first claim, and a fresh token with a lease of `leaseMs` is issued.
   * Files of cancelled or paused batches are never claimed. Null when nothing is ready.
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

  /**
   * Figures of a workspace's batches and files created from `since` up to `until`: per
   * UTC day, totals, success rate, processing time percentiles and the top failure
   * codes (see {@link WorkspaceAnalytics}). Computed by the store's own queries, without
   * reading the files' records one by one into memory.
   */
  getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics>;

  /**
   * Records a webhook event in the outbox, due at once. Durable like the batches: a
   * pending delivery outlives the process.
   */
  enqueueWebhook(event: NewWebhookEvent): Promise<void>;
  /**
   * Atomically takes the oldest due event (pending, its due time passed), counting an
   * attempt and holding it under a fresh token for `leaseMs`: it is due again when the
   * lease runs out, so a dispatcher that dies loses nothing. Null when nothing is due.
   */
  claimWebhook(input: { leaseMs: number }): Promise<WebhookDelivery | null>;
  /**
   * Ends a delivery attempt: `delivered` removes the event, `retry` makes it due after
   * `delayMs`, `dead` keeps it, never to be sent again. False (and no write) when `token`
   * no longer holds the event.
   */
  settleWebhook(id: string, token: string, outcome: WebhookOutcome): Promise<boolean>;

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
