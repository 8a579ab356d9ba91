import type { Batch, BatchFile } from '@batch-uploader/protocol';
import type { RejectionCode } from '@batch-uploader/sdk';
import { reviewReport, type ReviewReport } from './review-report.js';

/** A file the CLI refused before upload. */
export interface RefusedFile {
  /** The path as given on the command line (see {@link JsonFile.path}). */
  path: string;
  code: RejectionCode;
  message: string;
}

/** A file of a batch in `--json` output: the server's file, and where it came from. */
export interface JsonFile extends BatchFile {
  /**
   * The file's path as given on the command line: the argument as typed, and, below a
   * folder argument, its path inside that folder (`scans/a/scan.pdf`, `scans/b/scan.pdf`).
   * `filename` is the name the server keeps, which two such files share.
   */
  path: string;
}

/** A batch in `--json` output. */
export interface JsonBatch extends Omit<Batch, 'files'> {
  files: JsonFile[];
}

/** Why the CLI stopped before it could report every batch. */
export interface JsonError {
  /**
   * `USAGE` (the command line), `BAD_PATH` (a file or folder missing or unreadable),
   * `NO_FILES`, `UNREACHABLE` (no answer from the server), `INTERRUPTED` (Ctrl-C), or the
   * server's own error code (`UNAUTHORIZED`, `RATE_LIMITED`, …).
   */
  code: string;
  message: string;
  /** The HTTP status, when the server answered. */
  status?: number;
}

/** How a run that went on with an interrupted import (same command again) found it. */
export interface ResumeCounts {
  /** Files already in their batch from the interrupted run, not sent again. */
  files_already_sent: number;
  /** Large files whose unfinished tus upload went on from the server's offset. */
  uploads_continued: number;
  /** Files sent in this run (the continued uploads among them). */
  files_sent: number;
}

/** What `batch-upload --json` prints. */
export interface JsonReport {
  /** True when this run went on with an import an earlier run of the same command left unfinished. */
  resumed: boolean;
  /** Present when `resumed`. */
  resume?: ResumeCounts;
  /** Final status of every batch, in upload order (as far as they got, after an error). */
  batches: JsonBatch[];
  /** Files refused before upload. */
  refused: RefusedFile[];
  /** Files held for review (a document may name another patient) and files rejected at review, by path. */
  review: ReviewReport;
  /** Present when the CLI stopped on a fatal error (exit status 2). */
  error?: JsonError;
}

/**
 * The `--json` output. Patient ids are redacted, and extracted document text, the fields
 * read from it (`document.fields`: name, date of birth, NHS number) and metadata (a PDF
 * title can name the patient) are dropped: this output ends up in terminals, CI logs and
 * tickets. `pathsOf` gives, per batch id, the paths of the files
 * sent in it, in the order sent (the order of the batch's files).
 */
export function toJsonReport(
  batches: readonly Batch[],
  refused: readonly RefusedFile[],
  pathsOf: ReadonlyMap<string, readonly string[]> = new Map(),
  error?: JsonError,
  resume?: ResumeCounts,
): JsonReport {
  return {
    resumed: resume !== undefined,
    ...(resume ? { resume } : {}),
    batches: batches.map((batch) => {
      const paths = pathsOf.get(batch.id) ?? [];
      return {
        ...batch,
        patient_id: batch.patient_id === null ? null : '[redacted]',
        files: batch.files.map((file, index) => ({ ...withoutText(file), path: paths[index] ?? file.filename })),
      };
    }),
    refused: [...refused],
    review: reviewReport(batches, pathsOf),
    ...(error ? { error } : {}),
  };
}

function withoutText(file: BatchFile): BatchFile {
  if (typeof file.result !== 'object' || file.result === null) return file;
  const { text: _text, metadata: _metadata, ...result } = file.result as Record<string, unknown>;
  // The document's type and how it was read stay; what it says about the patient goes.
  if (typeof result.document === 'object' && result.document !== null) {
    const { fields: _fields, ...document } = result.document as Record<string, unknown>;
    result.document = document;
  }
  return { ...file, result };
}
