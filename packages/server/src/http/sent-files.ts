import type { BatchFile } from '@batch-uploader/protocol';

/**
 * What one live stream last sent of each file of its batch, so that a `changes` event
 * carries exactly the files whose wire form changed. Kept small: a file id and a short
 * signature per file, never the files themselves.
 *
 * The signature holds the fields of a file's wire form that can change after upload:
 * status, attempts, start and completion times, error code. The others (name, size,
 * detected type, creation time) are fixed at upload, and a result or an error is only
 * ever written together with a new status and completion time.
 */
export class SentFiles {
  readonly #sent = new Map<string, string>();

  /** Remembers every file of a full snapshot as sent. */
  reset(files: readonly BatchFile[]): void {
    this.#sent.clear();
    for (const file of files) this.#sent.set(file.file_id, signature(file));
  }

  /**
   * The files that differ from what was last sent, new ones included, in the order
   * given; remembers them as sent. Null when a file sent before is gone: only a full
   * snapshot can say that.
   */
  changed(files: readonly BatchFile[]): BatchFile[] | null {
    const before = this.#sent.size;
    const changed: BatchFile[] = [];
    let known = 0;
    for (const file of files) {
      const next = signature(file);
      const previous = this.#sent.get(file.file_id);
      if (previous !== undefined) known++;
      if (previous === next) continue;
      this.#sent.set(file.file_id, next);
      changed.push(file);
    }
    return known === before ? changed : null;
  }
}

function signature(file: BatchFile): string {
  return `${file.status} ${file.attempts} ${file.started_at ?? ''} ${file.completed_at ?? ''} ${file.error?.code ?? ''}`;
}
