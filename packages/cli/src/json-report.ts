import type { Batch, BatchFile } from '@batch-uploader/protocol';
import type { RejectionCode } from '@batch-uploader/sdk';

/** A file the CLI refused before upload. */
export interface RefusedFile {
  /** The path as given, relative to the working folder. */
  path: string;
  code: RejectionCode;
  message: string;
}

/** What `batch-upload --json` prints. */
export interface JsonReport {
  /** Final status of every batch, in upload order. */
  batches: Batch[];
  /** Files refused before upload. */
  refused: RefusedFile[];
}

/**
 * The `--json` output. Patient ids are redacted, and extracted document text and
 * metadata (a PDF title can name the patient) are dropped: this output ends up in
 * terminals, CI logs and tickets.
 */
export function toJsonReport(batches: readonly Batch[], refused: readonly RefusedFile[]): JsonReport {
  return {
    batches: batches.map((batch) => ({
      ...batch,
      patient_id: batch.patient_id === null ? null : '[redacted]',
      files: batch.files.map(withoutText),
    })),
    refused: [...refused],
  };
}

function withoutText(file: BatchFile): BatchFile {
  if (typeof file.result !== 'object' || file.result === null) return file;
  const { text: _text, metadata: _metadata, ...result } = file.result as Record<string, unknown>;
  return { ...file, result };
}
