import type { BatchOutcome, BatchStatus, RejectedFile, SessionCounts, SessionFile, SessionPhase } from '@batch-uploader/sdk';

/** `detail` of `batch-files-added`: files were accepted into the batch (after validation). */
export interface BatchFilesAddedDetail {
  files: readonly SessionFile[];
}

/** `detail` of `batch-files-rejected`: each refused file has a stable `code` (and the SDK's English `message`). */
export interface BatchFilesRejectedDetail {
  rejected: readonly RejectedFile[];
}

/** `detail` of `batch-created`: the server accepted the upload. */
export interface BatchCreatedDetail {
  batchId: string;
  totalFiles: number;
}

/** `detail` of `batch-progress`: where the upload or the processing is. */
export interface BatchProgressDetail {
  batchId: string | null;
  phase: SessionPhase;
  percent: number;
  counts: SessionCounts;
}

/** `detail` of `batch-paused`. */
export interface BatchPausedDetail {
  batchId: string;
}

/** `detail` of `batch-resumed`. */
export interface BatchResumedDetail {
  batchId: string;
}

/** `detail` of `batch-retried`: how many failed files run again, and how many cannot (their bytes are gone). */
export interface BatchRetriedDetail {
  batchId: string;
  retried: number;
  notRetryable: number;
}

/**
 * `detail` of `batch-complete`. `outcome`: `succeeded` (every file), `partial` (some failed
 * or were not sent), `failed` (none succeeded) or `cancelled`. `notSent`: files refused
 * before sending (wrong type, too large, duplicate, over the count, empty), not in
 * `counts`. `summary` is `strings.summary` of both ("47 succeeded, 3 failed, 2 not sent").
 */
export interface BatchCompleteDetail {
  batchId: string;
  status: BatchStatus;
  outcome: BatchOutcome;
  counts: SessionCounts;
  notSent: number;
  summary: string;
}

/** `detail` of `batch-error`. Branch on `code`; `message` is `strings.error(code, …)`. */
export interface BatchErrorDetail {
  code: string;
  message: string;
  error: unknown;
}

/**
 * The DOM events of `<batch-uploader>`, by name, with the type of their `detail`.
 * All bubble and are composed (they cross shadow roots), so a page can listen on any
 * ancestor.
 */
export interface BatchUploaderEventMap {
  /** Files were accepted into the batch (after validation). */
  'batch-files-added': BatchFilesAddedDetail;
  /** Files were refused when added, or left the list when the check of their content failed. */
  'batch-files-rejected': BatchFilesRejectedDetail;
  /** The server accepted the upload; processing runs from here. */
  'batch-created': BatchCreatedDetail;
  /** Upload or processing moved on (at most once per state change, never per byte). */
  'batch-progress': BatchProgressDetail;
  /** The batch was paused (by this element or elsewhere): its files not yet started wait. */
  'batch-paused': BatchPausedDetail;
  /** The paused batch runs again. */
  'batch-resumed': BatchResumedDetail;
  /** The server put the batch's failed files back in the queue; the same batch runs again. */
  'batch-retried': BatchRetriedDetail;
  /** The batch reached a final status. */
  'batch-complete': BatchCompleteDetail;
  /** The upload failed, live updates stopped for good, or a stored batch could not be resumed. */
  'batch-error': BatchErrorDetail;
}

/** One of the element's events. */
export type BatchUploaderEvent<K extends keyof BatchUploaderEventMap = keyof BatchUploaderEventMap> = CustomEvent<BatchUploaderEventMap[K]>;

/** The events as `addEventListener` sees them. */
export type BatchUploaderEvents = { [K in keyof BatchUploaderEventMap]: BatchUploaderEvent<K> };

declare global {
  // Typed `addEventListener('batch-complete', (e) => e.detail.summary)` on any element.
  interface GlobalEventHandlersEventMap extends BatchUploaderEvents {}
}

/** Dispatches a bubbling, composed event with a typed `detail`. */
export function emit<K extends keyof BatchUploaderEventMap>(target: EventTarget, type: K, detail: BatchUploaderEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** The stable code and message of an SDK error (or of anything thrown). */
export function describeError(error: unknown): { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: typeof message === 'string' && message !== '' ? message : 'Something went wrong.',
  };
}
