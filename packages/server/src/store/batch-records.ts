import type { BatchRecord, BatchWithFiles, HistoryCursor, NewBatch, NewFile } from './records.js';

/**
 * The batches of every workspace and their files: created at once, read one at a time
 * or as a workspace's history. A required role of every `Store`.
 *
 * Every read is scoped by `workspaceId`: a batch of another workspace is the same as no batch.
 */
export interface BatchRecords {
  /**
   * Records a batch and all its files at once: either all are stored or none. With
   * `hold_ms` the batch is held open for appends (see `BatchControl.appendFiles`).
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
}
