import { tallyFiles } from './file-tally.js';
import { selectAttention } from './outcome.js';
import type { SessionFile, SessionFileStatus, SessionState } from './session-state.js';

/** How many files are in each status, and in all. */
export type SessionCounts = Readonly<Record<SessionFileStatus, number>> & {
  /** Every accepted file. */
  readonly total: number;
  /** Files that reached a final status (completed, failed or cancelled). */
  readonly finished: number;
  /** Completed files the server holds for review (part of `completed`): see `SessionFile.needsReview`. */
  readonly needsReview: number;
  /**
   * Completed files staff rejected at review (part of `completed`): the document is not
   * this patient's and is not filed here. See `SessionFile.review`.
   */
  readonly rejectedAtReview: number;
};

/** Overall progress of a session. */
export interface SessionProgress {
  /** File bytes sent so far. */
  readonly bytesSent: number;
  /** File bytes to send. */
  readonly bytesTotal: number;
  /** Whole percent of bytes sent. */
  readonly uploadPercent: number;
  /** Whole percent of files that reached a final status. */
  readonly processingPercent: number;
  /**
   * One number for a progress bar: the upload percent while uploading, then the
   * share of finished files. @example 40
   */
  readonly percent: number;
  /** Files whose bytes have all left: "3 of 9 files sent" while uploading; all of them afterwards. */
  readonly filesSent: number;
  /**
   * Shares of all files, in percent, unrounded, for a bar in segments that never goes back:
   * `sent` (bytes sent, 100 once the upload is done), then `completed`, `failed` and
   * `cancelled` (they add up to the share of finished files).
   */
  readonly shares: { readonly sent: number; readonly completed: number; readonly failed: number; readonly cancelled: number };
}

const countsMemo = new WeakMap<readonly SessionFile[], SessionCounts>();

/** Counts of files by status; derived from the file list's tally, cached per list. */
export function selectCounts(state: SessionState): SessionCounts {
  const cached = countsMemo.get(state.files);
  if (cached) return cached;
  const { byStatus, needsReview, rejectedAtReview } = tallyFiles(state.files);
  const result: SessionCounts = Object.freeze({
    ...byStatus,
    total: state.files.length,
    finished: byStatus.completed + byStatus.failed + byStatus.cancelled,
    needsReview,
    rejectedAtReview,
  });
  countsMemo.set(state.files, result);
  return result;
}

/** Bytes sent and the share of finished files, as percent. */
export function selectProgress(state: SessionState): SessionProgress {
  const { bytesSent, bytesTotal, filesSent } = tallyFiles(state.files);
  const counts = selectCounts(state);
  const { total, finished } = counts;
  const uploadPercent = bytesTotal === 0 ? 0 : Math.floor((bytesSent * 100) / bytesTotal);
  const processingPercent = total === 0 ? 0 : Math.floor((finished * 100) / total);
  const share = (n: number) => (total === 0 ? 0 : (n * 100) / total);
  return {
    bytesSent,
    bytesTotal,
    uploadPercent,
    processingPercent,
    percent: state.phase === 'uploading' ? uploadPercent : state.phase === 'idle' ? 0 : processingPercent,
    filesSent,
    shares: {
      sent: state.phase === 'idle' ? 0 : bytesTotal === 0 ? 100 : (bytesSent * 100) / bytesTotal,
      completed: share(counts.completed),
      failed: share(counts.failed),
      cancelled: share(counts.cancelled),
    },
  };
}

/**
 * The closing line of a finished batch, e.g. `47 succeeded, 3 failed` (cancelled files
 * are named only when there are some); null while the batch is not finished.
 */
export function selectSummary(state: SessionState): string | null {
  if (state.phase !== 'finished') return null;
  return formatSummary(selectCounts(state));
}

/** Formats counts as `47 succeeded, 3 failed[, 2 cancelled][, 1 to review][, 1 rejected at review]`. */
export function formatSummary(counts: { completed: number; failed: number; cancelled: number; needsReview?: number; rejectedAtReview?: number }): string {
  const parts = [`${counts.completed} succeeded`, `${counts.failed} failed`];
  if (counts.cancelled > 0) parts.push(`${counts.cancelled} cancelled`);
  if (counts.needsReview) parts.push(`${counts.needsReview} to review`);
  if (counts.rejectedAtReview) parts.push(`${counts.rejectedAtReview} rejected at review`);
  return parts.join(', ');
}

/** True when `start()` would send something. */
export function selectCanStart(state: SessionState): boolean {
  return state.phase === 'idle' && state.files.some((file) => file.status === 'queued');
}

/**
 * How many failed files `retryFailed()` is offered for: those of a finished batch, not
 * cancelled, that another try may make succeed ({@link canRetryFile}: the server kept
 * their bytes — an attached batch counts too — and they failed for a reason that can pass,
 * not as damaged, of another type, too complex…). 0 when the batch is not finished.
 */
export function selectRetryableCount(state: SessionState): number {
  if (state.phase !== 'finished' || state.batchId === null || state.batchStatus === 'cancelled') return 0;
  return selectAttention(state).retryable;
}

/** True when `retryFailed()` may help: some file counts in {@link selectRetryableCount}. */
export function selectCanRetry(state: SessionState): boolean {
  return selectRetryableCount(state) > 0;
}

/** True when `pauseBatch()` would pause something: a batch is being processed and is not paused. */
export function selectCanPause(state: SessionState): boolean {
  return state.phase === 'processing' && state.batchId !== null && state.batchStatus !== 'paused';
}

/** True when `resumeBatch()` would resume something: the batch being processed is paused. */
export function selectCanResume(state: SessionState): boolean {
  return state.phase === 'processing' && state.batchId !== null && state.batchStatus === 'paused';
}

/** True while bytes are leaving for the server (an upload, or missing files sent): leaving the page now loses them. */
export function selectSending(state: SessionState): boolean {
  return state.phase === 'uploading' || state.interrupted?.sending === true;
}
