import type { BatchWithFiles, NewBatch, NewFile } from '../store/records.js';

/** What `BatchEngine.createBatch` records: a new batch of a workspace (its id is generated). */
export interface BatchRequest extends Omit<NewBatch, 'id' | 'hold_ms'> {
  /**
   * More files will follow (`appendFiles`): the batch is held open for the engine's
   * `appendHoldMs`, and does not finish before the last part, a close, or the hold runs out.
   * @default false
   */
  more_files?: boolean;
}

/** A file handed to `createBatch` or `appendFiles`. */
export interface IncomingFile {
  /** Its record; `blob_key` is where its bytes are kept (null for a file refused at upload). */
  record: NewFile;
  /**
   * A complete file on local disk holding its bytes, moved into the blob store under
   * `record.blob_key` by the command (and removed from there again when the command
   * fails). Absent when the bytes are stored already, or when there are none.
   */
  path?: string;
}

/** Options of `BatchEngine.appendFiles`. */
export interface AppendOptions {
  /** Most files the batch may hold, those it has included. */
  maxFiles: number;
  /** More files will follow: the batch stays held open (see {@link BatchRequest.more_files}). @default false */
  moreFiles?: boolean;
}

/** What `BatchEngine.retryFailedFiles` did. */
export interface RetryResult {
  /** Failed files put back in the queue. */
  retried: number;
  /** Failed files left failed because their bytes are gone (refused at upload, or purged). */
  not_retryable: number;
  /** The batch as the retry left it, read before any worker could claim a file again. */
  batch: BatchWithFiles;
}
