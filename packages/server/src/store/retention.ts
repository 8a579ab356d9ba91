/**
 * What retention removes, and when: file bytes a while after their batch finished (they
 * are health data), and old batch records. A required role of every `Store`. The
 * engine's sweeper deletes the bytes from the blob store between `listPurgeableBlobs` and
 * `markBlobsPurged`; cutoffs are the store's own clock minus the durations given.
 */
export interface Retention {
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
