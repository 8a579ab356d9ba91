import type { BatchStatus, RejectedFile, SessionCounts, SessionFile, SessionPhase } from '@batch-uploader/sdk';

/**
 * The DOM events of `<batch-uploader>`, by name, with the type of their `detail`.
 * All bubble and are composed (they cross shadow roots), so a page can listen on any
 * ancestor.
 */
export interface BatchUploaderEventMap {
  /** Files were accepted into the batch (after validation). */
  'batch-files-added': { files: readonly SessionFile[] };
  /** Files were refused when added, or left the list when the check of their content failed; each has a stable `code` (and the SDK's English `message`). */
  'batch-files-rejected': { rejected: readonly RejectedFile[] };
  /** The server accepted the upload; processing runs from here. */
  'batch-created': { batchId: string; totalFiles: number };
  /** Upload or processing moved on (at most once per state change, never per byte). */
  'batch-progress': { batchId: string | null; phase: SessionPhase; percent: number; counts: SessionCounts };
  /** The batch was paused (by this element or elsewhere): its files not yet started wait. */
  'batch-paused': { batchId: string };
  /** The paused batch runs again. */
  'batch-resumed': { batchId: string };
  /** The server put the batch's failed files back in the queue (`notRetryable` stay failed: their bytes are gone); the same batch runs again. */
  'batch-retried': { batchId: string; retried: number; notRetryable: number };
  /** The batch reached a final status. `summary` is `strings.summary(counts)` ("47 succeeded, 3 failed" in English). */
  'batch-complete': { batchId: string; status: BatchStatus; counts: SessionCounts; summary: string };
  /** The upload failed, live updates stopped for good, or a stored batch could not be resumed. Branch on `code`; `message` is `strings.error(code, …)`. */
  'batch-error': { code: string; message: string; error: unknown };
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
