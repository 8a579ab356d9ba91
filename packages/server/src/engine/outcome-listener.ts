/** A batch that finished: no file of it can change any more. */
export interface FinishedBatch {
  batch_id: string;
  workspace_id: string;
}

/** A file that failed for good: refused at upload, failed by the processor, or lost its worker too often. */
export interface FailedFile {
  batch_id: string;
  workspace_id: string;
  file_id: string;
  /** Why: a `FILE_ERRORS` code, or one of the host processor's codes. */
  error_code: string;
  /** Processing attempts made (0 for a file refused at upload). */
  attempts: number;
}

/** A file that completed but waits for a person's decision (a document naming another patient). */
export interface FlaggedFile {
  batch_id: string;
  workspace_id: string;
  file_id: string;
  /** A `REVIEW_REASONS` code. */
  reason_code: string;
  /** Names of the fields that differ (never their values). */
  conflicting: string[];
}

/**
 * Told of the outcomes that are final, wherever in the engine they happen: an upload
 * whose files were all refused, a cancel or close, a worker's verdict, a lease or a hold
 * that ran out. Webhooks are one such listener (see `Publisher.addListener`).
 *
 * The methods are called on the processing path: each returns at once and does its work
 * in the background; `flush` resolves once that work is done, and is awaited on shutdown
 * before the store may close.
 */
export interface OutcomeListener {
  /** A batch finished: told once, by the process whose change finished it. */
  batchFinished(batch: FinishedBatch): void;
  /** A file failed for good. */
  fileFailed(file: FailedFile): void;
  /** A file completed but is held for review. */
  fileNeedsReview(file: FlaggedFile): void;
  /** Waits until what was handed over so far is done (or failed). */
  flush(): Promise<void>;
}
