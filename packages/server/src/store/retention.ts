/**
 * What retention removes, and when: file bytes a while after their batch finished (they
 * are health data), then what the records hold of the documents and patients, and old
 * batch records. A required role of every `Store`. The engine's sweeper deletes the bytes
 * from the blob store between `listPurgeableBlobs` and `markBlobsPurged`, then calls
 * `purgeContent` with the same duration; cutoffs are the store's own clock minus the
 * durations given.
 */
export interface Retention {
  /** Files whose batch finished more than `olderThanMs` ago and whose bytes are still kept. */
  listPurgeableBlobs(input: { olderThanMs: number; limit: number }): Promise<{ file_id: string; blob_key: string }[]>;
  /** Records that the bytes of these files were removed. */
  markBlobsPurged(fileIds: string[]): Promise<void>;
  /**
   * Removes what the records of up to `limit` batches hold of their documents and
   * patients: batches finished more than `olderThanMs` ago, not purged yet, none of whose
   * files keeps bytes (all purged, or never kept). Each file's `filename`, `result` and
   * `error` become what `purgedFile` gives (a placeholder name; the result's facts —
   * pages, size, checksum, type — without text or metadata; the error's code with the
   * standard sentence) and its `content_purged_at` is set; the batch's `patient_id` and
   * `encounter_id` become null, its `content_purged_at` is set, and it is touched (its
   * version moves). Status, counts, sizes, attempts, times and `template_id` stay.
   * Returns how many batches were purged.
   */
  purgeContent(input: { olderThanMs: number; limit: number }): Promise<number>;
  /**
   * Deletes batches (and their file records) finished more than `olderThanMs` ago whose
   * bytes are all purged; returns how many batches went.
   */
  deleteFinishedBatches(input: { olderThanMs: number }): Promise<number>;
}
