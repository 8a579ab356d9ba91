import type { Batch, BatchChanges, BatchFile } from '@batch-uploader/protocol';

/**
 * The batch one live stream describes: its last snapshot with every later `changes`
 * event applied by `file_id`. Work per event is in proportion to the files it carries
 * (plus one copy of the list's references), not to the batch's size.
 */
export class LiveBatch {
  #batch: Batch | null = null;
  /** Position of each file in `#batch.files`, by `file_id`. */
  readonly #positions = new Map<string, number>();

  /** Takes a full snapshot as the batch. */
  snapshot(batch: Batch): Batch {
    this.#batch = batch;
    this.#positions.clear();
    batch.files.forEach((file, i) => this.#positions.set(file.file_id, i));
    return batch;
  }

  /**
   * Applies a `changes` event and returns the batch as it now is (a new object; earlier
   * ones are left as they were). Null when no snapshot came first, or it was of another batch.
   */
  apply({ changed_files, ...summary }: BatchChanges): Batch | null {
    const last = this.#batch;
    if (!last || last.id !== summary.id) return null;
    const files: BatchFile[] = last.files.slice();
    for (const file of changed_files) {
      const at = this.#positions.get(file.file_id);
      if (at === undefined) {
        // Added to the batch since (an append): files are in batch order, new ones last.
        this.#positions.set(file.file_id, files.length);
        files.push(file);
      } else {
        files[at] = file;
      }
    }
    this.#batch = { ...summary, files };
    return this.#batch;
  }
}
