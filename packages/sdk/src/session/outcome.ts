import type { BatchStatus, FileErrorCode } from '@batch-uploader/protocol';
import { tallyFiles } from './file-tally.js';
import type { RejectedFile, SessionFile, SessionState } from './session-state.js';

/**
 * Whether running a file again can end otherwise, by the code it failed with (the
 * protocol's `FILE_ERRORS`). A file that is damaged, of another type, empty, locked,
 * too large or complex for the processor, or refused by it, fails the same way every
 * time: it must be scanned or saved again and sent in a new batch. A time-out, a worker
 * lost or attempts used up by an unavailable service may pass next time. Codes not in
 * this table are a processor's own refusals (a host processor's `PermanentError`, a
 * processing service's 4xx with its code): like `REJECTED_BY_PROCESSOR`, they fail the
 * same way again, so they are not counted as retryable.
 */
export const FILE_ERROR_RETRYABLE: Readonly<Record<FileErrorCode, boolean>> = Object.freeze({
  UNSUPPORTED_TYPE: false,
  CORRUPT_FILE: false,
  EMPTY_DOCUMENT: false,
  ENCRYPTED_DOCUMENT: false,
  TOO_COMPLEX: false,
  PROCESSING_TIMEOUT: true,
  WORKER_LOST: true,
  PROCESSING_FAILED: true,
  FILE_MISSING: false,
  CANCELLED: false,
  REJECTED_BY_PROCESSOR: false,
  RESULT_TOO_LARGE: false,
});

/**
 * True when `retryFailed()` may make this failed file succeed: the server has its bytes
 * (it reached the server, and retention has not removed them) and it failed for a reason
 * that can pass on another try ({@link FILE_ERROR_RETRYABLE}).
 */
export function canRetryFile(file: Pick<SessionFile, 'status' | 'fileId' | 'purgedAt' | 'error'>): boolean {
  if (file.status !== 'failed' || file.fileId === null || file.purgedAt) return false;
  const code = file.error?.code;
  return code === undefined || (FILE_ERROR_RETRYABLE as Readonly<Record<string, boolean | undefined>>)[code] === true;
}

/**
 * How a finished batch went, for a notice a clerk reads at a glance: every file
 * `succeeded`; `partial` — some succeeded, some failed or were not sent; `failed` — none
 * succeeded; `cancelled` — the batch was cancelled.
 */
export type BatchOutcome = 'succeeded' | 'partial' | 'failed' | 'cancelled';

/**
 * The {@link BatchOutcome} of a batch from its status and counts, e.g. a history entry's
 * `status` and `progress`; `notSent` are files refused before sending (not in the counts).
 * Files held for review (`needs_review` of the wire's progress) and files rejected at review
 * (`rejected_at_review`: not filed to this patient) make it `partial`.
 */
export function outcomeOf(
  status: BatchStatus,
  counts: { readonly completed: number; readonly failed: number; readonly needs_review?: number; readonly rejected_at_review?: number },
  notSent = 0,
): BatchOutcome {
  if (status === 'cancelled') return 'cancelled';
  if (counts.failed === 0 && notSent === 0) return counts.needs_review || counts.rejected_at_review ? 'partial' : 'succeeded';
  return counts.completed === 0 ? 'failed' : 'partial';
}

/** The files of a session that need someone to act: see {@link selectAttention}. */
export interface SessionAttention {
  /** Failed files, in list order (on the server, or never sent because the upload failed part way). */
  readonly failed: readonly SessionFile[];
  /** How many of `failed` `retryFailed()` may make succeed ({@link canRetryFile}). */
  readonly retryable: number;
  /** Files refused before sending (`state.rejected`): wrong type, too large, duplicate, over the count, empty. */
  readonly notSent: readonly RejectedFile[];
  /**
   * Completed files the server holds for staff to confirm or reject (`needsReview`: a
   * document naming another patient), in list order. They come first: filing one to the
   * wrong patient is a safety event.
   */
  readonly needsReview: readonly SessionFile[];
  /** `needsReview`, `failed` and `notSent` together. */
  readonly total: number;
}

const failedMemo = new WeakMap<readonly SessionFile[], { failed: readonly SessionFile[]; retryable: number; needsReview: readonly SessionFile[] }>();

/** The failed files and the refused ones, with how many failed files can be retried; computed once per file list. */
export function selectAttention(state: SessionState): SessionAttention {
  let known = failedMemo.get(state.files);
  if (!known) {
    const failed = state.files.filter((file) => file.status === 'failed');
    known = { failed, retryable: failed.filter(canRetryFile).length, needsReview: state.files.filter((file) => file.needsReview === true) };
    failedMemo.set(state.files, known);
  }
  return { ...known, notSent: state.rejected, total: known.needsReview.length + known.failed.length + state.rejected.length };
}

/**
 * The {@link BatchOutcome} of the session's batch once it finished (`partial` while files
 * wait for review, and once one was rejected there: it still has to be filed elsewhere); null before.
 */
export function selectOutcome(state: SessionState): BatchOutcome | null {
  if (state.phase !== 'finished' || state.batchStatus === null) return null;
  const outcome = outcomeOf(state.batchStatus, tallyFiles(state.files).byStatus, state.rejected.length);
  // A document naming another patient waits for staff, or was refused for this patient:
  // the batch did not simply succeed.
  const { needsReview, rejectedAtReview } = tallyFiles(state.files);
  return outcome === 'succeeded' && (needsReview > 0 || rejectedAtReview > 0) ? 'partial' : outcome;
}
